import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ArrayMaxSize, MaxLength } from 'class-validator';
import { DateTimeScalar } from './scalars.js';

// GraphQL shapes of the organisations' webhooks ("Notifications and live updates", issue 11).

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

@ObjectType('Webhook')
export class WebhookType {
  @Field(() => ID) id: string;
  @Field() url: string;
  @Field(() => [NotificationKind]) kinds: NotificationKind[];
  @Field(() => DateTimeScalar) createdAt: Date;
}

@InputType('WebhookInput', {
  description:
    'Deliveries are signed: header X-PasarGizi-Signature = hex HMAC-SHA256 of the body with the secret returned once',
})
export class WebhookInput {
  @Field({ description: 'https (http only in development and test)' })
  @MaxLength(2000)
  url: string;
  @Field(() => [NotificationKind])
  @ArrayMaxSize(16)
  kinds: NotificationKind[];
}

@ObjectType('WebhookRegistration')
export class WebhookRegistrationType {
  @Field(() => WebhookType) webhook: WebhookType;
  @Field({ description: 'Shown only here, once: keep it to verify X-PasarGizi-Signature' })
  secret: string;
}
