import { Args, Context, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { FulfilmentService } from '../../../../libs/monitoring/src/fulfilment.service.js';
import type { GqlContext } from '../graphql/context.js';
import { toCommodity, toFulfilmentReport, toOrganization } from '../graphql/mappers.js';
import { LocalDateScalar } from '../graphql/scalars.js';
import {
  CommodityFulfilmentType,
  CommodityType,
  CooperativeFulfilmentType,
  FulfilmentReportType,
  OrganizationType,
} from '../graphql/types.js';

@Resolver(() => FulfilmentReportType)
export class MonitoringResolver {
  constructor(private readonly fulfilment: FulfilmentService) {}

  @Query(() => FulfilmentReportType, {
    description: 'CITY_COORDINATOR of that region; delivery dates, inclusive',
  })
  async fulfilmentReport(
    @Context() ctx: GqlContext,
    @Args('regionCode') regionCode: string,
    @Args('from', { type: () => LocalDateScalar }) from: string,
    @Args('to', { type: () => LocalDateScalar }) to: string,
  ): Promise<FulfilmentReportType> {
    return toFulfilmentReport(await this.fulfilment.fulfilmentReport(ctx.actor, regionCode, from, to));
  }
}

@Resolver(() => CommodityFulfilmentType)
export class CommodityFulfilmentResolver {
  @ResolveField('commodity', () => CommodityType)
  async commodity(@Parent() row: CommodityFulfilmentType, @Context() ctx: GqlContext) {
    return toCommodity(await ctx.loaders.commodity.load(row.commodityCode));
  }
}

@Resolver(() => CooperativeFulfilmentType)
export class CooperativeFulfilmentResolver {
  @ResolveField('cooperative', () => OrganizationType)
  async cooperative(@Parent() row: CooperativeFulfilmentType, @Context() ctx: GqlContext) {
    return toOrganization(await ctx.loaders.organization.load(row.cooperativeId));
  }
}
