import { Field, ID, InputType, ObjectType } from '@nestjs/graphql';
import { NotificationKind } from './notification.types.js';
import { ArrayMaxSize, MaxLength } from 'class-validator';
import { DateTimeScalar } from './scalars.js';

// GraphQL shapes of the organisations' webhooks ("Notifications and live updates", issue 11).

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
