/** The contract's NotificationKind and NotificationChannel, and the default channels per kind. */
export const NOTIFICATION_KINDS = [
  'DEMAND_OPENED',
  'BIDDING_CLOSING',
  'OFFER_AWARDED',
  'OFFER_NOT_AWARDED',
  'ORDER_CONFIRMED',
  'ORDER_DECLINED',
  'ORDER_DISPATCHED',
  'ORDER_RECEIVED',
  'SHORTFALL',
  'INVOICE_ISSUED',
  'PAYMENT_RECEIVED',
  'PAYABLE_SETTLED',
  'ALERT',
  'CERTIFICATE_EXPIRING',
  'TRADE_SHIPMENT_OPEN',
  'TRADE_ALLOTTED',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_CHANNELS = ['IN_APP', 'WHATSAPP', 'SMS', 'EMAIL', 'WEBHOOK'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

/** Channels a user may choose per kind (webhooks are chosen per webhook, by its kinds). */
export type UserChannel = Exclude<NotificationChannel, 'WEBHOOK'>;

export type Language = 'id' | 'en';

/**
 * Defaults when a user has chosen nothing: in-app always; WhatsApp for what a cooperative or
 * kitchen must act on soon (it is what they read on a phone); e-mail for money and compliance
 * papers; SMS off (it costs money per message) unless chosen.
 */
const ACT_SOON: NotificationKind[] = [
  'DEMAND_OPENED',
  'BIDDING_CLOSING',
  'OFFER_AWARDED',
  'ORDER_CONFIRMED',
  'ORDER_DECLINED',
  'ORDER_DISPATCHED',
  'SHORTFALL',
  'TRADE_SHIPMENT_OPEN',
  'TRADE_ALLOTTED',
];
const PAPERWORK: NotificationKind[] = [
  'INVOICE_ISSUED',
  'PAYMENT_RECEIVED',
  'PAYABLE_SETTLED',
  'ALERT',
  'CERTIFICATE_EXPIRING',
];

export function defaultChannels(kind: NotificationKind): UserChannel[] {
  const channels: UserChannel[] = ['IN_APP'];
  if (ACT_SOON.includes(kind)) channels.push('WHATSAPP');
  if (PAPERWORK.includes(kind)) channels.push('EMAIL');
  return channels;
}

export function isNotificationKind(value: string): value is NotificationKind {
  return (NOTIFICATION_KINDS as readonly string[]).includes(value);
}
