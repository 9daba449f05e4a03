import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { APP_CONFIG } from '../../../core/src/app-config.module.js';
import type { AppConfig } from '../../../core/src/app-config.js';
import type { ChannelAdapter, DeliveryOutcome, OutgoingMessage } from './channel-adapter.js';

/**
 * nodemailer ignores every other option when given a `url`, but reads options from the URL's
 * query: the timeouts go there (unless the operator's SMTP_URL already sets them).
 */
function withTimeouts(smtpUrl: string, timeoutMs: number): string {
  const url = new URL(smtpUrl);
  for (const option of ['connectionTimeout', 'greetingTimeout', 'socketTimeout']) {
    if (!url.searchParams.has(option)) url.searchParams.set(option, String(timeoutMs));
  }
  return url.toString();
}

/** Network failures worth another try; anything else without an SMTP code is treated as one too. */
const PERMANENT_CODES = new Set(['EENVELOPE', 'EMESSAGE', 'EAUTH']);

/**
 * E-mail over SMTP (SMTP_URL, from EMAIL_FROM) with nodemailer. Title and body arrive already
 * in the recipient's language and go out as subject and text (UTF-8). A 5xx SMTP reply is
 * permanent; a 4xx reply, a timeout or a dropped connection is retryable. The delivery id is
 * sent as X-PasarGizi-Delivery and in the Message-ID, so a repeat is recognisable downstream.
 */
@Injectable()
export class EmailAdapter implements ChannelAdapter, OnModuleDestroy {
  readonly channel = 'EMAIL' as const;
  readonly enabled: boolean;
  private readonly transport: Transporter | null;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {
    const email = config.channels.email;
    this.enabled = email !== null;
    const timeout = config.channels.timeoutMs;
    this.transport = email ? nodemailer.createTransport(withTimeouts(email.smtpUrl, timeout)) : null;
  }

  async send(message: OutgoingMessage): Promise<DeliveryOutcome> {
    const email = this.config.channels.email;
    if (!this.transport || !email) return { ok: false, retryable: false, error: 'E-mail is not configured' };
    const domain = /@([^>\s]+)>?$/.exec(email.from)?.[1] ?? 'pasargizi.local';
    try {
      const info = await this.transport.sendMail({
        from: email.from,
        to: message.address,
        subject: message.title,
        text: message.body,
        messageId: `<${message.deliveryId}@${domain}>`,
        headers: { 'X-PasarGizi-Delivery': message.deliveryId },
      });
      if (info.rejected.length > 0) {
        return { ok: false, retryable: false, error: `Recipient refused: ${String(info.response)}` };
      }
      return { ok: true, providerMessageId: info.messageId };
    } catch (error) {
      const {
        responseCode,
        code,
        message: text,
      } = error as {
        responseCode?: number;
        code?: string;
        message: string;
      };
      if (typeof responseCode === 'number') {
        return { ok: false, retryable: responseCode < 500, error: `SMTP ${responseCode}: ${text}` };
      }
      return { ok: false, retryable: !PERMANENT_CODES.has(code ?? ''), error: `${code ?? 'SMTP'}: ${text}` };
    }
  }

  onModuleDestroy(): void {
    this.transport?.close();
  }
}
