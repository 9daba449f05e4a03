import { Field, ID, InputType, ObjectType, registerEnumType } from '@nestjs/graphql';
import { ArrayMaxSize, IsOptional, MaxLength } from 'class-validator';
import { NOTIFICATION_CHANNELS, NOTIFICATION_KINDS } from '../../../../libs/notify/src/notification-kinds.js';
import { connectionOf } from './connections.js';
import { DateTimeScalar } from './scalars.js';

// GraphQL shapes of "Notifications and live updates" (issue 11).

export const NotificationKind = Object.fromEntries(NOTIFICATION_KINDS.map((k) => [k, k])) as {
  [K in (typeof NOTIFICATION_KINDS)[number]]: K;
};
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
registerEnumType(NotificationKind, { name: 'NotificationKind' });

export const NotificationChannel = Object.fromEntries(NOTIFICATION_CHANNELS.map((c) => [c, c])) as {
  [C in (typeof NOTIFICATION_CHANNELS)[number]]: C;
};
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];
registerEnumType(NotificationChannel, { name: 'NotificationChannel' });

@ObjectType('Notification')
export class NotificationType {
  @Field(() => ID) id: string;
  @Field(() => NotificationKind) kind: NotificationKind;
  @Field({ description: "In the user's language" }) title: string;
  @Field({ description: "In the user's language" }) body: string;
  @Field(() => String, { nullable: true }) entityType: string | null;
  @Field(() => ID, { nullable: true }) entityId: string | null;
  @Field(() => DateTimeScalar) createdAt: Date;
  @Field(() => DateTimeScalar, { nullable: true }) readAt: Date | null;
}

export const NotificationConnection = connectionOf(NotificationType, 'Notification');

@ObjectType('NotificationPreference')
export class NotificationPreferenceType {
  @Field(() => NotificationKind) kind: NotificationKind;
  @Field(() => [NotificationChannel]) channels: NotificationChannel[];
}

@InputType('NotificationPreferenceInput')
export class NotificationPreferenceInput {
  @Field(() => NotificationKind) kind: NotificationKind;
  @Field(() => [NotificationChannel]) @ArrayMaxSize(10) channels: NotificationChannel[];
}

@ObjectType('NotificationProfile', {
  description: "The signed-in user's language and phone for notifications",
})
export class NotificationProfileType {
  @Field({ description: "'id' (Bahasa Indonesia, the default) or 'en'" }) language: string;
  @Field(() => String, { nullable: true, description: 'E.164, for WhatsApp and SMS' }) phone: string | null;
}

@InputType('UpdateMyProfileInput')
export class UpdateMyProfileInput {
  @Field(() => String, { nullable: true }) @IsOptional() @MaxLength(5) language?: string | null;
  @Field(() => String, { nullable: true, description: 'E.164, e.g. +6281234567890; empty: none' })
  @IsOptional()
  @MaxLength(20)
  phone?: string | null;
}
