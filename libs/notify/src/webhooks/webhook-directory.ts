import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../../core/src/app-config.module.js';
import type { AppConfig } from '../../../core/src/app-config.js';
import { WebhookEntity } from '../../../database/src/entities/webhook.entity.js';
import { WebhookSecretBox } from './webhook-secret-box.js';

/**
 * What the pipeline needs to deliver to one webhook: where, the secret to sign with, and what
 * it wants (the shape of the pipeline's WebhookRecipient in libs/notify/src/notify.tokens.ts).
 */
export interface WebhookTarget {
  webhookId: string;
  organizationId: string;
  url: string;
  secret: string;
  kinds: string[];
}

/**
 * The notification pipeline's read of webhooks (the table is libs/notify's): the webhooks of
 * some organisations (or of one, for a kind), and one webhook by id at send time (null once
 * deleted, so a pending delivery to a deleted webhook is dropped rather than sent). Provided as
 * WEBHOOK_RECIPIENTS, the pipeline's port.
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

  /** Every webhook of these organisations, whatever its kinds (the fan-out filters). */
  async forOrganizations(organizationIds: readonly string[]): Promise<WebhookTarget[]> {
    if (organizationIds.length === 0) return [];
    const rows = await this.dataSource
      .getRepository(WebhookEntity)
      .createQueryBuilder('webhook')
      .where('webhook.organization_id = ANY(:organizationIds)', { organizationIds: [...organizationIds] })
      .orderBy('webhook.created_at', 'ASC')
      .addOrderBy('webhook.id', 'ASC')
      .getMany();
    return rows.map((row) => this.toTarget(row));
  }

  async byId(webhookId: string): Promise<WebhookTarget | null> {
    if (!/^[0-9a-f-]{36}$/i.test(webhookId)) return null;
    const row = await this.dataSource.getRepository(WebhookEntity).findOneBy({ id: webhookId });
    return row ? this.toTarget(row) : null;
  }

  private toTarget(row: WebhookEntity): WebhookTarget {
    return {
      webhookId: row.id,
      organizationId: row.organizationId,
      url: row.url,
      secret: this.box.open(row.secretCiphertext),
      kinds: row.kinds,
    };
  }
}
