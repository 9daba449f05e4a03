import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../../core/src/app-config.module.js';
import type { AppConfig } from '../../../core/src/app-config.js';
import {
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  signWebhookBody,
} from '../webhooks/webhook-signature.js';
import type { ChannelAdapter, DeliveryOutcome, OutgoingMessage } from './channel-adapter.js';
import { postWithDeadline } from './http-send.js';

/**
 * POSTs the payload as JSON to a webhook, signed: X-PasarGizi-Signature is the hex HMAC-SHA256
 * of the exact body bytes with the webhook's secret. Always on: webhooks need no server-side
 * configuration, only an organisation that registered one.
 */
@Injectable()
export class WebhookAdapter implements ChannelAdapter {
  readonly channel = 'WEBHOOK' as const;
  readonly enabled = true;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async send(message: OutgoingMessage): Promise<DeliveryOutcome> {
    if (!message.secret) return { ok: false, retryable: false, error: 'A webhook delivery needs its secret' };
    const payload = message.payload ?? { title: message.title, body: message.body };
    const body = JSON.stringify(payload);
    const kind = typeof payload.kind === 'string' ? payload.kind : 'NOTIFICATION';
    return postWithDeadline(
      message.address,
      {
        'Content-Type': 'application/json',
        'User-Agent': 'PasarGizi-Webhooks/1',
        [SIGNATURE_HEADER]: signWebhookBody(body, message.secret),
        [DELIVERY_HEADER]: message.deliveryId,
        [EVENT_HEADER]: kind,
      },
      body,
      this.config.channels.timeoutMs,
    );
  }
}
