import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CatalogService } from '../../../../libs/catalog/src/catalog.service.js';
import type { GqlContext } from '../graphql/context.js';
import { MarketPolicyInput } from '../graphql/inputs.js';
import { toCommodity, toMarketPolicy, toReferencePrice } from '../graphql/mappers.js';
import {
  CommodityMinimumType,
  CommodityType,
  CommodityUnitType,
  MarketPolicyType,
  ReferencePriceType,
} from '../graphql/types.js';

@Resolver(() => ReferencePriceType)
export class CatalogResolver {
  constructor(private readonly catalog: CatalogService) {}

  @Query(() => [CommodityType])
  async commodities(): Promise<CommodityType[]> {
    return (await this.catalog.commodities()).map(toCommodity);
  }

  @Query(() => [ReferencePriceType])
  async referencePrices(
    @Context() ctx: GqlContext,
    @Args('regionCode') regionCode: string,
  ): Promise<ReferencePriceType[]> {
    return (await this.catalog.referencePrices(ctx.actor, regionCode)).map(toReferencePrice);
  }

  @Query(() => MarketPolicyType)
  async marketPolicy(
    @Context() ctx: GqlContext,
    @Args('regionCode') regionCode: string,
  ): Promise<MarketPolicyType> {
    return toMarketPolicy(await this.catalog.marketPolicy(ctx.actor, regionCode));
  }

  @Mutation(() => MarketPolicyType, {
    description: 'Coordinator of that region; applies to batches evaluated afterwards',
  })
  async updateMarketPolicy(
    @Context() ctx: GqlContext,
    @Args('input') input: MarketPolicyInput,
  ): Promise<MarketPolicyType> {
    return toMarketPolicy(await this.catalog.updateMarketPolicy(ctx.actor, input));
  }

  @ResolveField('commodity', () => CommodityType)
  async commodity(@Parent() price: ReferencePriceType, @Context() ctx: GqlContext): Promise<CommodityType> {
    return toCommodity(await ctx.loaders.commodity.load(price.commodityCode));
  }
}

@Resolver(() => CommodityMinimumType)
export class CommodityMinimumResolver {
  @ResolveField('commodity', () => CommodityType)
  async commodity(
    @Parent() minimum: CommodityMinimumType,
    @Context() ctx: GqlContext,
  ): Promise<CommodityType> {
    return toCommodity(await ctx.loaders.commodity.load(minimum.commodityCode));
  }
}

@Resolver(() => CommodityType)
export class CommodityFieldsResolver {
  @ResolveField('units', () => [CommodityUnitType], {
    description: 'Units besides the base unit; quantities may be given in them',
  })
  async units(@Parent() commodity: CommodityType, @Context() ctx: GqlContext): Promise<CommodityUnitType[]> {
    return (await ctx.loaders.unitsOfCommodity.load(commodity.code)).map((unit) => ({
      code: unit.code,
      label: unit.label,
      toBase: Number(unit.toBase),
    }));
  }
}
