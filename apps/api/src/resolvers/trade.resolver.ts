import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { pageRequest } from '../../../../libs/core/src/pagination.js';
import { milliToNumber } from '../../../../libs/core/src/quantity.js';
import type {
  AlertEntity,
  TradeAllotmentEntity,
  TradeContractEntity,
  TradePledgeEntity,
  TradeShipmentEntity,
} from '../../../../libs/database/src/entities/index.js';
import { TradeService, type LevyReport } from '../../../../libs/trade/src/trade.service.js';
import { connectionOf, toConnection } from '../graphql/connections.js';
import type { GqlContext } from '../graphql/context.js';
import { LocalDateScalar } from '../graphql/scalars.js';
import { toAlert, toCommodity, toOrganization, toStockLot } from '../graphql/mappers.js';
import { AlertType } from '../graphql/settlement.types.js';
import {
  AllotmentType,
  ContractLevyType,
  CooperativeLevyType,
  LevyReportType,
  PledgeInput,
  PledgeType,
  ShipmentType,
  TradeConsignorPayableType,
  TradeContractInput,
  TradeContractStatus,
  TradeContractType,
  TradeReceiptInput,
} from '../graphql/trade.types.js';
import { CommodityType, OrganizationType, StockLotType } from '../graphql/types.js';

const TradeContractConnection = connectionOf(TradeContractType, 'TradeContract');
const PledgeConnection = connectionOf(PledgeType, 'Pledge');

const toContract = (c: TradeContractEntity): TradeContractType => ({
  id: c.id,
  number: c.number,
  buyerName: c.buyerName,
  destination: c.destination,
  minGrade: c.minGrade as TradeContractType['minGrade'],
  unitPrice: c.unitPrice,
  levyRate: c.levyRatePpm / 1_000_000,
  maxSharePerCooperative: c.maxSharePpm === null ? null : c.maxSharePpm / 1_000_000,
  totalQuantity: milliToNumber(c.totalQuantity),
  acceptedQuantity: 0, // resolved from the shipments
  status: c.status as TradeContractStatus,
  cancelReason: c.cancelReason,
  tradeCenterId: c.tradeCenterId,
  commodityCode: c.commodityCode,
});

const toShipment = (s: TradeShipmentEntity): ShipmentType => ({
  id: s.id,
  sequence: s.sequence,
  quantity: milliToNumber(s.quantity),
  pledgesCloseAt: s.pledgesCloseAt,
  consolidateBy: s.consolidateBy,
  status: s.status as ShipmentType['status'],
  allottedQuantity: milliToNumber(s.allottedQuantity),
  acceptedQuantity: milliToNumber(s.acceptedQuantity),
  contractId: s.contractId,
});

const toPledge = (p: TradePledgeEntity, locale: 'en' | 'id'): PledgeType => ({
  id: p.id,
  quantity: milliToNumber(p.quantity),
  status: p.status as PledgeType['status'],
  invalidReason: p.invalidReason,
  explanation: locale === 'id' ? p.explanationId : p.explanationEn,
  createdAt: p.createdAt,
  shipmentId: p.shipmentId,
  cooperativeId: p.cooperativeId,
  stockLotId: p.stockLotId,
});

const toAllotment = (a: TradeAllotmentEntity, locale: 'en' | 'id'): AllotmentType => ({
  id: a.id,
  round: a.round,
  quantity: milliToNumber(a.quantity),
  acceptedQuantity: a.acceptedQuantity === null ? null : milliToNumber(a.acceptedQuantity),
  rejectedQuantity: a.rejectedQuantity === null ? null : milliToNumber(a.rejectedQuantity),
  rejectionReason: a.rejectionReason,
  grossAmount: a.grossAmount,
  levyAmount: a.levyAmount,
  netAmount: a.netAmount,
  paid: a.status === 'PAID',
  paymentReference: a.paymentReference,
  explanation: locale === 'id' ? a.explanationId : a.explanationEn,
  explanationId: a.explanationId,
  shipmentId: a.shipmentId,
  pledgeId: a.pledgeId,
  cooperativeId: a.cooperativeId,
  stockLotId: a.stockLotId,
});

const toLevyReport = (r: LevyReport): LevyReportType => ({
  regionCode: r.regionCode,
  from: r.from,
  to: r.to,
  total: r.total,
  byContract: r.byContract.map((c) => ({ ...c, accepted: milliToNumber(c.acceptedMilli) })),
  byCooperative: r.byCooperative.map((c) => ({ ...c, accepted: milliToNumber(c.acceptedMilli) })),
});

@Resolver(() => TradeContractType)
export class TradeResolver {
  constructor(private readonly trade: TradeService) {}

  @Query(() => TradeContractConnection, { description: 'Officers, coordinators, cooperatives of the region' })
  async tradeContracts(
    @Context() ctx: GqlContext,
    @Args('status', { type: () => TradeContractStatus, nullable: true }) status: TradeContractStatus | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return toConnection(await this.trade.contracts(ctx.actor, status, pageRequest(first, after)), toContract);
  }

  @Query(() => TradeContractType)
  async tradeContract(@Context() ctx: GqlContext, @Args('id', { type: () => ID }) id: string) {
    return toContract(await this.trade.contract(ctx.actor, id));
  }

  @Query(() => PledgeConnection, { description: 'COOPERATIVE_OPERATOR, newest first' })
  async myPledges(
    @Context() ctx: GqlContext,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return toConnection(await this.trade.myPledges(ctx.actor, pageRequest(first, after)), (p) =>
      toPledge(p, ctx.locale),
    );
  }

  @Query(() => LevyReportType, { description: 'Officers and coordinators of the region' })
  async levyReport(
    @Context() ctx: GqlContext,
    @Args('regionCode') regionCode: string,
    @Args('from', { type: () => LocalDateScalar }) from: string,
    @Args('to', { type: () => LocalDateScalar }) to: string,
  ) {
    return toLevyReport(await this.trade.levyReport(ctx.actor, regionCode, from, to));
  }

  @Query(() => [AlertType], {
    description: 'Trade Center notices of your regency: new contracts, shipments going out short',
  })
  async tradeNotices(
    @Context() ctx: GqlContext,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
  ) {
    return (await this.trade.notices(ctx.actor, first)).map((a: AlertEntity) => toAlert(a, ctx.locale));
  }

  @Mutation(() => TradeContractType, { description: 'TRADE_CENTER_OFFICER' })
  async createTradeContract(@Context() ctx: GqlContext, @Args('input') input: TradeContractInput) {
    return toContract(await this.trade.createContract(ctx.actor, input));
  }

  @Mutation(() => TradeContractType, {
    description: 'Officer; only shipments not yet allotted are cancelled',
  })
  async cancelTradeContract(
    @Context() ctx: GqlContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('reason') reason: string,
  ) {
    return toContract(await this.trade.cancelContract(ctx.actor, id, reason));
  }

  @Mutation(() => PledgeType, {
    description: 'COOPERATIVE_OPERATOR of the same regency, before pledgesCloseAt',
  })
  async pledgeStock(@Context() ctx: GqlContext, @Args('input') input: PledgeInput) {
    return toPledge(await this.trade.pledge(ctx.actor, input), ctx.locale);
  }

  @Mutation(() => PledgeType)
  async withdrawPledge(@Context() ctx: GqlContext, @Args('id', { type: () => ID }) id: string) {
    return toPledge(await this.trade.withdrawPledge(ctx.actor, id), ctx.locale);
  }

  @Mutation(() => ShipmentType, { description: 'Officer, early; the worker does it at pledgesCloseAt' })
  async allotShipment(
    @Context() ctx: GqlContext,
    @Args('shipmentId', { type: () => ID }) shipmentId: string,
  ) {
    return toShipment(await this.trade.allotNow(ctx.actor, shipmentId));
  }

  @Mutation(() => [AllotmentType], { description: 'Officer: consolidation with inspection' })
  async receiveAtTradeCenter(
    @Context() ctx: GqlContext,
    @Args('input', { type: () => [TradeReceiptInput] }) input: TradeReceiptInput[],
  ) {
    return (await this.trade.receive(ctx.actor, input)).map((a) => toAllotment(a, ctx.locale));
  }

  @Mutation(() => ShipmentType)
  async dispatchShipment(
    @Context() ctx: GqlContext,
    @Args('shipmentId', { type: () => ID }) shipmentId: string,
  ) {
    return toShipment(await this.trade.dispatch(ctx.actor, shipmentId));
  }

  @Mutation(() => ShipmentType, { description: "Officer, on the buyer's confirmation" })
  async confirmShipmentDelivered(
    @Context() ctx: GqlContext,
    @Args('shipmentId', { type: () => ID }) shipmentId: string,
  ) {
    return toShipment(await this.trade.confirmDelivered(ctx.actor, shipmentId));
  }

  @Mutation(() => [AllotmentType], { description: 'Officer: pays net amounts, books the levy' })
  async payAllotments(
    @Context() ctx: GqlContext,
    @Args('allotmentIds', { type: () => [ID] }) allotmentIds: string[],
    @Args('reference') reference: string,
  ) {
    return (await this.trade.pay(ctx.actor, allotmentIds, reference)).map((a) => toAllotment(a, ctx.locale));
  }

  @ResolveField('tradeCenter', () => OrganizationType)
  async tradeCenter(@Parent() contract: TradeContractType, @Context() ctx: GqlContext) {
    return toOrganization(await ctx.loaders.organization.load(contract.tradeCenterId));
  }

  @ResolveField('commodity', () => CommodityType)
  async commodity(@Parent() contract: TradeContractType, @Context() ctx: GqlContext) {
    return toCommodity(await ctx.loaders.commodity.load(contract.commodityCode));
  }

  @ResolveField('shipments', () => [ShipmentType])
  async shipments(@Parent() contract: TradeContractType, @Context() ctx: GqlContext) {
    return (await ctx.loaders.shipmentsOfContract.load(contract.id)).map(toShipment);
  }

  @ResolveField('acceptedQuantity', () => Number)
  async acceptedQuantity(@Parent() contract: TradeContractType, @Context() ctx: GqlContext) {
    const shipments = await ctx.loaders.shipmentsOfContract.load(contract.id);
    return milliToNumber(shipments.reduce((sum, s) => sum + s.acceptedQuantity, 0));
  }
}

@Resolver(() => ShipmentType)
export class ShipmentFieldsResolver {
  constructor(private readonly trade: TradeService) {}

  @ResolveField('contract', () => TradeContractType)
  async contract(@Parent() shipment: ShipmentType, @Context() ctx: GqlContext) {
    return toContract(await ctx.loaders.tradeContract.load(shipment.contractId));
  }

  @ResolveField('pledges', () => [PledgeType], {
    description: 'The officer and coordinators see all; a cooperative sees only its own',
  })
  async pledges(@Parent() shipment: ShipmentType, @Context() ctx: GqlContext) {
    const contract = await ctx.loaders.tradeContract.load(shipment.contractId);
    const rows = await ctx.loaders.pledgesOfShipment.load(shipment.id);
    return this.trade.visibleShares(ctx.actor, contract, rows).map((p) => toPledge(p, ctx.locale));
  }

  @ResolveField('allotments', () => [AllotmentType], {
    description: 'The officer and coordinators see all; a cooperative sees only its own',
  })
  async allotments(@Parent() shipment: ShipmentType, @Context() ctx: GqlContext) {
    const contract = await ctx.loaders.tradeContract.load(shipment.contractId);
    const rows = await ctx.loaders.allotmentsOfShipment.load(shipment.id);
    return this.trade.visibleShares(ctx.actor, contract, rows).map((a) => toAllotment(a, ctx.locale));
  }

  @ResolveField('alerts', () => [AlertType], {
    description: 'Alerts about this shipment (e.g. it goes out short): the officer and coordinators',
  })
  async alerts(@Parent() shipment: ShipmentType, @Context() ctx: GqlContext) {
    const contract = await ctx.loaders.tradeContract.load(shipment.contractId);
    const entity = await ctx.loaders.shipment.load(shipment.id);
    return (await this.trade.shipmentAlerts(ctx.actor, entity, contract)).map((a) => toAlert(a, ctx.locale));
  }
}

@Resolver(() => PledgeType)
export class PledgeFieldsResolver {
  @ResolveField('shipment', () => ShipmentType)
  async shipment(@Parent() pledge: PledgeType, @Context() ctx: GqlContext) {
    return toShipment(await ctx.loaders.shipment.load(pledge.shipmentId));
  }

  @ResolveField('cooperative', () => OrganizationType)
  async cooperative(@Parent() pledge: PledgeType, @Context() ctx: GqlContext) {
    return toOrganization(await ctx.loaders.organization.load(pledge.cooperativeId));
  }

  @ResolveField('stockLot', () => StockLotType)
  async stockLot(@Parent() pledge: PledgeType, @Context() ctx: GqlContext) {
    return toStockLot(await ctx.loaders.stockLot.load(pledge.stockLotId));
  }
}

@Resolver(() => AllotmentType)
export class AllotmentFieldsResolver {
  @ResolveField('shipment', () => ShipmentType)
  async shipment(@Parent() allotment: AllotmentType, @Context() ctx: GqlContext) {
    return toShipment(await ctx.loaders.shipment.load(allotment.shipmentId));
  }

  @ResolveField('pledge', () => PledgeType)
  async pledge(@Parent() allotment: AllotmentType, @Context() ctx: GqlContext) {
    return toPledge(await ctx.loaders.pledge.load(allotment.pledgeId), ctx.locale);
  }

  @ResolveField('cooperative', () => OrganizationType)
  async cooperative(@Parent() allotment: AllotmentType, @Context() ctx: GqlContext) {
    return toOrganization(await ctx.loaders.organization.load(allotment.cooperativeId));
  }

  @ResolveField('consignorPayables', () => [TradeConsignorPayableType], {
    description: 'For consigned or BUMN stock: what the cooperative owes the consignor for these goods',
  })
  async consignorPayables(@Parent() allotment: AllotmentType, @Context() ctx: GqlContext) {
    return (await ctx.loaders.payablesOfAllotment.load(allotment.id)).map((p) => ({
      id: p.id,
      consignorId: p.consignorId,
      quantity: milliToNumber(p.quantity),
      amount: p.amount,
      status: p.status,
    }));
  }
}

@Resolver(() => ContractLevyType)
export class ContractLevyFieldsResolver {
  @ResolveField('contract', () => TradeContractType)
  async contract(@Parent() line: ContractLevyType, @Context() ctx: GqlContext) {
    return toContract(await ctx.loaders.tradeContract.load(line.contractId));
  }
}

@Resolver(() => CooperativeLevyType)
export class CooperativeLevyFieldsResolver {
  @ResolveField('cooperative', () => OrganizationType)
  async cooperative(@Parent() line: CooperativeLevyType, @Context() ctx: GqlContext) {
    return toOrganization(await ctx.loaders.organization.load(line.cooperativeId));
  }
}
