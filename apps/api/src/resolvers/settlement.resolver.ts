import { Args, Context, ID, Int, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { pageRequest } from '../../../../libs/core/src/pagination.js';
import { milliToNumber } from '../../../../libs/core/src/quantity.js';
import { requireActor } from '../../../../libs/identity/src/actor.js';
import { SupervisionService } from '../../../../libs/market/src/supervision.service.js';
import { OversightService } from '../../../../libs/monitoring/src/oversight.service.js';
import { FulfilmentLifecycleService } from '../../../../libs/orders/src/fulfilment-lifecycle.service.js';
import { SettlementService } from '../../../../libs/settlement/src/settlement.service.js';
import type { GqlContext } from '../graphql/context.js';
import { ConsignmentPayableConnection, InvoiceConnection, toConnection } from '../graphql/connections.js';
import { InvoiceStatus, PayableStatus } from '../graphql/enums.js';
import {
  toAlert,
  toAuditEntry,
  toInvoice,
  toOrder,
  toOrderLine,
  toOrganization,
  toPayable,
  toStockLot,
  toUser,
} from '../graphql/mappers.js';
import { LocalDateScalar, RupiahScalar } from '../graphql/scalars.js';
import {
  AlertType,
  AuditEntryType,
  ConsignmentPayableType,
  ConsignorStatementType,
  InvoiceType,
  KitchenSpendingType,
  LotDeliveryType,
  LotMarginType,
  LotTraceType,
  ReceiveOrderInput,
} from '../graphql/settlement.types.js';
import {
  OrderLineType,
  OrganizationType,
  PurchaseOrderType,
  StockLotType,
  UserType,
} from '../graphql/types.js';

/** Doors to what happens after the award: delivery, receipt, money, consignment, oversight. */
@Resolver()
export class SettlementResolver {
  constructor(
    private readonly lifecycle: FulfilmentLifecycleService,
    private readonly settlement: SettlementService,
    private readonly supervision: SupervisionService,
    private readonly oversight: OversightService,
  ) {}

  @Mutation(() => PurchaseOrderType, {
    description: 'Cooperative; quantity is re-awarded to the next best offers',
  })
  async declineOrder(
    @Context() ctx: GqlContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('reason') reason: string,
  ) {
    return toOrder(await this.lifecycle.declineOrder(ctx.actor, id, reason));
  }

  @Mutation(() => PurchaseOrderType, { description: 'Cooperative' })
  async dispatchOrder(@Context() ctx: GqlContext, @Args('id', { type: () => ID }) id: string) {
    return toOrder(await this.lifecycle.dispatchOrder(ctx.actor, id));
  }

  @Mutation(() => PurchaseOrderType, {
    description:
      'Kitchen; accepted + rejected = ordered quantity per line; issues the invoice, creates consignment payables, re-tenders rejected quantity when time allows',
  })
  async receiveOrder(@Context() ctx: GqlContext, @Args('input') input: ReceiveOrderInput) {
    return toOrder(await this.lifecycle.receiveOrder(ctx.actor, input));
  }

  @Mutation(() => InvoiceType, { description: 'Kitchen; never more than is owed' })
  async recordPayment(
    @Context() ctx: GqlContext,
    @Args('invoiceId', { type: () => ID }) invoiceId: string,
    @Args('amount', { type: () => RupiahScalar }) amount: bigint,
    @Args('reference') reference: string,
  ) {
    return toInvoice(await this.settlement.recordPayment(ctx.actor, invoiceId, amount, reference));
  }

  @Mutation(() => [ConsignmentPayableType], { description: 'Cooperative' })
  async settleConsignment(
    @Context() ctx: GqlContext,
    @Args('payableIds', { type: () => [ID] }) payableIds: string[],
    @Args('reference') reference: string,
  ) {
    return (await this.settlement.settleConsignment(ctx.actor, payableIds, reference)).map(toPayable);
  }

  @Mutation(() => OrganizationType, {
    description: 'Coordinator: its open offers become INVALID, no new offers',
  })
  async suspendCooperative(
    @Context() ctx: GqlContext,
    @Args('id', { type: () => ID }) id: string,
    @Args('reason') reason: string,
  ) {
    return toOrganization(await this.supervision.suspendCooperative(ctx.actor, id, reason));
  }

  @Mutation(() => OrganizationType)
  async reinstateCooperative(@Context() ctx: GqlContext, @Args('id', { type: () => ID }) id: string) {
    return toOrganization(await this.supervision.reinstateCooperative(ctx.actor, id));
  }

  @Mutation(() => StockLotType, {
    description: 'Cooperative: unsold consignment stock goes back to its consignor; closes the lot',
  })
  async returnConsignmentStock(
    @Context() ctx: GqlContext,
    @Args('stockLotId', { type: () => ID }) stockLotId: string,
    @Args('note') note: string,
  ) {
    return toStockLot(await this.supervision.returnConsignmentStock(ctx.actor, stockLotId, note));
  }

  @Query(() => InvoiceConnection, {
    description: "The kitchen's, the cooperative's, or the coordinator's region",
  })
  async invoices(
    @Context() ctx: GqlContext,
    @Args('status', { type: () => InvoiceStatus, nullable: true }) status: InvoiceStatus | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return toConnection(
      await this.settlement.invoices(ctx.actor, status, pageRequest(first, after)),
      toInvoice,
    );
  }

  @Query(() => ConsignmentPayableConnection, { description: "The cooperative's; coordinators of its region" })
  async consignmentPayables(
    @Context() ctx: GqlContext,
    @Args('status', { type: () => PayableStatus, nullable: true }) status: PayableStatus | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return toConnection(
      await this.settlement.consignmentPayables(ctx.actor, status, pageRequest(first, after)),
      toPayable,
    );
  }

  @Query(() => LotTraceType, { description: 'The owning cooperative; coordinators of its region' })
  async traceLot(
    @Context() ctx: GqlContext,
    @Args('stockLotId', { type: () => ID }) stockLotId: string,
  ): Promise<LotTraceType> {
    const { lot, deliveries } = await this.supervision.traceLot(ctx.actor, stockLotId);
    return {
      stockLotId: lot.id,
      consignorId: lot.consignorId,
      deliveries: deliveries.map(({ order, line }) => ({
        quantity: milliToNumber(line.quantity),
        acceptedQuantity: line.acceptedQuantity === null ? null : milliToNumber(line.acceptedQuantity),
        receivedAt: order.receivedAt,
        orderId: order.id,
        kitchenId: order.kitchenId,
      })),
    };
  }

  @Query(() => [AuditEntryType], { description: "Coordinators of the entity's region; oldest first" })
  async auditTrail(@Context() ctx: GqlContext, @Args('entityId', { type: () => ID }) entityId: string) {
    return (await this.oversight.auditTrail(ctx.actor, entityId)).map(toAuditEntry);
  }

  @Query(() => [AlertType], {
    description:
      'Coordinators of the region: shortfalls nobody could cover, orders of suspended cooperatives',
  })
  async alerts(@Context() ctx: GqlContext, @Args('regionCode') regionCode: string) {
    return (await this.oversight.alerts(ctx.actor, regionCode)).map((alert) => toAlert(alert, ctx.locale));
  }

  @Query(() => [ConsignorStatementType], {
    description: "COOPERATIVE_OPERATOR: each consignor's sold, owed and paid",
  })
  async consignorStatements(@Context() ctx: GqlContext) {
    return (await this.settlement.consignorStatements(ctx.actor)).map((s) => ({ ...s }));
  }

  @Query(() => [LotMarginType], { description: 'COOPERATIVE_OPERATOR: the margin on each consigned lot' })
  async lotMargins(@Context() ctx: GqlContext) {
    return (await this.settlement.lotMargins(ctx.actor)).map((m) => ({
      ...m,
      acceptedQuantity: milliToNumber(m.acceptedMilli),
    }));
  }

  @Query(() => KitchenSpendingType, {
    description: 'KITCHEN_MANAGER: ingredient spend in the 10-day funding cycle starting cycleStart',
  })
  async kitchenSpending(
    @Context() ctx: GqlContext,
    @Args('cycleStart', { type: () => LocalDateScalar }) cycleStart: string,
  ) {
    return this.settlement.kitchenSpending(ctx.actor, cycleStart);
  }
}

@Resolver(() => InvoiceType)
export class InvoiceFieldsResolver {
  @ResolveField('order', () => PurchaseOrderType)
  async order(@Parent() invoice: InvoiceType, @Context() ctx: GqlContext) {
    return toOrder(await ctx.loaders.order.load(invoice.orderId));
  }
  @ResolveField('cooperative', () => OrganizationType)
  async cooperative(@Parent() invoice: InvoiceType, @Context() ctx: GqlContext) {
    return toOrganization(await ctx.loaders.organization.load(invoice.cooperativeId));
  }
  @ResolveField('kitchen', () => OrganizationType)
  async kitchen(@Parent() invoice: InvoiceType, @Context() ctx: GqlContext) {
    return toOrganization(await ctx.loaders.organization.load(invoice.kitchenId));
  }
}

@Resolver(() => ConsignmentPayableType)
export class PayableFieldsResolver {
  @ResolveField('consignor', () => OrganizationType)
  async consignor(@Parent() payable: ConsignmentPayableType, @Context() ctx: GqlContext) {
    return toOrganization(await ctx.loaders.organization.load(payable.consignorId));
  }
  @ResolveField('cooperative', () => OrganizationType)
  async cooperative(@Parent() payable: ConsignmentPayableType, @Context() ctx: GqlContext) {
    return toOrganization(await ctx.loaders.organization.load(payable.cooperativeId));
  }
  @ResolveField('stockLot', () => StockLotType)
  async stockLot(@Parent() payable: ConsignmentPayableType, @Context() ctx: GqlContext) {
    return toStockLot(await ctx.loaders.stockLot.load(payable.stockLotId));
  }
  @ResolveField('orderLine', () => OrderLineType)
  async orderLine(@Parent() payable: ConsignmentPayableType, @Context() ctx: GqlContext) {
    return toOrderLine(await ctx.loaders.orderLine.load(payable.orderLineId));
  }
}

@Resolver(() => LotTraceType)
export class LotTraceFieldsResolver {
  @ResolveField('stockLot', () => StockLotType)
  async stockLot(@Parent() trace: LotTraceType, @Context() ctx: GqlContext) {
    return toStockLot(await ctx.loaders.stockLot.load(trace.stockLotId));
  }
  @ResolveField('consignor', () => OrganizationType, { nullable: true })
  async consignor(@Parent() trace: LotTraceType, @Context() ctx: GqlContext) {
    return trace.consignorId ? toOrganization(await ctx.loaders.organization.load(trace.consignorId)) : null;
  }
}

@Resolver(() => LotDeliveryType)
export class LotDeliveryFieldsResolver {
  @ResolveField('order', () => PurchaseOrderType)
  async order(@Parent() delivery: LotDeliveryType, @Context() ctx: GqlContext) {
    return toOrder(await ctx.loaders.order.load(delivery.orderId));
  }
  @ResolveField('kitchen', () => OrganizationType)
  async kitchen(@Parent() delivery: LotDeliveryType, @Context() ctx: GqlContext) {
    return toOrganization(await ctx.loaders.organization.load(delivery.kitchenId));
  }
}

@Resolver(() => AuditEntryType)
export class AuditEntryFieldsResolver {
  @ResolveField('actor', () => UserType, { nullable: true })
  async actor(@Parent() entry: AuditEntryType, @Context() ctx: GqlContext) {
    requireActor(ctx.actor);
    return entry.actorUserId ? toUser(await ctx.loaders.user.load(entry.actorUserId)) : null;
  }
}

@Resolver(() => ConsignorStatementType)
export class ConsignorStatementFieldsResolver {
  @ResolveField('consignor', () => OrganizationType)
  async consignor(@Parent() statement: ConsignorStatementType, @Context() ctx: GqlContext) {
    return toOrganization(await ctx.loaders.organization.load(statement.consignorId));
  }
}
