import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { DomainError } from '../../core/src/domain-error.js';
import { quantityToMilli } from '../../core/src/quantity.js';
import { appendAudit } from '../../database/src/audit.js';
import {
  OrderLineEntity,
  PurchaseOrderEntity,
  type OrderStatus,
} from '../../database/src/entities/orders.entity.js';
import { ShortfallEntity } from '../../database/src/entities/settlement.entity.js';
import { requireOrganization, requireRole, type Actor } from '../../identity/src/actor.js';
import { enqueueInTransaction } from '../../jobs/src/outbox.js';
import { JOB_RESOLVE_SHORTFALL, jobIds } from '../../jobs/src/job-types.js';
import { SettlementService } from '../../settlement/src/settlement.service.js';
import { orderLifecycle } from './order-lifecycle.js';
import { releaseOrderReservations } from './reservations.js';
import { StockLedgerService } from '../../market/src/stock-ledger.service.js';
import { lockRow } from '../../database/src/lock-row.js';
import { MarketActivity, marketEvents } from '../../live/src/market-activity.service.js';
import { recordNotificationEvent } from '../../notify/src/notification-events.js';

export interface ReceiptLineInput {
  orderLineId: string;
  acceptedQuantity: number;
  rejectedQuantity: number;
  rejectionReason?: string | null;
}

export interface InspectionInput {
  inspectorName: string;
  temperatureCelsius?: number | null;
  photoUrl?: string | null;
  notes?: string | null;
}

export interface ReceiveOrderInput {
  orderId: string;
  lines: ReceiptLineInput[];
  inspection?: InspectionInput | null;
}

/**
 * What happens to an order after the award: the cooperative dispatches or declines it, the
 * kitchen inspects it on receipt. Each step locks the order row, so a decline racing a
 * dispatch ends in exactly one of them; a receipt issues the invoice and consignment
 * payables in the same transaction, and declined or rejected quantity becomes a shortfall
 * the worker re-awards.
 */
@Injectable()
export class FulfilmentLifecycleService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settlement: SettlementService,
    private readonly ledger: StockLedgerService,
    private readonly live: MarketActivity,
  ) {}

  async dispatchOrder(actor: Actor | null, orderId: string): Promise<PurchaseOrderEntity> {
    const operator = requireRole(actor, 'COOPERATIVE_OPERATOR');
    const changed = this.dataSource.transaction(async (tx) => {
      const order = await this.lockOwnOrder(tx, orderId, 'cooperative', requireOrganization(operator));
      orderLifecycle.assertMove(order.status, 'DISPATCHED');
      const dispatchedAt = new Date();
      await tx.update(PurchaseOrderEntity, { id: orderId }, { status: 'DISPATCHED', dispatchedAt });
      await this.audit(tx, operator, order, 'order.dispatched', { status: 'DISPATCHED' });
      await recordNotificationEvent(tx, 'ORDER_DISPATCHED', order.id);
      return { ...order, status: 'DISPATCHED' as OrderStatus, dispatchedAt };
    });
    return this.live.after(changed, (order) => marketEvents.orderStatus(order));
  }

  async declineOrder(actor: Actor | null, orderId: string, reason: string): Promise<PurchaseOrderEntity> {
    const operator = requireRole(actor, 'COOPERATIVE_OPERATOR');
    const why = requireText(reason, 'reason', 1000);
    const changed = this.dataSource.transaction(async (tx) => {
      const order = await this.lockOwnOrder(tx, orderId, 'cooperative', requireOrganization(operator));
      orderLifecycle.assertMove(order.status, 'DECLINED');
      await tx.update(PurchaseOrderEntity, { id: orderId }, { status: 'DECLINED', declineReason: why });
      // The promised stock is free again, and each line needs its quantity from someone else.
      const lines = await releaseOrderReservations(this.ledger, tx, orderId);
      await this.ledger.unaward(
        tx,
        lines.map((line) => ({ demandLineId: line.demandLineId, milli: line.quantity })),
      );
      for (const line of lines) {
        await this.recordShortfall(
          tx,
          'DECLINE',
          order.id,
          line,
          order.cooperativeId,
          line.quantity,
          order.marketCode,
        );
      }
      await this.audit(tx, operator, order, 'order.declined', { status: 'DECLINED', reason: why });
      await recordNotificationEvent(tx, 'ORDER_DECLINED', order.id);
      return { ...order, status: 'DECLINED' as OrderStatus, declineReason: why };
    });
    return this.live.after(changed, (order) => marketEvents.orderStatus(order));
  }

  async receiveOrder(actor: Actor | null, input: ReceiveOrderInput): Promise<PurchaseOrderEntity> {
    const kitchenManager = requireRole(actor, 'KITCHEN_MANAGER');
    const inspection = validateInspection(input.inspection ?? null);
    if (!Array.isArray(input.lines) || input.lines.length === 0 || input.lines.length > 200) {
      throw DomainError.badInput(
        'Give a receipt line for every order line',
        'Isi baris penerimaan untuk setiap baris pesanan',
        { field: 'lines' },
      );
    }
    const receipt = input.lines.map((line, index) => {
      const accepted = quantityToMilli(line.acceptedQuantity, `lines[${index}].acceptedQuantity`, true);
      const rejected = quantityToMilli(line.rejectedQuantity, `lines[${index}].rejectedQuantity`, true);
      const reason = line.rejectionReason?.trim() || null;
      if (rejected > 0 && !reason) {
        throw DomainError.badInput(
          `Line ${index + 1}: say why goods were rejected`,
          `Baris ${index + 1}: sebutkan alasan barang ditolak`,
          { field: 'rejectionReason', index },
        );
      }
      if (reason && reason.length > 1000) {
        throw DomainError.badInput('rejectionReason is too long', 'rejectionReason terlalu panjang', {
          field: 'rejectionReason',
          index,
        });
      }
      return { orderLineId: line.orderLineId, accepted, rejected, reason, index };
    });
    const changed = this.dataSource.transaction(async (tx) => {
      const order = await this.lockOwnOrder(
        tx,
        input.orderId,
        'kitchen',
        requireOrganization(kitchenManager),
      );
      if (order.status === 'CONFIRMED') {
        throw DomainError.conflict('The order has not been dispatched yet', 'Pesanan belum dikirim');
      }
      orderLifecycle.assertMove(order.status, 'RECEIVED');
      const lines = await tx.find(OrderLineEntity, { where: { orderId: order.id }, order: { id: 'ASC' } });
      const byId = new Map(lines.map((line) => [line.id, line]));
      const seen = new Set<string>();
      for (const entry of receipt) {
        const line = byId.get(entry.orderLineId);
        if (!line) {
          throw DomainError.badInput(
            `Line ${entry.index + 1} is not a line of this order`,
            `Baris ${entry.index + 1} bukan baris pesanan ini`,
            { field: 'orderLineId', index: entry.index },
          );
        }
        if (seen.has(line.id)) {
          throw DomainError.badInput(
            `Line ${entry.index + 1} appears twice`,
            `Baris ${entry.index + 1} muncul dua kali`,
            { index: entry.index },
          );
        }
        seen.add(line.id);
        if (entry.accepted + entry.rejected !== line.quantity) {
          throw DomainError.badInput(
            `Line ${entry.index + 1}: accepted + rejected must equal the ordered ${line.quantity / 1000}`,
            `Baris ${entry.index + 1}: diterima + ditolak harus sama dengan jumlah pesanan ${line.quantity / 1000}`,
            { field: 'acceptedQuantity', index: entry.index },
          );
        }
      }
      if (seen.size !== lines.length) {
        throw DomainError.badInput(
          'Every order line needs a receipt line',
          'Setiap baris pesanan perlu baris penerimaan',
          { field: 'lines' },
        );
      }
      const receivedAt = new Date();
      const late = receivedAt.getTime() > order.deliverBy.getTime();
      for (const entry of receipt) {
        await tx.update(
          OrderLineEntity,
          { id: entry.orderLineId },
          {
            acceptedQuantity: entry.accepted,
            rejectedQuantity: entry.rejected,
            rejectionReason: entry.reason,
          },
        );
        const line = byId.get(entry.orderLineId)!;
        line.acceptedQuantity = entry.accepted;
        line.rejectedQuantity = entry.rejected;
        line.rejectionReason = entry.reason;
        if (entry.rejected > 0) {
          await this.ledger.unaward(tx, [{ demandLineId: line.demandLineId, milli: entry.rejected }]);
          await this.recordShortfall(
            tx,
            'REJECTION',
            line.id,
            line,
            order.cooperativeId,
            entry.rejected,
            order.marketCode,
          );
        }
      }
      const receiptFields = {
        status: 'RECEIVED' as OrderStatus,
        receivedAt,
        late,
        inspectorName: inspection?.inspectorName ?? null,
        temperatureCelsius: inspection?.temperatureCelsius ?? null,
        photoUrl: inspection?.photoUrl ?? null,
        inspectionNotes: inspection?.notes ?? null,
      };
      await tx.update(PurchaseOrderEntity, { id: order.id }, receiptFields);
      const received = { ...order, ...receiptFields };
      await this.settlement.settleReceipt(tx, received, lines);
      await recordNotificationEvent(tx, 'ORDER_RECEIVED', order.id);
      await this.audit(tx, kitchenManager, order, 'order.received', {
        status: 'RECEIVED',
        late,
        accepted: receipt.reduce((sum, e) => sum + e.accepted, 0) / 1000,
        rejected: receipt.reduce((sum, e) => sum + e.rejected, 0) / 1000,
      });
      return received;
    });
    return this.live.after(changed, (order) => marketEvents.orderStatus(order));
  }

  private async recordShortfall(
    tx: EntityManager,
    source: 'DECLINE' | 'REJECTION',
    sourceId: string,
    line: OrderLineEntity,
    cooperativeId: string,
    quantity: number,
    marketCode: string,
  ): Promise<void> {
    const shortfall = await tx.save(
      tx.create(ShortfallEntity, {
        source,
        sourceId,
        demandLineId: line.demandLineId,
        excludedCooperativeId: cooperativeId,
        quantity,
        status: 'PENDING',
        reawardedQuantity: 0,
        retenderDemandId: null,
        outcome: null,
      }),
    );
    await enqueueInTransaction(tx, {
      name: JOB_RESOLVE_SHORTFALL,
      jobId: jobIds.resolveShortfall(shortfall.id),
      payload: { v: 1, shortfallId: shortfall.id },
      marketCode,
    });
    await recordNotificationEvent(tx, 'SHORTFALL', shortfall.id);
  }

  private async lockOwnOrder(
    tx: EntityManager,
    orderId: string,
    side: 'kitchen' | 'cooperative',
    organizationId: string,
  ): Promise<PurchaseOrderEntity> {
    const order = await lockRow(tx, PurchaseOrderEntity, orderId);
    const owner = side === 'kitchen' ? order?.kitchenId : order?.cooperativeId;
    if (!order || owner !== organizationId)
      throw DomainError.notFound('Purchase order', 'Pesanan pembelian', { id: orderId });
    return order;
  }

  private async audit(
    tx: EntityManager,
    actor: Actor,
    order: PurchaseOrderEntity,
    action: string,
    after: Record<string, unknown>,
  ): Promise<void> {
    await appendAudit(tx, {
      actorUserId: actor.userId,
      action,
      entityType: 'PurchaseOrder',
      entityId: order.id,
      regionCode: order.marketCode,
      before: { status: order.status },
      after,
    });
  }
}

function requireText(value: string, field: string, max: number): string {
  const trimmed = (value ?? '').trim();
  if (trimmed.length === 0 || trimmed.length > max) {
    throw DomainError.badInput(
      `${field} must be 1 to ${max} characters`,
      `${field} harus 1 sampai ${max} karakter`,
      { field },
    );
  }
  return trimmed;
}

function validateInspection(inspection: InspectionInput | null): InspectionInput | null {
  if (!inspection) return null;
  const inspectorName = requireText(inspection.inspectorName, 'inspectorName', 200);
  const temperature = inspection.temperatureCelsius;
  if (
    temperature !== null &&
    temperature !== undefined &&
    (!Number.isFinite(temperature) || temperature < -40 || temperature > 100)
  ) {
    throw DomainError.badInput(
      'temperatureCelsius must be between -40 and 100',
      'temperatureCelsius harus antara -40 dan 100',
      {
        field: 'temperatureCelsius',
      },
    );
  }
  if (inspection.photoUrl && inspection.photoUrl.length > 500) {
    throw DomainError.badInput('photoUrl is too long', 'photoUrl terlalu panjang', { field: 'photoUrl' });
  }
  if (inspection.notes && inspection.notes.length > 2000) {
    throw DomainError.badInput('notes are too long', 'notes terlalu panjang', { field: 'notes' });
  }
  return { ...inspection, inspectorName };
}
