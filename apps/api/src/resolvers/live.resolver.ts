import { Args, Context, Resolver, Subscription } from '@nestjs/graphql';
import type { MarketEventMessage, NotificationMessage } from '../../../../libs/live/src/live-channels.js';
import { LiveSubscriptions } from '../../../../libs/live/src/live-subscriptions.service.js';
import type { GqlContext } from '../graphql/context.js';
import { MarketEventType, NotificationType, type NotificationKind } from '../graphql/live.types.js';

/** Live updates over graphql-ws at /graphql (see graphql/live-socket.server.ts). */
@Resolver()
export class LiveResolver {
  constructor(private readonly live: LiveSubscriptions) {}

  @Subscription(() => NotificationType, {
    description: "The signed-in user's new in-app notifications",
    resolve: (message: NotificationMessage): NotificationType => ({
      ...message,
      kind: message.kind as NotificationKind,
      createdAt: new Date(message.createdAt),
      readAt: message.readAt ? new Date(message.readAt) : null,
    }),
  })
  notificationAdded(@Context() context: GqlContext) {
    return this.live.notifications(context.actor);
  }

  @Subscription(() => MarketEventType, {
    description: 'What happens in a market, for its coordinators (and admins)',
    resolve: (message: MarketEventMessage, _args: unknown, context: GqlContext): MarketEventType => ({
      ...message,
      at: new Date(message.at),
      summary: message.summary[context.locale] ?? message.summary.en,
    }),
  })
  marketActivity(@Args('regionCode') regionCode: string, @Context() context: GqlContext) {
    return this.live.marketActivity(context.actor, regionCode);
  }
}
