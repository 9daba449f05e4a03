import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { pageRequest } from '../../../../libs/core/src/pagination.js';
import { IdentityService } from '../../../../libs/identity/src/identity.service.js';
import type { GqlContext } from '../graphql/context.js';
import { OrganizationConnection, toConnection } from '../graphql/connections.js';
import { OrganizationKind } from '../graphql/enums.js';
import {
  ChangePasswordInput,
  LoginInput,
  OrganizationInput,
  ResetUserPasswordInput,
  UserInput,
} from '../graphql/inputs.js';
import { toOrganization, toUser } from '../graphql/mappers.js';
import { AuthPayloadType, OrganizationType, UserType } from '../graphql/types.js';

@Resolver(() => UserType)
export class IdentityResolver {
  constructor(private readonly identity: IdentityService) {}

  @Mutation(() => AuthPayloadType)
  async login(@Context() ctx: GqlContext, @Args('input') input: LoginInput): Promise<AuthPayloadType> {
    // req.ip honours TRUST_PROXY: behind a proxy it is the client, not the proxy.
    const clientAddress = ctx.req.ip ?? ctx.req.socket.remoteAddress ?? 'unknown';
    const { accessToken, user } = await this.identity.login(input.email, input.password, clientAddress);
    return { accessToken, user: toUser(user) };
  }

  @Mutation(() => AuthPayloadType, {
    description: 'Sets a new password; every earlier token stops working, the answer carries a new one',
  })
  async changePassword(
    @Context() ctx: GqlContext,
    @Args('input') input: ChangePasswordInput,
  ): Promise<AuthPayloadType> {
    const { accessToken, user } = await this.identity.changePassword(
      ctx.actor,
      input.currentPassword,
      input.newPassword,
    );
    return { accessToken, user: toUser(user) };
  }

  @Mutation(() => UserType, {
    description:
      "Admin, or the coordinator of the user's region: a new password; the user's tokens stop working",
  })
  async resetUserPassword(
    @Context() ctx: GqlContext,
    @Args('input') input: ResetUserPasswordInput,
  ): Promise<UserType> {
    return toUser(await this.identity.resetUserPassword(ctx.actor, input.userId, input.newPassword));
  }

  @Mutation(() => UserType, {
    description: "Admin, or the coordinator of the user's region: no login, every token stops working",
  })
  async deactivateUser(
    @Context() ctx: GqlContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<UserType> {
    return toUser(await this.identity.deactivateUser(ctx.actor, id));
  }

  @Mutation(() => UserType, {
    description: 'Admin, or the coordinator of the user’s region: may sign in again',
  })
  async reactivateUser(
    @Context() ctx: GqlContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<UserType> {
    return toUser(await this.identity.reactivateUser(ctx.actor, id));
  }

  @Query(() => UserType)
  async me(@Context() ctx: GqlContext): Promise<UserType> {
    return toUser(await this.identity.me(ctx.actor));
  }

  @Query(() => OrganizationConnection, {
    description: 'The public directory; regionCode matches the region and everything inside it',
  })
  async organizations(
    @Context() ctx: GqlContext,
    @Args('kind', { type: () => OrganizationKind, nullable: true }) kind: OrganizationKind | null,
    @Args('regionCode', { type: () => String, nullable: true }) regionCode: string | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    const page = await this.identity.organizations(
      ctx.actor,
      { kind, regionCode },
      pageRequest(first, after),
    );
    return toConnection(page, toOrganization);
  }

  @Mutation(() => OrganizationType)
  async registerOrganization(
    @Context() ctx: GqlContext,
    @Args('input') input: OrganizationInput,
  ): Promise<OrganizationType> {
    return toOrganization(await this.identity.registerOrganization(ctx.actor, input));
  }

  @Mutation(() => UserType)
  async createUser(@Context() ctx: GqlContext, @Args('input') input: UserInput): Promise<UserType> {
    return toUser(await this.identity.createUser(ctx.actor, input));
  }

  @ResolveField('organization', () => OrganizationType, { nullable: true })
  async organization(@Parent() user: UserType, @Context() ctx: GqlContext): Promise<OrganizationType | null> {
    return user.organizationId
      ? toOrganization(await ctx.loaders.organization.load(user.organizationId))
      : null;
  }
}
