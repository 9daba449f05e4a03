import { Module } from '@nestjs/common';
import { WebhookDirectory } from '../webhooks/webhook-directory.js';
import { WebhookService } from '../webhooks/webhook.service.js';
import type { ChannelAdapter } from './channel-adapter.js';
import { EmailAdapter } from './email.adapter.js';
import { SmsAdapter } from './sms.adapter.js';
import { WebhookAdapter } from './webhook.adapter.js';
import { WhatsAppAdapter } from './whatsapp.adapter.js';

/** Every outside channel's adapter, as one array (each says whether it is enabled). */
export const NOTIFICATION_CHANNEL_ADAPTERS = Symbol('NOTIFICATION_CHANNEL_ADAPTERS');

/**
 * The outside channels (WEBHOOK, WHATSAPP, SMS, EMAIL) and the organisations' webhooks: the
 * pipeline injects NOTIFICATION_CHANNEL_ADAPTERS (ChannelAdapter[]) and WebhookDirectory; the
 * API's resolver uses WebhookService. Needs AppConfigModule and the database (both global).
 */
@Module({
  providers: [
    WebhookAdapter,
    WhatsAppAdapter,
    SmsAdapter,
    EmailAdapter,
    {
      provide: NOTIFICATION_CHANNEL_ADAPTERS,
      inject: [WebhookAdapter, WhatsAppAdapter, SmsAdapter, EmailAdapter],
      useFactory: (...adapters: ChannelAdapter[]): ChannelAdapter[] => adapters,
    },
    WebhookDirectory,
    WebhookService,
  ],
  exports: [NOTIFICATION_CHANNEL_ADAPTERS, WebhookDirectory, WebhookService],
})
export class NotificationChannelsModule {}
