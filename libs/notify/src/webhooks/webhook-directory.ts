import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../../core/src/app-config.module.js';
import type { AppConfig } from '../../../core/src/app-config.js';
import { WebhookEntity } from '../../../database/src/entities/webhook.entity.js';
import { WebhookSecretBox } from './webhook-secret-box.js';

/** What the pipeline needs to deliver to one webhook: where, and the secret to sign with. */
export interface WebhookTarget {
  webhookId: string;
  url: string;
  secret: string;
}

/**
 * The notification pipeline's read of webhooks (the table is libs/notify's): which webhooks of
 * an organisation want a kind, and one webhook by id at send time (null once deleted, so a
 * pending delivery to a deleted webhook is dropped rather than sent).
 */
@Injectable()
export class WebhookDirectory {
  private readonly box: WebhookSecretBox;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.box = new WebhookSecretBox(config.channels.webhookSecretKey);
  }

  async forOrganization(organizationId: string, kind: string): Promise<WebhookTarget[]> {
    const rows = await this.dataSource
      .getRepository(WebhookEntity)
      .createQueryBuilder('webhook')
      .where('webhook.organization_id = :organizationId', { organizationId })
      .andWhere(':kind = ANY(webhook.kinds)', { kind })
      .orderBy('webhook.created_at', 'ASC')
      .addOrderBy('webhook.id', 'ASC')
      .getMany();
    return rows.map((row) => this.toTarget(row));
  }

  async byId(webhookId: string): Promise<WebhookTarget | null> {
    const row = await this.dataSource.getRepository(WebhookEntity).findOneBy({ id: webhookId });
    return row ? this.toTarget(row) : null;
  }

  private toTarget(row: WebhookEntity): WebhookTarget {
    return { webhookId: row.id, url: row.url, secret: this.box.open(row.secretCiphertext) };
  }
}
