import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../../core/src/app-config.module.js';
import type { AppConfig } from '../../../core/src/app-config.js';
import type { ChannelAdapter, DeliveryOutcome, OutgoingMessage } from './channel-adapter.js';
import { parseJson, postWithDeadline } from './http-send.js';

/**
 * A text message through the WhatsApp Business Cloud API:
 * POST {WHATSAPP_API_URL}/{WHATSAPP_PHONE_NUMBER_ID}/messages with a Bearer token; the answer's
 * messages[0].id ("wamid…") is the provider's message id. The Cloud API has no idempotency key,
 * so exactly-once rests on the pipeline's delivery rows.
 */
@Injectable()
export class WhatsAppAdapter implements ChannelAdapter {
  readonly channel = 'WHATSAPP' as const;
  readonly enabled: boolean;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    this.enabled = config.channels.whatsapp !== null;
  }

  async send(message: OutgoingMessage): Promise<DeliveryOutcome> {
    const whatsapp = this.config.channels.whatsapp;
    if (!whatsapp) return { ok: false, retryable: false, error: 'WhatsApp is not configured' };
    const body = JSON.stringify({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: message.address,
      type: 'text',
      // WhatsApp renders *…* bold; a text message is at most 4096 characters.
      text: { preview_url: false, body: `*${message.title}*\n${message.body}`.slice(0, 4096) },
    });
    return postWithDeadline(
      `${whatsapp.apiUrl}/${whatsapp.phoneNumberId}/messages`,
      { 'Content-Type': 'application/json', Authorization: `Bearer ${whatsapp.token}` },
      body,
      this.config.channels.timeoutMs,
      ({ body: answer }) => {
        const messages = parseJson(answer)?.messages;
        const id = Array.isArray(messages) ? (messages[0] as { id?: unknown } | undefined)?.id : undefined;
        return typeof id === 'string' ? { ok: true, providerMessageId: id } : { ok: true };
      },
    );
  }
}
