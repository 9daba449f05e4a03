import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import type { ChannelAdapter, DeliveryOutcome, OutsideChannel } from './channels/channel-adapter.js';
import {
  NOTIFICATION_CHANNEL_ADAPTERS,
  WEBHOOK_RECIPIENTS,
  type WebhookRecipients,
} from './notify.tokens.js';

interface DeliveryRow {
  id: string;
  channel: OutsideChannel;
  address: string | null;
  webhook_id: string | null;
  content: { title?: string; body?: string; payload?: Record<string, unknown> } | null;
}

/** A retryable failure: the send job throws it, and BullMQ tries again with backoff. */
export class RetryableDeliveryError extends Error {}

/**
 * Sends one outside delivery through its channel's adapter and records the outcome in the
 * delivery log (attempts, the last failed attempt's error, sent at). A delivery recorded SENT or FAILED is never
 * sent again, however often its job runs. No transaction stays open across the send.
 */
@Injectable()
export class NotificationDeliveryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(NOTIFICATION_CHANNEL_ADAPTERS) private readonly adapters: ChannelAdapter[],
    @Inject(WEBHOOK_RECIPIENTS) private readonly webhooks: WebhookRecipients,
  ) {}

  async send(deliveryId: string, lastAttempt: boolean): Promise<'SENT' | 'SKIPPED' | 'FAILED'> {
    const [claimed] = (await this.dataSource.query(
      `UPDATE notification_delivery SET attempts = attempts + 1
        WHERE id = $1 AND status = 'PENDING' AND channel <> 'IN_APP'
        RETURNING id, channel, address, webhook_id, content`,
      [deliveryId],
    )) as [DeliveryRow[], number];
    const delivery = claimed[0];
    if (!delivery) return 'SKIPPED';
    const adapter = this.adapters.find((a) => a.channel === delivery.channel && a.enabled);
    let outcome: DeliveryOutcome;
    if (!adapter || !delivery.address) {
      outcome = { ok: false, retryable: false, error: `${delivery.channel} is not configured` };
    } else {
      const secret =
        delivery.channel === 'WEBHOOK' && delivery.webhook_id
          ? (await this.webhooks.byId(delivery.webhook_id))?.secret
          : undefined;
      if (delivery.channel === 'WEBHOOK' && !secret) {
        outcome = { ok: false, retryable: false, error: 'The webhook no longer exists' };
      } else {
        outcome = await adapter
          .send({
            deliveryId: delivery.id,
            channel: delivery.channel,
            address: delivery.address,
            title: delivery.content?.title ?? '',
            body: delivery.content?.body ?? '',
            payload: delivery.content?.payload,
            secret,
          })
          .catch((error: unknown) => ({
            ok: false as const,
            retryable: true,
            error: error instanceof Error ? error.message : String(error),
          }));
      }
    }
    if (outcome.ok) {
      // last_error stays: a delivery SENT on its third attempt still tells why the first two failed.
      await this.dataSource.query(
        `UPDATE notification_delivery SET status = 'SENT', sent_at = now(), provider_message_id = $2
          WHERE id = $1`,
        [delivery.id, outcome.providerMessageId ?? null],
      );
      return 'SENT';
    }
    const final = !outcome.retryable || lastAttempt;
    await this.dataSource.query(
      `UPDATE notification_delivery SET last_error = $2, status = CASE WHEN $3 THEN 'FAILED' ELSE status END
        WHERE id = $1`,
      [delivery.id, outcome.error.slice(0, 1000), final],
    );
    if (!final) throw new RetryableDeliveryError(`Delivery ${delivery.id}: ${outcome.error}`);
    return 'FAILED';
  }
}
