import { Module, type Provider } from '@nestjs/common';
import { WebhookDirectory } from '../webhooks/webhook-directory.js';
import { WebhookService } from '../webhooks/webhook.service.js';
import type { ChannelAdapter } from './channel-adapter.js';
import { EmailAdapter } from './email.adapter.js';
import { SmsAdapter } from './sms.adapter.js';
import { WebhookAdapter } from './webhook.adapter.js';
import { WhatsAppAdapter } from './whatsapp.adapter.js';

/**
 * Every outside channel's adapter, as one ChannelAdapter[] (each says whether it is enabled).
 * The same string tokens as the pipeline's libs/notify/src/notify.tokens.ts, so either name works.
 */
export const NOTIFICATION_CHANNEL_ADAPTERS = 'NOTIFICATION_CHANNEL_ADAPTERS';
/** The pipeline's port to the organisations' webhooks: WebhookDirectory. */
export const WEBHOOK_RECIPIENTS = 'WEBHOOK_RECIPIENTS';

/**
 * The providers the pipeline needs, ready to hand to its module (NotifyModule.forRoot(
 * notificationChannelProviders()) overrides its empty defaults). They need only the global
 * AppConfigModule and database.
 */
export function notificationChannelProviders(): Provider[] {
  return [
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
    { provide: WEBHOOK_RECIPIENTS, useExisting: WebhookDirectory },
  ];
}

/**
 * The outside channels (WEBHOOK, WHATSAPP, SMS, EMAIL) and the organisations' webhooks:
 * NOTIFICATION_CHANNEL_ADAPTERS, WEBHOOK_RECIPIENTS / WebhookDirectory for the pipeline, and
 * WebhookService for the API's resolver.
 */
@Module({
  providers: [...notificationChannelProviders(), WebhookService],
  exports: [
    NOTIFICATION_CHANNEL_ADAPTERS,
    WEBHOOK_RECIPIENTS,
    WebhookDirectory,
    WebhookService,
    WebhookAdapter,
  ],
})
export class NotificationChannelsModule {}
