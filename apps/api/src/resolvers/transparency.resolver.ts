import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { ScorecardService } from '../../../../libs/monitoring/src/scorecard.service.js';
import type { GqlContext } from '../graphql/context.js';
import { toOrganization } from '../graphql/mappers.js';
import { LocalDateScalar } from '../graphql/scalars.js';
import { KitchenScorecardType } from '../graphql/transparency.types.js';
import { OrganizationType } from '../graphql/types.js';

@Resolver(() => KitchenScorecardType)
export class TransparencyResolver {
  constructor(private readonly scorecards: ScorecardService) {}

  @Query(() => [KitchenScorecardType], { description: 'No sign-in needed' })
  publicScorecards(
    @Args('regionCode') regionCode: string,
    @Args('from', { type: () => LocalDateScalar }) from: string,
    @Args('to', { type: () => LocalDateScalar }) to: string,
  ): Promise<KitchenScorecardType[]> {
    return this.scorecards.publicScorecards(regionCode, from, to);
  }

  @ResolveField('kitchen', () => OrganizationType)
  async kitchen(@Parent() scorecard: KitchenScorecardType, @Context() ctx: GqlContext) {
    return toOrganization(await ctx.loaders.organization.load(scorecard.kitchenId));
  }
}
