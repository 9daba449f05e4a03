import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries the signature of a webhook delivery. */
export const SIGNATURE_HEADER = 'X-PasarGizi-Signature';
/** Stable across retries of one delivery: a receiver stores it to ignore a repeat. */
export const DELIVERY_HEADER = 'X-PasarGizi-Delivery';
/** The NotificationKind of the event, so a receiver can route before parsing. */
export const EVENT_HEADER = 'X-PasarGizi-Event';

/** Hex HMAC-SHA256 of the exact body bytes with the webhook's secret (the contract's signature). */
export function signWebhookBody(body: string | Buffer, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * For a receiver: does `header` (the X-PasarGizi-Signature value) sign `body` (the raw bytes as
 * received, before any JSON parsing) with `secret`? Compared in constant time, so the answer
 * time tells an attacker nothing about how much of a guessed signature was right.
 */
export function verifyWebhookSignature(
  body: string | Buffer,
  secret: string,
  header: string | null | undefined,
): boolean {
  if (typeof header !== 'string' || !/^[0-9a-f]{64}$/i.test(header.trim())) return false;
  const expected = Buffer.from(signWebhookBody(body, secret), 'hex');
  const given = Buffer.from(header.trim(), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
