import { Field, ID, ObjectType } from '@nestjs/graphql';

// The Notification type and NotificationKind are the inbox's (notification.types.ts).
export { NotificationType } from './notification.types.js';
export type { NotificationKind } from './notification.types.js';

@ObjectType('MarketEvent', { description: "What a coordinator's live dashboard hears" })
export class MarketEventType {
  @Field() at: Date;
  @Field({ description: 'DEMAND_POSTED, BIDDING_CLOSED, AWARDED, ORDER_STATUS or ALERT' }) kind: string;
  @Field() regionCode: string;
  @Field() entityType: string;
  @Field(() => ID) entityId: string;
  @Field({ description: "In the subscriber's language" }) summary: string;
}
