import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { pageRequest } from '../../../../libs/core/src/pagination.js';
import type { NotificationEntity, UserEntity } from '../../../../libs/database/src/entities/index.js';
import { IdentityService } from '../../../../libs/identity/src/identity.service.js';
import { NotificationService } from '../../../../libs/notify/src/notification.service.js';
import { toConnection } from '../graphql/connections.js';
import type { GqlContext } from '../graphql/context.js';
import {
  NotificationConnection,
  NotificationPreferenceInput,
  NotificationPreferenceType,
  NotificationProfileType,
  UpdateMyProfileInput,
  type NotificationKind,
  type NotificationType,
} from '../graphql/notification.types.js';

function toNotification(n: NotificationEntity): NotificationType {
  return {
    id: n.id,
    kind: n.kind as NotificationKind,
    title: n.title,
    body: n.body,
    entityType: n.entityType,
    entityId: n.entityId,
    createdAt: n.createdAt,
    readAt: n.readAt,
  };
}

function toProfile(user: UserEntity): NotificationProfileType {
  return { language: user.language, phone: user.phone };
}

/** The signed-in user's inbox, preferences and notification profile; the services scope everything to them. */
@Resolver()
export class NotificationResolver {
  constructor(
    private readonly notificationsService: NotificationService,
    private readonly identity: IdentityService,
  ) {}

  @Query(() => NotificationConnection, { description: "The signed-in user's, newest first" })
  async notifications(
    @Context() ctx: GqlContext,
    @Args('unreadOnly', { type: () => Boolean, nullable: true, defaultValue: false }) unreadOnly: boolean,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    const page = await this.notificationsService.notifications(
      ctx.actor,
      unreadOnly ?? false,
      pageRequest(first, after),
    );
    return toConnection(page, toNotification);
  }

  @Query(() => Int)
  unreadNotificationCount(@Context() ctx: GqlContext): Promise<number> {
    return this.notificationsService.unreadCount(ctx.actor);
  }

  @Query(() => [NotificationPreferenceType], { description: 'Every kind; IN_APP is always on' })
  notificationPreferences(@Context() ctx: GqlContext): Promise<NotificationPreferenceType[]> {
    return this.notificationsService.preferences(ctx.actor);
  }

  @Query(() => NotificationProfileType)
  async myNotificationProfile(@Context() ctx: GqlContext): Promise<NotificationProfileType> {
    return toProfile(await this.identity.me(ctx.actor));
  }

  @Mutation(() => Int, { description: "No ids: all of the user's; returns how many became read" })
  markNotificationsRead(
    @Context() ctx: GqlContext,
    @Args('ids', { type: () => [ID], nullable: true }) ids: string[] | null,
  ): Promise<number> {
    return this.notificationsService.markRead(ctx.actor, ids);
  }

  @Mutation(() => [NotificationPreferenceType], { description: 'IN_APP stays on whatever is given' })
  updateNotificationPreferences(
    @Context() ctx: GqlContext,
    @Args('input', { type: () => [NotificationPreferenceInput] }) input: NotificationPreferenceInput[],
  ): Promise<NotificationPreferenceType[]> {
    return this.notificationsService.updatePreferences(ctx.actor, input);
  }

  @Mutation(() => NotificationProfileType, { description: 'Language of your notifications and your phone' })
  async updateMyProfile(
    @Context() ctx: GqlContext,
    @Args('input') input: UpdateMyProfileInput,
  ): Promise<NotificationProfileType> {
    return toProfile(await this.identity.updateMyProfile(ctx.actor, input));
  }
}
