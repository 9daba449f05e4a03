import { Args, Context, Int, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { pageRequest } from '../../../../libs/core/src/pagination.js';
import { OrdersService } from '../../../../libs/orders/src/orders.service.js';
import type { GqlContext } from '../graphql/context.js';
import { PurchaseOrderConnection, toConnection } from '../graphql/connections.js';
import { OrderStatus } from '../graphql/enums.js';
import { toCommodity, toOrder, toOrderLine, toOrganization, toStockLot } from '../graphql/mappers.js';
import {
  CommodityType,
  OrderLineType,
  OrganizationType,
  PurchaseOrderType,
  StockLotType,
} from '../graphql/types.js';

@Resolver(() => PurchaseOrderType)
export class OrdersResolver {
  constructor(private readonly orders: OrdersService) {}

  @Query(() => PurchaseOrderConnection, {
    description: "The kitchen's, the cooperative's, or the coordinator's region",
  })
  async purchaseOrders(
    @Context() ctx: GqlContext,
    @Args('status', { type: () => OrderStatus, nullable: true }) status: OrderStatus | null,
    @Args('first', { type: () => Int, nullable: true, defaultValue: 50 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after: string | null,
  ) {
    return toConnection(
      await this.orders.purchaseOrders(ctx.actor, status, pageRequest(first, after)),
      toOrder,
    );
  }

  @ResolveField('kitchen', () => OrganizationType)
  async kitchen(@Parent() order: PurchaseOrderType, @Context() ctx: GqlContext) {
    return toOrganization(await ctx.loaders.organization.load(order.kitchenId));
  }

  @ResolveField('cooperative', () => OrganizationType)
  async cooperative(@Parent() order: PurchaseOrderType, @Context() ctx: GqlContext) {
    return toOrganization(await ctx.loaders.organization.load(order.cooperativeId));
  }

  @ResolveField('lines', () => [OrderLineType])
  async lines(@Parent() order: PurchaseOrderType, @Context() ctx: GqlContext) {
    // Reached only through an order the actor may see (checked where the order was loaded).
    const entity = await ctx.loaders.order.load(order.id);
    if (!this.orders.canSeeOrder(ctx.actor!, entity)) return [];
    return (await ctx.loaders.linesOfOrder.load(order.id)).map(toOrderLine);
  }
}

@Resolver(() => OrderLineType)
export class OrderLineFieldsResolver {
  @ResolveField('commodity', () => CommodityType)
  async commodity(@Parent() line: OrderLineType, @Context() ctx: GqlContext) {
    return toCommodity(await ctx.loaders.commodity.load(line.commodityCode));
  }

  @ResolveField('stockLot', () => StockLotType)
  async stockLot(@Parent() line: OrderLineType, @Context() ctx: GqlContext) {
    return toStockLot(await ctx.loaders.stockLot.load(line.stockLotId));
  }
}
