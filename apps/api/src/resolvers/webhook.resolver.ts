import { Args, Context, ID, Mutation, Query, Resolver } from '@nestjs/graphql';
import { WebhookService, type WebhookView } from '../../../../libs/notify/src/webhooks/webhook.service.js';
import type { GqlContext } from '../graphql/context.js';
import type { NotificationKind } from '../graphql/notification.types.js';
import { WebhookInput, WebhookRegistrationType, WebhookType } from '../graphql/webhook.types.js';

function toWebhook(view: WebhookView): WebhookType {
  return { ...view, kinds: view.kinds as NotificationKind[] };
}

@Resolver(() => WebhookType)
export class WebhookResolver {
  constructor(private readonly service: WebhookService) {}

  @Query(() => [WebhookType], { description: "The caller's organisation's webhooks (never their secrets)" })
  async webhooks(@Context() ctx: GqlContext): Promise<WebhookType[]> {
    return (await this.service.list(ctx.actor)).map(toWebhook);
  }

  @Mutation(() => WebhookRegistrationType, {
    description: "For the caller's organisation; https only outside development",
  })
  async registerWebhook(
    @Context() ctx: GqlContext,
    @Args('input') input: WebhookInput,
  ): Promise<WebhookRegistrationType> {
    const { webhook, secret } = await this.service.register(ctx.actor, input);
    return { webhook: toWebhook(webhook), secret };
  }

  @Mutation(() => Boolean, { description: "One of the caller's organisation's webhooks" })
  deleteWebhook(@Context() ctx: GqlContext, @Args('id', { type: () => ID }) id: string): Promise<boolean> {
    return this.service.remove(ctx.actor, id);
  }
}
