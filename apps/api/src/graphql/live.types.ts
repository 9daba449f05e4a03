import { Field, ID, ObjectType, registerEnumType } from '@nestjs/graphql';

/**
 * Kinds of notification (contract: NotificationKind). Declared here for `notificationAdded`;
 * the notifications engineer's inbox types use the same names (keep one when merging).
 */
export enum NotificationKind {
  DEMAND_OPENED = 'DEMAND_OPENED',
  BIDDING_CLOSING = 'BIDDING_CLOSING',
  OFFER_AWARDED = 'OFFER_AWARDED',
  OFFER_NOT_AWARDED = 'OFFER_NOT_AWARDED',
  ORDER_CONFIRMED = 'ORDER_CONFIRMED',
  ORDER_DECLINED = 'ORDER_DECLINED',
  ORDER_DISPATCHED = 'ORDER_DISPATCHED',
  ORDER_RECEIVED = 'ORDER_RECEIVED',
  SHORTFALL = 'SHORTFALL',
  INVOICE_ISSUED = 'INVOICE_ISSUED',
  PAYMENT_RECEIVED = 'PAYMENT_RECEIVED',
  PAYABLE_SETTLED = 'PAYABLE_SETTLED',
  ALERT = 'ALERT',
  CERTIFICATE_EXPIRING = 'CERTIFICATE_EXPIRING',
  TRADE_SHIPMENT_OPEN = 'TRADE_SHIPMENT_OPEN',
  TRADE_ALLOTTED = 'TRADE_ALLOTTED',
}
registerEnumType(NotificationKind, { name: 'NotificationKind' });

@ObjectType('Notification', { description: "An in-app notification, in the user's language" })
export class NotificationType {
  @Field(() => ID) id: string;
  @Field(() => NotificationKind) kind: NotificationKind;
  @Field() title: string;
  @Field() body: string;
  @Field(() => String, { nullable: true }) entityType: string | null;
  @Field(() => ID, { nullable: true }) entityId: string | null;
  @Field() createdAt: Date;
  @Field(() => Date, { nullable: true }) readAt: Date | null;
}

@ObjectType('MarketEvent', { description: "What a coordinator's live dashboard hears" })
export class MarketEventType {
  @Field() at: Date;
  @Field({ description: 'DEMAND_POSTED, BIDDING_CLOSED, AWARDED, ORDER_STATUS or ALERT' }) kind: string;
  @Field() regionCode: string;
  @Field() entityType: string;
  @Field(() => ID) entityId: string;
  @Field({ description: "In the subscriber's language" }) summary: string;
}
