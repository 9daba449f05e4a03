/**
 * Nest tokens the outside channels plug into. Both default to nothing, so the pipeline runs
 * (IN_APP only) until the channels module provides its adapters and webhooks.
 */
export const NOTIFICATION_CHANNEL_ADAPTERS = 'NOTIFICATION_CHANNEL_ADAPTERS';

/** A registered webhook of an organisation (owned by the channels' webhook table). */
export interface WebhookRecipient {
  webhookId: string;
  organizationId: string;
  url: string;
  secret: string;
  kinds: string[];
}

/** Where the fan-out finds an organisation's webhooks, and a send job a webhook's secret. */
export interface WebhookRecipients {
  forOrganizations(organizationIds: readonly string[]): Promise<WebhookRecipient[]>;
  byId(webhookId: string): Promise<WebhookRecipient | null>;
}
export const WEBHOOK_RECIPIENTS = 'WEBHOOK_RECIPIENTS';

export const noWebhooks: WebhookRecipients = {
  forOrganizations: async () => [],
  byId: async () => null,
};

/** The worker's LivePublisher (libs/live); absent (null) where nothing publishes. */
export const NOTIFICATION_LIVE_PUBLISHER = 'NOTIFICATION_LIVE_PUBLISHER';
