import { Context, Int, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { DomainError } from '../../../../libs/core/src/domain-error.js';
import { requireActor } from '../../../../libs/identity/src/actor.js';
import { DemandService } from '../../../../libs/market/src/demand.service.js';
import { visibleUnitCost } from '../../../../libs/market/src/sealed-bids.js';
import type { GqlContext } from '../graphql/context.js';
import {
  toAward,
  toCommodity,
  toDemand,
  toDemandLine,
  toEvaluation,
  toOffer,
  toOrder,
  toOrganization,
  toStockLot,
} from '../graphql/mappers.js';
import { RupiahScalar } from '../graphql/scalars.js';
import {
  AwardType,
  CommodityType,
  DemandLineType,
  DemandRequestType,
  OfferEvaluationType,
  OfferType,
  OrganizationType,
  PurchaseOrderType,
  StockLotType,
} from '../graphql/types.js';

const sealed = () =>
  DomainError.forbidden(
    'Offers are sealed: only the offering cooperative sees this before evaluation',
    'Penawaran tertutup: hanya koperasi penawar yang dapat melihatnya sebelum evaluasi',
  );

@Resolver(() => StockLotType)
export class StockLotFieldsResolver {
  @ResolveField('cooperative', () => OrganizationType)
  async cooperative(@Parent() lot: StockLotType, @Context() ctx: GqlContext) {
    return toOrganization(await ctx.loaders.organization.load(lot.cooperativeId));
  }

  @ResolveField('commodity', () => CommodityType)
  async commodity(@Parent() lot: StockLotType, @Context() ctx: GqlContext) {
    return toCommodity(await ctx.loaders.commodity.load(lot.commodityCode));
  }

  @ResolveField('consignor', () => OrganizationType, { nullable: true })
  async consignor(@Parent() lot: StockLotType, @Context() ctx: GqlContext) {
    return lot.consignorId ? toOrganization(await ctx.loaders.organization.load(lot.consignorId)) : null;
  }

  @ResolveField('unitCost', () => RupiahScalar, {
    nullable: true,
    description:
      'What the cooperative owes the consignor/BUMN per unit; shown to the cooperative and coordinators',
  })
  unitCost(@Parent() lot: StockLotType, @Context() ctx: GqlContext): bigint | null {
    return visibleUnitCost(requireActor(ctx.actor), lot);
  }
}

@Resolver(() => DemandRequestType)
export class DemandFieldsResolver {
  constructor(private readonly demands: DemandService) {}

  @ResolveField('kitchen', () => OrganizationType)
  async kitchen(@Parent() demand: DemandRequestType, @Context() ctx: GqlContext) {
    return toOrganization(await ctx.loaders.organization.load(demand.kitchenId));
  }

  @ResolveField('lines', () => [DemandLineType])
  async lines(@Parent() demand: DemandRequestType, @Context() ctx: GqlContext) {
    return (await ctx.loaders.linesOfDemand.load(demand.id)).map(toDemandLine);
  }

  @ResolveField('replaces', () => DemandRequestType, { nullable: true })
  async replaces(@Parent() demand: DemandRequestType, @Context() ctx: GqlContext) {
    if (!demand.replacesId) return null;
    try {
      return toDemand(await this.demands.demand(ctx.actor, demand.replacesId));
    } catch (error) {
      // A cooperative that never offered on the replaced demand may not see it: null, not an error.
      if (error instanceof DomainError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  }
}

@Resolver(() => DemandLineType)
export class DemandLineFieldsResolver {
  @ResolveField('demand', () => DemandRequestType)
  async demand(@Parent() line: DemandLineType, @Context() ctx: GqlContext) {
    return toDemand(await ctx.loaders.demand.load(line.demandId));
  }

  @ResolveField('commodity', () => CommodityType)
  async commodity(@Parent() line: DemandLineType, @Context() ctx: GqlContext) {
    return toCommodity(await ctx.loaders.commodity.load(line.commodityCode));
  }

  @ResolveField('offerCount', () => Int, {
    description: 'Kitchen and coordinators: all standing offers; a cooperative: its own',
  })
  async offerCount(@Parent() line: DemandLineType, @Context() ctx: GqlContext): Promise<number> {
    const actor = requireActor(ctx.actor);
    if (actor.role === 'COOPERATIVE_OPERATOR')
      return ctx.loaders.ownOfferCount.load(`${actor.organizationId}/${line.id}`);
    return ctx.loaders.offerCount.load(line.id);
  }

  @ResolveField('evaluations', () => [OfferEvaluationType], {
    description: 'Empty until evaluated; a cooperative sees only its own, without price score or total',
  })
  async evaluations(@Parent() line: DemandLineType, @Context() ctx: GqlContext) {
    return (await ctx.loaders.visibleEvaluationsOfLine.load(line.id)).map((e) => toEvaluation(e, ctx.locale));
  }

  @ResolveField('awards', () => [AwardType], { description: 'A cooperative sees only its own awards' })
  async awards(@Parent() line: DemandLineType, @Context() ctx: GqlContext) {
    return (await ctx.loaders.visibleAwardsOfLine.load(line.id)).map(toAward);
  }
}

@Resolver(() => OfferType)
export class OfferFieldsResolver {
  @ResolveField('unitPrice', () => RupiahScalar)
  async unitPrice(@Parent() offer: OfferType, @Context() ctx: GqlContext): Promise<bigint> {
    const { price } = await ctx.loaders.offerVisibility.load(offer.id);
    if (price === null) throw sealed();
    return price;
  }

  @ResolveField('line', () => DemandLineType)
  async line(@Parent() offer: OfferType, @Context() ctx: GqlContext) {
    return toDemandLine(await ctx.loaders.demandLine.load(offer.demandLineId));
  }

  @ResolveField('cooperative', () => OrganizationType)
  async cooperative(@Parent() offer: OfferType, @Context() ctx: GqlContext) {
    return toOrganization(await ctx.loaders.organization.load(offer.cooperativeId));
  }

  @ResolveField('stockLot', () => StockLotType)
  async stockLot(@Parent() offer: OfferType, @Context() ctx: GqlContext) {
    const { visible } = await ctx.loaders.offerVisibility.load(offer.id);
    if (!visible) throw sealed();
    return toStockLot(await ctx.loaders.stockLot.load(offer.stockLotId));
  }
}

@Resolver(() => OfferEvaluationType)
export class EvaluationFieldsResolver {
  @ResolveField('offer', () => OfferType)
  async offer(@Parent() evaluation: OfferEvaluationType, @Context() ctx: GqlContext) {
    return toOffer(await ctx.loaders.offer.load(evaluation.offerId));
  }
}

@Resolver(() => AwardType)
export class AwardFieldsResolver {
  @ResolveField('offer', () => OfferType)
  async offer(@Parent() award: AwardType, @Context() ctx: GqlContext) {
    return toOffer(await ctx.loaders.offer.load(award.offerId));
  }

  @ResolveField('order', () => PurchaseOrderType)
  async order(@Parent() award: AwardType, @Context() ctx: GqlContext) {
    return toOrder(await ctx.loaders.order.load(award.orderId));
  }
}
