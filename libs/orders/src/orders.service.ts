import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { DomainError } from '../../core/src/domain-error.js';
import type { Page, PageRequest } from '../../core/src/pagination.js';
import { lineAmount } from '../../core/src/rupiah.js';
import { appendAudit } from '../../database/src/audit.js';
import {
  OrderLineEntity,
  PurchaseOrderEntity,
  type OrderStatus,
} from '../../database/src/entities/orders.entity.js';
import { paginate } from '../../database/src/paginate.js';
import { orderLifecycle } from './order-lifecycle.js';
import { coordinates, requireActor, type Actor } from '../../identity/src/actor.js';

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
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Creates confirmed purchase orders inside the award transaction. Unique constraints
   * (one order per demand x cooperative, one order line per offer) make a re-run fail
   * loudly instead of duplicating; the caller guarantees it runs once per batch.
   */
  async createConfirmedOrders(tx: EntityManager, orders: AwardedOrder[]): Promise<PurchaseOrderEntity[]> {
    const created: PurchaseOrderEntity[] = [];
    for (const order of orders) {
      const number = await this.nextOrderNumber(tx, order.marketCode, order.deliveryDate);
      const total = order.lines.reduce(
        (sum, line) => sum + lineAmount(line.unitPrice, line.quantityMilli),
        0n,
      );
      const saved = await tx.save(
        tx.create(PurchaseOrderEntity, {
          number,
          demandId: order.demandId,
          kitchenId: order.kitchenId,
          cooperativeId: order.cooperativeId,
          marketCode: order.marketCode,
          batchId: order.batchId,
          status: 'CONFIRMED' as OrderStatus,
          deliveryDate: order.deliveryDate,
          deliverBy: order.deliverBy,
          total,
          shortfallId: order.shortfallId ?? null,
          dispatchedAt: null,
          receivedAt: null,
        }),
      );
      await tx.insert(
        OrderLineEntity,
        order.lines.map((line) => ({
          orderId: saved.id,
          demandLineId: line.demandLineId,
          offerId: line.offerId,
          commodityCode: line.commodityCode,
          stockLotId: line.stockLotId,
          quantity: line.quantityMilli,
          unitPrice: line.unitPrice,
          acceptedQuantity: null,
          rejectedQuantity: null,
          rejectionReason: null,
        })),
      );
      await appendAudit(tx, {
        actorUserId: null,
        action: 'order.confirmed',
        entityType: 'PurchaseOrder',
        entityId: saved.id,
        regionCode: order.marketCode,
        after: {
          status: 'CONFIRMED',
          number,
          total: total.toString(),
          lines: order.lines.length,
          shortfallId: order.shortfallId ?? null,
        },
      });
      created.push(saved);
    }
    return created;
  }

  /** The demand was withdrawn: its orders not yet received are cancelled and their stock freed. */
  async cancelOrdersOfDemand(tx: EntityManager, demandId: string, actorUserId: string): Promise<number> {
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
      await tx.query(
        `UPDATE stock_lot SET reserved_quantity = stock_lot.reserved_quantity - l.quantity
           FROM order_line l WHERE l.order_id = $1 AND l.stock_lot_id = stock_lot.id`,
        [order.id],
      );
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
    return orders.length;
  }

  /** PO-3572-20261129-0007: market, delivery date, running number. */
  private async nextOrderNumber(
    tx: EntityManager,
    marketCode: string,
    deliveryDate: string,
  ): Promise<string> {
    const [row] = (await tx.query(
      `INSERT INTO order_number_counter (market_code, delivery_date, last_number) VALUES ($1, $2, 1)
       ON CONFLICT (market_code, delivery_date) DO UPDATE SET last_number = order_number_counter.last_number + 1
       RETURNING last_number`,
      [marketCode, deliveryDate],
    )) as { last_number: number }[];
    return `PO-${marketCode.replace(/\./g, '')}-${deliveryDate.replace(/-/g, '')}-${String(row!.last_number).padStart(4, '0')}`;
  }

  /** The kitchen's orders, the cooperative's, or the coordinator's region. */
  async purchaseOrders(
    actor: Actor | null,
    status: OrderStatus | null,
    page: PageRequest,
  ): Promise<Page<PurchaseOrderEntity>> {
    const signedIn = requireActor(actor);
    const query = this.dataSource.getRepository(PurchaseOrderEntity).createQueryBuilder('po');
    if (signedIn.role === 'ADMIN') {
      // everything
    } else if (signedIn.role === 'CITY_COORDINATOR' && signedIn.regionCode) {
      query.where('(po.market_code = :region OR po.market_code LIKE :prefix)', {
        region: signedIn.regionCode,
        prefix: `${signedIn.regionCode}.%`,
      });
    } else if (signedIn.role === 'KITCHEN_MANAGER' && signedIn.organizationId) {
      query.where('po.kitchen_id = :org', { org: signedIn.organizationId });
    } else if (signedIn.role === 'COOPERATIVE_OPERATOR' && signedIn.organizationId) {
      query.where('po.cooperative_id = :org', { org: signedIn.organizationId });
    } else {
      return { items: [], hasNextPage: false, totalCount: 0, cursorOf: () => '' };
    }
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

  async order(actor: Actor | null, id: string): Promise<PurchaseOrderEntity> {
    const signedIn = requireActor(actor);
    const order = await this.dataSource.getRepository(PurchaseOrderEntity).findOneBy({ id });
    if (!order || !this.canSeeOrder(signedIn, order))
      throw DomainError.notFound('Purchase order', 'Pesanan pembelian', { id });
    return order;
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

  /** Awards are order lines seen from the demand line. */
  async awardsByDemandLineIds(lineIds: readonly string[]): Promise<OrderLineEntity[]> {
    return this.dataSource
      .getRepository(OrderLineEntity)
      .find({ where: { demandLineId: In([...lineIds]) }, order: { id: 'ASC' } });
  }
}
