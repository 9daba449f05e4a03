import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../../core/src/app-config.module.js';
import type { AppConfig } from '../../../core/src/app-config.js';
import { DomainError } from '../../../core/src/domain-error.js';
import { WebhookEntity } from '../../../database/src/entities/webhook.entity.js';
import { requireActor, requireOrganization, type Actor } from '../../../identity/src/actor.js';
import { newWebhookSecret, WebhookSecretBox } from './webhook-secret-box.js';
import { checkWebhookUrl } from './webhook-url.js';
import { NOTIFICATION_KINDS } from '../notification-kinds.js';

/** A webhook may subscribe to any of the contract's NotificationKind names. */
export const WEBHOOK_KINDS = NOTIFICATION_KINDS;

/** Enough for a few integrations per organisation; a cap keeps one fan-out bounded. */
export const MAX_WEBHOOKS_PER_ORGANIZATION = 20;

export interface WebhookView {
  id: string;
  url: string;
  kinds: string[];
  createdAt: Date;
}

/**
 * An organisation's webhooks: registered by any of its users (the secret is shown once, in the
 * answer to registerWebhook, and never again), listed without secrets, deleted.
 */
@Injectable()
export class WebhookService {
  private readonly box: WebhookSecretBox;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.box = new WebhookSecretBox(config.channels.webhookSecretKey);
  }

  async register(
    actor: Actor | null,
    input: { url: string; kinds: string[] },
  ): Promise<{ webhook: WebhookView; secret: string }> {
    const signedIn = requireActor(actor);
    const organizationId = requireOrganization(signedIn);
    const url = checkWebhookUrl(input.url, this.config.production);
    const kinds = checkKinds(input.kinds);
    const secret = newWebhookSecret();
    const saved = await this.dataSource.transaction(async (manager) => {
      // One registration at a time per organisation, so the cap holds under concurrent calls.
      await manager.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`webhook:${organizationId}`]);
      const count = await manager.getRepository(WebhookEntity).countBy({ organizationId });
      if (count >= MAX_WEBHOOKS_PER_ORGANIZATION) {
        throw DomainError.conflict(
          `An organisation has at most ${MAX_WEBHOOKS_PER_ORGANIZATION} webhooks; delete one first`,
          `Satu organisasi paling banyak ${MAX_WEBHOOKS_PER_ORGANIZATION} webhook; hapus salah satu dulu`,
        );
      }
      return manager.getRepository(WebhookEntity).save({
        organizationId,
        url,
        kinds,
        secretCiphertext: this.box.seal(secret),
        createdBy: signedIn.userId,
      });
    });
    return { webhook: toView(saved), secret };
  }

  async list(actor: Actor | null): Promise<WebhookView[]> {
    const organizationId = requireOrganization(requireActor(actor));
    const rows = await this.dataSource
      .getRepository(WebhookEntity)
      .find({ where: { organizationId }, order: { createdAt: 'ASC', id: 'ASC' } });
    return rows.map(toView);
  }

  /** Another organisation's webhook is "not found", never "forbidden": its existence is not told. */
  async remove(actor: Actor | null, id: string): Promise<boolean> {
    const organizationId = requireOrganization(requireActor(actor));
    if (!/^[0-9a-f-]{36}$/i.test(id)) throw DomainError.notFound('Webhook', 'Webhook');
    const result = await this.dataSource.getRepository(WebhookEntity).delete({ id, organizationId });
    if (!result.affected) throw DomainError.notFound('Webhook', 'Webhook');
    return true;
  }
}

function checkKinds(kinds: string[]): string[] {
  const unique = [...new Set(kinds)];
  if (unique.length === 0) {
    throw DomainError.badInput(
      'Choose at least one notification kind',
      'Pilih minimal satu jenis notifikasi',
      {
        field: 'kinds',
      },
    );
  }
  const unknown = unique.filter((kind) => !(WEBHOOK_KINDS as readonly string[]).includes(kind));
  if (unknown.length > 0) {
    throw DomainError.badInput(
      `Unknown notification kinds: ${unknown.join(', ')}`,
      `Jenis notifikasi tidak dikenal: ${unknown.join(', ')}`,
      { field: 'kinds' },
    );
  }
  return unique.sort();
}

function toView(row: WebhookEntity): WebhookView {
  return { id: row.id, url: row.url, kinds: row.kinds, createdAt: row.createdAt };
}
