/**
 * The seam between the notification pipeline (who gets what, exactly once) and the outside
 * channels (how a message leaves the building). The pipeline stores one delivery row per
 * (event, recipient, channel) and hands each to the channel's adapter; an adapter only sends.
 */
export type OutsideChannel = 'WHATSAPP' | 'SMS' | 'EMAIL' | 'WEBHOOK';

/** One message to one address on one channel. */
export interface OutgoingMessage {
  /** Stable across retries of the same delivery: sent on as an idempotency key where the channel has one. */
  deliveryId: string;
  channel: OutsideChannel;
  /** E.164 phone number (WHATSAPP, SMS), e-mail address (EMAIL) or https URL (WEBHOOK). */
  address: string;
  /** Already in the recipient's language. */
  title: string;
  body: string;
  /** WEBHOOK: the JSON document that is POSTed and signed. */
  payload?: Record<string, unknown>;
  /** WEBHOOK: the webhook's secret, for the X-PasarGizi-Signature HMAC-SHA256. */
  secret?: string;
}

export type DeliveryOutcome =
  | { ok: true; providerMessageId?: string }
  /** retryable: a timeout, a 5xx or 429; not retryable: a 4xx that will never succeed. */
  | { ok: false; retryable: boolean; error: string };

export interface ChannelAdapter {
  readonly channel: OutsideChannel;
  /** False when the channel is not configured: the pipeline then creates no deliveries for it. */
  readonly enabled: boolean;
  send(message: OutgoingMessage): Promise<DeliveryOutcome>;
}
