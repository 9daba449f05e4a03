import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../../core/src/app-config.module.js';
import type { AppConfig } from '../../../core/src/app-config.js';
import type { ChannelAdapter, DeliveryOutcome, OutgoingMessage } from './channel-adapter.js';
import { parseJson, postWithDeadline } from './http-send.js';

/**
 * An SMS through a generic HTTP gateway: POST SMS_GATEWAY_URL with JSON { to, message }, a
 * Bearer SMS_GATEWAY_TOKEN when set, and an Idempotency-Key (the delivery id) for gateways that
 * honour one. The answer's id or messageId, when present, is kept as the provider's id.
 */
@Injectable()
export class SmsAdapter implements ChannelAdapter {
  readonly channel = 'SMS' as const;
  readonly enabled: boolean;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.enabled = config.channels.sms !== null;
  }

  async send(message: OutgoingMessage): Promise<DeliveryOutcome> {
    const sms = this.config.channels.sms;
    if (!sms) return { ok: false, retryable: false, error: 'SMS is not configured' };
    return postWithDeadline(
      sms.url,
      {
        'Content-Type': 'application/json',
        'Idempotency-Key': message.deliveryId,
        ...(sms.token ? { Authorization: `Bearer ${sms.token}` } : {}),
      },
      JSON.stringify({ to: message.address, message: `${message.title}\n${message.body}` }),
      this.config.channels.timeoutMs,
      ({ body }) => {
        const answer = parseJson(body);
        const id = answer?.id ?? answer?.messageId;
        return typeof id === 'string' || typeof id === 'number'
          ? { ok: true, providerMessageId: String(id) }
          : { ok: true };
      },
    );
  }
}
