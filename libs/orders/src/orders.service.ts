import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import type { Page, PageRequest } from '../../core/src/pagination.js';
import { isStorableTotal, lineAmount } from '../../core/src/rupiah.js';
import { milliToDecimalText } from '../../core/src/quantity.js';
import { appendAudit } from '../../database/src/audit.js';
import {
  OrderLineEntity,
  PurchaseOrderEntity,
  type OrderStatus,
} from '../../database/src/entities/orders.entity.js';
import { paginate } from '../../database/src/paginate.js';
import { orderLifecycle } from './order-lifecycle.js';
import { releaseOrderReservations } from './reservations.js';
import { StockLedgerService } from '../../market/src/stock-ledger.service.js';
import { coordinates, requireActor, type Actor } from '../../identity/src/actor.js';
import { restrictListToActor } from '../../identity/src/list-scope.js';
import { recordNotificationEvents } from '../../notify/src/notification-events.js';

/** What the award decided for one kitchen x cooperative x demand. */
export interface AwardedOrder {
  demandId: string;
  kitchenId: string;
  cooperativeId: string;
  marketCode: string;
  batchId: string;
  deliveryDate: string;
  deliverBy: Date;
  /** Set when the order covers a shortfall rather than the first award. */
  shortfallId?: string | null;
  lines: {
    demandLineId: string;
    offerId: string;
    commodityCode: string;
    stockLotId: string;
    quantityMilli: number;
    unitPrice: bigint;
  }[];
}

@Injectable()
export class OrdersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: StockLedgerService,
  ) {}

  /**
   * Creates confirmed purchase orders inside the award transaction. Unique constraints
   * (one order per demand x cooperative, one order line per offer) make a re-run fail
   * loudly instead of duplicating; the caller guarantees it runs once per batch.
   */
  async createConfirmedOrders(tx: EntityManager, orders: AwardedOrder[]): Promise<PurchaseOrderEntity[]> {
    if (orders.length === 0) return [];
    // Numbers are handed out per market and delivery date, a block at a time; orders, lines and
    // audit entries go in multi-row inserts, so a day of 77 orders costs a handful of queries.
    const numbers = new Map<AwardedOrder, string>();
    const groups = new Map<string, AwardedOrder[]>();
    for (const order of orders) {
      const key = `${order.marketCode}|${order.deliveryDate}`;
      groups.set(key, [...(groups.get(key) ?? []), order]);
    }
    for (const group of groups.values()) {
      const first = group[0]!;
      const start = await this.reserveOrderNumbers(tx, first.marketCode, first.deliveryDate, group.length);
      group.forEach((order, index) =>
        numbers.set(order, formatOrderNumber(order.marketCode, order.deliveryDate, start + index)),
      );
    }
    const rows = orders.map((order) => ({
      number: numbers.get(order)!,
      demandId: order.demandId,
      kitchenId: order.kitchenId,
      cooperativeId: order.cooperativeId,
      marketCode: order.marketCode,
      batchId: order.batchId,
      status: 'CONFIRMED' as OrderStatus,
      deliveryDate: order.deliveryDate,
      deliverBy: order.deliverBy,
      total: order.lines.reduce((sum, line) => sum + lineAmount(line.unitPrice, line.quantityMilli), 0n),
      shortfallId: order.shortfallId ?? null,
      dispatchedAt: null,
      receivedAt: null,
    }));
    // The award leaves out a demand whose orders could not be stored; this is the last check.
    const unstorable = rows.find((row) => !isStorableTotal(row.total));
    if (unstorable)
      throw new Error(`order total ${unstorable.total} of demand ${unstorable.demandId} cannot be stored`);
    const created: PurchaseOrderEntity[] = [];
    for (let start = 0; start < rows.length; start += 500) {
      const chunk = rows.slice(start, start + 500);
      const result = await tx
        .createQueryBuilder()
        .insert()
        .into(PurchaseOrderEntity)
        .values(chunk)
        .returning(['id', 'createdAt'])
        .execute();
      chunk.forEach((row, index) => {
        const generated = result.generatedMaps[index] as { id: string; createdAt: Date };
        created.push(
          Object.assign(new PurchaseOrderEntity(), row, { id: generated.id, createdAt: generated.createdAt }),
        );
      });
    }
    const lines = orders.flatMap((order, index) =>
      order.lines.map((line) => ({ orderId: created[index]!.id, ...line })),
    );
    await tx.query(
      `INSERT INTO order_line (order_id, demand_line_id, offer_id, commodity_code, stock_lot_id, quantity, unit_price)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::varchar[], $5::uuid[], $6::numeric[], $7::bigint[])`,
      [
        lines.map((l) => l.orderId),
        lines.map((l) => l.demandLineId),
        lines.map((l) => l.offerId),
        lines.map((l) => l.commodityCode),
        lines.map((l) => l.stockLotId),
        lines.map((l) => milliToDecimalText(l.quantityMilli)),
        lines.map((l) => l.unitPrice.toString()),
      ],
    );
    await appendAudit(
      tx,
      ...created.map((order, index) => ({
        actorUserId: null,
        action: 'order.confirmed',
        entityType: 'PurchaseOrder',
        entityId: order.id,
        regionCode: order.marketCode,
        after: {
          status: 'CONFIRMED',
          number: order.number,
          total: order.total.toString(),
          lines: orders[index]!.lines.length,
          shortfallId: order.shortfallId,
        },
      })),
    );
    await recordNotificationEvents(
      tx,
      'ORDER_CONFIRMED',
      created.map((order) => order.id),
    );
    return created;
  }

  /** The demand was withdrawn: its orders not yet received are cancelled (returned) and their stock freed. */
  async cancelOrdersOfDemand(
    tx: EntityManager,
    demandId: string,
    actorUserId: string,
  ): Promise<PurchaseOrderEntity[]> {
    const orders = await tx
      .getRepository(PurchaseOrderEntity)
      .createQueryBuilder('po')
      .setLock('pessimistic_write')
      .where('po.demand_id = :demandId', { demandId })
      .andWhere(`po.status IN ('CONFIRMED', 'DISPATCHED')`)
      .orderBy('po.id')
      .getMany();
    for (const order of orders) {
      orderLifecycle.assertMove(order.status, 'CANCELLED');
      await releaseOrderReservations(this.ledger, tx, order.id);
      await tx.update(PurchaseOrderEntity, { id: order.id }, { status: 'CANCELLED' });
      await appendAudit(tx, {
        actorUserId,
        action: 'order.cancelled',
        entityType: 'PurchaseOrder',
        entityId: order.id,
        regionCode: order.marketCode,
        before: { status: order.status },
        after: { status: 'CANCELLED', reason: 'demand withdrawn' },
      });
    }
    return orders.map((order) => ({ ...order, status: 'CANCELLED' as const }));
  }

  /** Reserves `count` consecutive order numbers for a market and delivery date; returns the first. */
  private async reserveOrderNumbers(
    tx: EntityManager,
    marketCode: string,
    deliveryDate: string,
    count: number,
  ): Promise<number> {
    const [row] = (await tx.query(
      `INSERT INTO order_number_counter (market_code, delivery_date, last_number) VALUES ($1, $2, $3)
       ON CONFLICT (market_code, delivery_date) DO UPDATE SET last_number = order_number_counter.last_number + $3
       RETURNING last_number`,
      [marketCode, deliveryDate, count],
    )) as { last_number: number }[];
    return row!.last_number - count + 1;
  }

  /** The kitchen's orders, the cooperative's, or the coordinator's region. */
  async purchaseOrders(
    actor: Actor | null,
    status: OrderStatus | null,
    page: PageRequest,
  ): Promise<Page<PurchaseOrderEntity>> {
    const signedIn = requireActor(actor);
    const query = this.dataSource.getRepository(PurchaseOrderEntity).createQueryBuilder('po');
    restrictListToActor(query, signedIn, {
      market: 'po.market_code',
      kitchen: 'po.kitchen_id',
      cooperative: 'po.cooperative_id',
    });
    if (status) query.andWhere('po.status = :status', { status });
    return paginate(query, { column: 'po.created_at', id: 'po.id', direction: 'DESC' }, page);
  }

  canSeeOrder(actor: Actor, order: PurchaseOrderEntity): boolean {
    return (
      actor.organizationId === order.kitchenId ||
      actor.organizationId === order.cooperativeId ||
      coordinates(actor, order.marketCode)
    );
  }

  async ordersByIds(ids: readonly string[]): Promise<PurchaseOrderEntity[]> {
    return this.dataSource.getRepository(PurchaseOrderEntity).findBy({ id: In([...ids]) });
  }

  async linesByOrderIds(orderIds: readonly string[]): Promise<OrderLineEntity[]> {
    return this.dataSource
      .getRepository(OrderLineEntity)
      .find({ where: { orderId: In([...orderIds]) }, order: { commodityCode: 'ASC', id: 'ASC' } });
  }

  async orderLinesByIds(ids: readonly string[]): Promise<OrderLineEntity[]> {
    return this.dataSource.getRepository(OrderLineEntity).findBy({ id: In([...ids]) });
  }

  /** Every order line a lot went to (the recall trace). */
  async linesByStockLotId(stockLotId: string): Promise<OrderLineEntity[]> {
    return this.dataSource
      .getRepository(OrderLineEntity)
      .find({ where: { stockLotId }, order: { id: 'ASC' } });
  }

  /** Awards are order lines seen from the demand line. */
  /**
   * The awards (order lines) on these demand lines the actor may see: the kitchen and the
   * coordinators all of them, a cooperative its own (the list-scoping rule of every order).
   */
  async visibleAwardsByDemandLineIds(actor: Actor, lineIds: readonly string[]): Promise<OrderLineEntity[]> {
    const query = this.dataSource
      .getRepository(OrderLineEntity)
      .createQueryBuilder('line')
      .innerJoin(PurchaseOrderEntity, 'po', 'po.id = line.order_id');
    restrictListToActor(query, actor, {
      market: 'po.market_code',
      kitchen: 'po.kitchen_id',
      cooperative: 'po.cooperative_id',
    });
    return query
      .andWhere('line.demand_line_id IN (:...lineIds)', { lineIds: [...lineIds] })
      .orderBy('line.id', 'ASC')
      .getMany();
  }
}

/** PO-3572-20261129-0007: market, delivery date, running number. */
function formatOrderNumber(marketCode: string, deliveryDate: string, sequence: number): string {
  return `PO-${marketCode.replace(/\./g, '')}-${deliveryDate.replace(/-/g, '')}-${String(sequence).padStart(4, '0')}`;
}
