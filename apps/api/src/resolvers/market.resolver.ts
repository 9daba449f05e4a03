import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { pageRequest } from '../../../../libs/core/src/pagination.js';
import { DemandService } from '../../../../libs/market/src/demand.service.js';
import { OfferService } from '../../../../libs/market/src/offer.service.js';
import { StockLotService } from '../../../../libs/market/src/stock-lot.service.js';
import type { GqlContext } from '../graphql/context.js';
import {
  DemandLineConnection,
  DemandRequestConnection,
  OfferConnection,
  StockLotConnection,
  toConnection,
} from '../graphql/connections.js';
import { DemandStatus, OfferStatus } from '../graphql/enums.js';
import { OfferInput, PostDemandInput, StockLotInput } from '../graphql/inputs.js';
import { toDemand, toDemandLine, toOffer, toStockLot } from '../graphql/mappers.js';
import { DemandRequestType, OfferType, StockLotType } from '../graphql/types.js';

/** Doors to the market: authorise in the service, map the result. */
@Resolver()
export class MarketResolver {
  constructor(
    private readonly stockLots: StockLotService,
    private readonly demands: DemandService,
    private readonly offers: OfferService,
  ) {}

  @Query(() => StockLotConnection, { description: 'COOPERATIVE_OPERATOR, newest first' })
  async myStockLots(
    @Context() ctx: GqlContext,
    @Args('commodityCode', { type: () => String, nullable: true }) commodityCode: string | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return toConnection(
      await this.stockLots.myStockLots(ctx.actor, commodityCode, pageRequest(first, after)),
      toStockLot,
    );
  }

  @Query(() => DemandLineConnection, {
    description: 'COOPERATIVE_OPERATOR: its own market, bidding open, soonest close first',
  })
  async openDemandLines(
    @Context() ctx: GqlContext,
    @Args('commodityCode', { type: () => String, nullable: true }) commodityCode: string | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return toConnection(
      await this.offers.openDemandLines(ctx.actor, commodityCode, pageRequest(first, after)),
      toDemandLine,
    );
  }

  @Query(() => DemandRequestType, {
    description: 'Owner kitchen, coordinators of its region; cooperatives that offered',
  })
  async demand(
    @Context() ctx: GqlContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<DemandRequestType> {
    return toDemand(await this.demands.demand(ctx.actor, id));
  }

  @Query(() => DemandRequestConnection, { description: 'KITCHEN_MANAGER' })
  async myDemands(
    @Context() ctx: GqlContext,
    @Args('status', { type: () => DemandStatus, nullable: true }) status: DemandStatus | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return toConnection(await this.demands.myDemands(ctx.actor, status, pageRequest(first, after)), toDemand);
  }

  @Query(() => OfferConnection, { description: 'COOPERATIVE_OPERATOR' })
  async myOffers(
    @Context() ctx: GqlContext,
    @Args('status', { type: () => OfferStatus, nullable: true }) status: OfferStatus | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return toConnection(await this.offers.myOffers(ctx.actor, status, pageRequest(first, after)), toOffer);
  }

  @Mutation(() => DemandRequestType, {
    description: 'KITCHEN_MANAGER; closes in the future; >= 1 line; known commodities',
  })
  async postDemand(
    @Context() ctx: GqlContext,
    @Args('input') input: PostDemandInput,
  ): Promise<DemandRequestType> {
    return toDemand(await this.demands.postDemand(ctx.actor, input));
  }

  @Mutation(() => DemandRequestType, { description: 'Only while OPEN' })
  async cancelDemand(
    @Context() ctx: GqlContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<DemandRequestType> {
    return toDemand(await this.demands.cancelDemand(ctx.actor, id));
  }

  @Mutation(() => DemandRequestType, { description: 'Owner or coordinator: close now and evaluate' })
  async closeBidding(
    @Context() ctx: GqlContext,
    @Args('demandId', { type: () => ID }) demandId: string,
  ): Promise<DemandRequestType> {
    return toDemand(await this.demands.closeBidding(ctx.actor, demandId));
  }

  @Mutation(() => StockLotType, { description: 'COOPERATIVE_OPERATOR' })
  async addStockLot(@Context() ctx: GqlContext, @Args('input') input: StockLotInput): Promise<StockLotType> {
    return toStockLot(await this.stockLots.addStockLot(ctx.actor, input));
  }

  @Mutation(() => OfferType, {
    description: 'Bidding open; lot of this cooperative, same commodity, enough available',
  })
  async submitOffer(@Context() ctx: GqlContext, @Args('input') input: OfferInput): Promise<OfferType> {
    return toOffer(await this.offers.submitOffer(ctx.actor, input));
  }

  @Mutation(() => [OfferType], { description: 'Many lines at once; all or nothing' })
  async submitOffers(
    @Context() ctx: GqlContext,
    @Args('input', { type: () => [OfferInput] }) input: OfferInput[],
  ): Promise<OfferType[]> {
    return (await this.offers.submitOffers(ctx.actor, input)).map(toOffer);
  }

  @Mutation(() => OfferType, { description: 'Only while bidding is open' })
  async withdrawOffer(
    @Context() ctx: GqlContext,
    @Args('id', { type: () => ID }) id: string,
  ): Promise<OfferType> {
    return toOffer(await this.offers.withdrawOffer(ctx.actor, id));
  }
}
