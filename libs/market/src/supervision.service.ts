import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '../../core/src/domain-error.js';
import { appendAudit, returnedRows } from '../../database/src/audit.js';
import { OrganizationEntity } from '../../database/src/entities/identity.entity.js';
import { OfferEntity, StockLotEntity } from '../../database/src/entities/market.entity.js';
import type { OrderLineEntity, PurchaseOrderEntity } from '../../database/src/entities/orders.entity.js';
import { OrdersService } from '../../orders/src/orders.service.js';
import { AlertEntity } from '../../database/src/entities/settlement.entity.js';
import {
  coordinates,
  requireActor,
  requireCoordinatorOf,
  requireRole,
  type Actor,
} from '../../identity/src/actor.js';
import { lockRow } from '../../database/src/lock-row.js';
import { recordAlertEvents } from '../../notify/src/notification-events.js';

export interface LotDeliveryRecord {
  order: PurchaseOrderEntity;
  line: OrderLineEntity;
}

/** The coordinator's levers over cooperatives, and the trace of where a lot went. */
@Injectable()
export class SupervisionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly orders: OrdersService,
  ) {}

  /**
   * Suspends a cooperative (e.g. after a food-safety incident): its open offers become
   * INVALID, it cannot offer, and its orders not yet dispatched are flagged to the coordinators.
   */
  async suspendCooperative(
    actor: Actor | null,
    cooperativeId: string,
    reason: string,
  ): Promise<OrganizationEntity> {
    requireRole(actor, 'CITY_COORDINATOR', 'ADMIN');
    const why = (reason ?? '').trim();
    if (why.length === 0 || why.length > 1000) {
      throw DomainError.badInput(
        'reason must be 1 to 1000 characters',
        'alasan harus 1 sampai 1000 karakter',
        { field: 'reason' },
      );
    }
    return this.dataSource.transaction(async (tx) => {
      const cooperative = await lockRow(tx, OrganizationEntity, cooperativeId);
      if (!cooperative || cooperative.kind !== 'COOPERATIVE')
        throw DomainError.notFound('Cooperative', 'Koperasi', { id: cooperativeId });
      const coordinator = requireCoordinatorOf(actor, cooperative.regionCode);
      if (cooperative.suspended)
        throw DomainError.conflict('The cooperative is already suspended', 'Koperasi sudah ditangguhkan');
      await tx.update(OrganizationEntity, { id: cooperativeId }, { suspended: true, suspendedReason: why });
      const invalidated = returnedRows<{ id: string }>(
        await tx.query(
          `UPDATE offer SET status = 'INVALID' WHERE cooperative_id = $1 AND status = 'SUBMITTED' RETURNING id`,
          [cooperativeId],
        ),
      );
      const flagged = returnedRows<{ id: string; market_code: string; number: string }>(
        await tx.query(
          `UPDATE purchase_order SET attention_reason = $2 WHERE cooperative_id = $1 AND status = 'CONFIRMED' RETURNING id, market_code, number`,
          [cooperativeId, `Cooperative suspended: ${why}`],
        ),
      );
      if (flagged.length > 0) {
        await recordAlertEvents(
          tx,
          await tx.insert(
            AlertEntity,
            flagged.map((order) => ({
              regionCode: order.market_code,
              kind: 'SUSPENDED_SUPPLIER_ORDER',
              entityId: order.id,
              messageEn: `Order ${order.number} is from a suspended cooperative (${cooperative.name}); decide whether it may still deliver.`,
              messageId: `Pesanan ${order.number} berasal dari koperasi yang ditangguhkan (${cooperative.name}); putuskan apakah tetap boleh dikirim.`,
            })),
          ),
        );
      }
      await appendAudit(
        tx,
        {
          actorUserId: coordinator.userId,
          action: 'cooperative.suspended',
          entityType: 'Organization',
          entityId: cooperativeId,
          regionCode: cooperative.regionCode,
          before: { suspended: false },
          after: {
            suspended: true,
            reason: why,
            offersInvalidated: invalidated.length,
            ordersFlagged: flagged.length,
          },
        },
        ...invalidated.map((offer) => ({
          actorUserId: coordinator.userId,
          action: 'offer.invalid',
          entityType: 'Offer',
          entityId: offer.id,
          regionCode: cooperative.regionCode,
          before: { status: 'SUBMITTED' },
          after: { status: 'INVALID', reason: 'cooperative suspended' },
        })),
      );
      return { ...cooperative, suspended: true, suspendedReason: why };
    });
  }

  async reinstateCooperative(actor: Actor | null, cooperativeId: string): Promise<OrganizationEntity> {
    requireRole(actor, 'CITY_COORDINATOR', 'ADMIN');
    return this.dataSource.transaction(async (tx) => {
      const cooperative = await lockRow(tx, OrganizationEntity, cooperativeId);
      if (!cooperative || cooperative.kind !== 'COOPERATIVE')
        throw DomainError.notFound('Cooperative', 'Koperasi', { id: cooperativeId });
      const coordinator = requireCoordinatorOf(actor, cooperative.regionCode);
      if (!cooperative.suspended)
        throw DomainError.conflict('The cooperative is not suspended', 'Koperasi tidak sedang ditangguhkan');
      await tx.update(OrganizationEntity, { id: cooperativeId }, { suspended: false, suspendedReason: null });
      await tx.query(
        `UPDATE purchase_order SET attention_reason = NULL WHERE cooperative_id = $1 AND status = 'CONFIRMED'`,
        [cooperativeId],
      );
      await appendAudit(tx, {
        actorUserId: coordinator.userId,
        action: 'cooperative.reinstated',
        entityType: 'Organization',
        entityId: cooperativeId,
        regionCode: cooperative.regionCode,
        before: { suspended: true, reason: cooperative.suspendedReason },
        after: { suspended: false },
      });
      return { ...cooperative, suspended: false, suspendedReason: null };
    });
  }

  /** Every order, kitchen and receipt a lot went to: for recalls after a food-safety incident. */
  async traceLot(
    actor: Actor | null,
    stockLotId: string,
  ): Promise<{ lot: StockLotEntity; deliveries: LotDeliveryRecord[] }> {
    const signedIn = requireActor(actor);
    const lot = await this.dataSource.getRepository(StockLotEntity).findOneBy({ id: stockLotId });
    if (!lot || (signedIn.organizationId !== lot.cooperativeId && !coordinates(signedIn, lot.marketCode))) {
      throw DomainError.notFound('Stock lot', 'Lot stok', { id: stockLotId });
    }
    const lines = await this.orders.linesByStockLotId(stockLotId);
    const orders = new Map(
      (await this.orders.ordersByIds([...new Set(lines.map((l) => l.orderId))])).map((o) => [o.id, o]),
    );
    return { lot, deliveries: lines.map((line) => ({ order: orders.get(line.orderId)!, line })) };
  }

  /** Unsold consignment stock goes back to its consignor; the lot is closed with a record. */
  async returnConsignmentStock(
    actor: Actor | null,
    stockLotId: string,
    note: string,
  ): Promise<StockLotEntity> {
    const operator = requireRole(actor, 'COOPERATIVE_OPERATOR');
    const why = (note ?? '').trim();
    if (why.length === 0 || why.length > 1000) {
      throw DomainError.badInput(
        'note must be 1 to 1000 characters',
        'catatan harus 1 sampai 1000 karakter',
        { field: 'note' },
      );
    }
    return this.dataSource.transaction(async (tx) => {
      const lot = await lockRow(tx, StockLotEntity, stockLotId);
      if (!lot || lot.cooperativeId !== operator.organizationId)
        throw DomainError.notFound('Stock lot', 'Lot stok', { id: stockLotId });
      if (lot.source === 'OWN') {
        throw DomainError.badInput(
          'Only consignment or BUMN stock is returned to a consignor',
          'Hanya stok titipan atau BUMN yang dikembalikan ke penitip',
        );
      }
      if (lot.returnedAt)
        throw DomainError.conflict('The lot was already returned', 'Lot sudah dikembalikan');
      const returnedAt = new Date();
      const standing = await tx.update(
        OfferEntity,
        { stockLotId, status: 'SUBMITTED' },
        { status: 'WITHDRAWN' },
      );
      await tx.update(StockLotEntity, { id: stockLotId }, { returnedAt, returnNote: why });
      await appendAudit(tx, {
        actorUserId: operator.userId,
        action: 'stockLot.returned',
        entityType: 'StockLot',
        entityId: stockLotId,
        regionCode: lot.marketCode,
        after: {
          returnedQuantity: (lot.quantity - lot.reservedQuantity) / 1000,
          consignorId: lot.consignorId,
          note: why,
          offersWithdrawn: standing.affected ?? 0,
        },
      });
      return { ...lot, returnedAt, returnNote: why };
    });
  }
}
