import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { DomainError } from '../../core/src/domain-error.js';
import type { Page, PageRequest } from '../../core/src/pagination.js';
import { isStorableTotal, lineAmount, parseRupiah } from '../../core/src/rupiah.js';
import { appendAudit } from '../../database/src/audit.js';
import { StockLotEntity } from '../../database/src/entities/market.entity.js';
import type { OrderLineEntity, PurchaseOrderEntity } from '../../database/src/entities/orders.entity.js';
import {
  ConsignmentPayableEntity,
  InvoiceEntity,
  PaymentEntity,
  type InvoiceStatus,
  type PayableStatus,
} from '../../database/src/entities/settlement.entity.js';
import { paginate } from '../../database/src/paginate.js';
import {
  coordinates,
  requireActor,
  requireOrganization,
  requireRole,
  type Actor,
} from '../../identity/src/actor.js';
import { restrictListToActor } from '../../identity/src/list-scope.js';
import { invoiceLifecycle, invoiceStatusFor, payableLifecycle } from './invoice-lifecycle.js';
import { lockRow } from '../../database/src/lock-row.js';
import { fundingCycleEnd } from './funding-cycle.js';
import { recordNotificationEvent, recordNotificationEvents } from '../../notify/src/notification-events.js';

const MAX_REFERENCE_LENGTH = 120;
export { FUNDING_CYCLE_DAYS } from './funding-cycle.js';

export interface ConsignorStatement {
  consignorId: string;
  soldQuantity: number;
  owed: bigint;
  paid: bigint;
}

export interface LotMargin {
  stockLotId: string;
  acceptedMilli: number;
  revenue: bigint;
  owedToConsignor: bigint;
  margin: bigint;
}

/** Goods of one Trade Center allotment accepted at the Trade Center. */
export interface TradeSale {
  allotmentId: string;
  stockLotId: string;
  cooperativeId: string;
  marketCode: string;
  acceptedMilli: number;
}

export interface KitchenSpending {
  cycleStart: string;
  cycleEnd: string;
  invoiced: bigint;
  paid: bigint;
  outstanding: bigint;
  /** Value of goods ordered for delivery in the cycle and not yet invoiced. */
  committed: bigint;
}

@Injectable()
export class SettlementService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * On receipt, inside the receipt transaction: the invoice for exactly the accepted goods, and
   * for consigned or BUMN stock a payable to the consignor of accepted quantity x unit cost.
   */
  async settleReceipt(
    tx: EntityManager,
    order: PurchaseOrderEntity,
    lines: OrderLineEntity[],
  ): Promise<InvoiceEntity | null> {
    const total = lines.reduce(
      (sum, line) => sum + lineAmount(line.unitPrice, line.acceptedQuantity ?? 0),
      0n,
    );
    // Never more than its order, which the award kept storable; checked again before it is stored.
    if (!isStorableTotal(total))
      throw new Error(`invoice of order ${order.id}: total ${total} cannot be stored`);
    const lots = new Map(
      (await tx.findBy(StockLotEntity, { id: In([...new Set(lines.map((l) => l.stockLotId))]) })).map(
        (lot) => [lot.id, lot],
      ),
    );
    const payables = lines.flatMap((line) => {
      const lot = lots.get(line.stockLotId);
      const accepted = line.acceptedQuantity ?? 0;
      if (!lot || lot.source === 'OWN' || !lot.consignorId || lot.unitCost === null || accepted === 0)
        return [];
      return [
        {
          consignorId: lot.consignorId,
          cooperativeId: order.cooperativeId,
          stockLotId: lot.id,
          orderLineId: line.id,
          marketCode: order.marketCode,
          quantity: accepted,
          amount: lineAmount(lot.unitCost, accepted),
          status: 'OPEN' as PayableStatus,
          paidAt: null,
          settlementReference: null,
        },
      ];
    });
    if (payables.length > 0) {
      const saved = await tx.save(payables.map((p) => tx.create(ConsignmentPayableEntity, p)));
      await appendAudit(
        tx,
        ...saved.map((payable) => ({
          actorUserId: null,
          action: 'payable.created',
          entityType: 'ConsignmentPayable',
          entityId: payable.id,
          regionCode: order.marketCode,
          after: { status: 'OPEN', amount: payable.amount.toString(), quantity: payable.quantity / 1000 },
        })),
      );
    }
    if (total === 0n) return null; // nothing accepted, nothing owed
    const invoice = await tx.save(
      tx.create(InvoiceEntity, {
        number: order.number.replace(/^PO-/, 'INV-'),
        orderId: order.id,
        cooperativeId: order.cooperativeId,
        kitchenId: order.kitchenId,
        marketCode: order.marketCode,
        total,
        paid: 0n,
        status: 'ISSUED' as InvoiceStatus,
        issuedAt: new Date(),
      }),
    );
    await appendAudit(tx, {
      actorUserId: null,
      action: 'invoice.issued',
      entityType: 'Invoice',
      entityId: invoice.id,
      regionCode: order.marketCode,
      after: { status: 'ISSUED', total: total.toString(), number: invoice.number },
    });
    await recordNotificationEvent(tx, 'INVOICE_ISSUED', invoice.id);
    return invoice;
  }

  /**
   * A Trade Center allotment received at the Trade Center, inside the receipt transaction: for
   * consigned or BUMN stock, a payable to the consignor of accepted quantity x unit cost, as an
   * MBG sale makes one. One payable per allotment (unique), so a repeated receipt cannot owe twice.
   */
  async settleTradeAllotments(
    tx: EntityManager,
    allotments: TradeSale[],
  ): Promise<ConsignmentPayableEntity[]> {
    const sold = allotments.filter((a) => a.acceptedMilli > 0);
    if (sold.length === 0) return [];
    const lots = new Map(
      (await tx.findBy(StockLotEntity, { id: In([...new Set(sold.map((a) => a.stockLotId))]) })).map(
        (lot) => [lot.id, lot],
      ),
    );
    const payables = sold.flatMap((sale) => {
      const lot = lots.get(sale.stockLotId);
      if (!lot || lot.source === 'OWN' || !lot.consignorId || lot.unitCost === null) return [];
      return [
        tx.create(ConsignmentPayableEntity, {
          consignorId: lot.consignorId,
          cooperativeId: sale.cooperativeId,
          stockLotId: lot.id,
          orderLineId: null,
          tradeAllotmentId: sale.allotmentId,
          marketCode: sale.marketCode,
          quantity: sale.acceptedMilli,
          amount: lineAmount(lot.unitCost, sale.acceptedMilli),
          status: 'OPEN' as PayableStatus,
          paidAt: null,
          settlementReference: null,
        }),
      ];
    });
    if (payables.length === 0) return [];
    const saved = await tx.save(payables);
    await appendAudit(
      tx,
      ...saved.map((payable) => ({
        actorUserId: null,
        action: 'payable.created',
        entityType: 'ConsignmentPayable',
        entityId: payable.id,
        regionCode: payable.marketCode,
        after: {
          status: 'OPEN',
          amount: payable.amount.toString(),
          quantity: payable.quantity / 1000,
          tradeAllotmentId: payable.tradeAllotmentId,
        },
      })),
    );
    return saved;
  }

  /** Payables of Trade Center allotments, by allotment id. */
  async payablesByTradeAllotmentIds(ids: readonly string[]): Promise<ConsignmentPayableEntity[]> {
    if (ids.length === 0) return [];
    return this.dataSource.getRepository(ConsignmentPayableEntity).findBy({ tradeAllotmentId: In([...ids]) });
  }

  /** The kitchen pays part or all of what it owes; never more. Concurrent payments serialise on the invoice. */
  async recordPayment(
    actor: Actor | null,
    invoiceId: string,
    amountValue: bigint,
    reference: string,
  ): Promise<InvoiceEntity> {
    const kitchenManager = requireRole(actor, 'KITCHEN_MANAGER');
    const amount = parseRupiah(amountValue, 'amount');
    if (amount === 0n)
      throw DomainError.badInput('amount must be more than zero', 'amount harus lebih dari nol', {
        field: 'amount',
      });
    const trimmed = reference.trim();
    if (trimmed.length === 0 || trimmed.length > MAX_REFERENCE_LENGTH) {
      throw DomainError.badInput(
        `reference must be 1 to ${MAX_REFERENCE_LENGTH} characters (e.g. the bank transfer number)`,
        `reference harus 1 sampai ${MAX_REFERENCE_LENGTH} karakter (mis. nomor transfer bank)`,
        { field: 'reference' },
      );
    }
    return this.dataSource.transaction(async (tx) => {
      const invoice = await lockRow(tx, InvoiceEntity, invoiceId);
      if (!invoice || invoice.kitchenId !== kitchenManager.organizationId)
        throw DomainError.notFound('Invoice', 'Faktur', { id: invoiceId });
      const owed = invoice.total - invoice.paid;
      if (invoice.status === 'PAID') invoiceLifecycle.assertMove('PAID', 'PAID');
      if (amount > owed) {
        throw DomainError.badInput(
          `The payment (Rp${amount}) is more than is owed (Rp${owed})`,
          `Pembayaran (Rp${amount}) melebihi sisa tagihan (Rp${owed})`,
          { field: 'amount', owed: owed.toString() },
        );
      }
      const paid = invoice.paid + amount;
      const status = invoiceStatusFor(invoice.total, paid);
      invoiceLifecycle.assertMove(invoice.status, status);
      const payment = await tx.insert(PaymentEntity, {
        invoiceId,
        amount,
        reference: trimmed,
        recordedBy: kitchenManager.userId,
      });
      await recordNotificationEvent(tx, 'PAYMENT_RECEIVED', payment.identifiers[0]!['id'] as string);
      await tx.update(InvoiceEntity, { id: invoiceId }, { paid, status });
      await appendAudit(tx, {
        actorUserId: kitchenManager.userId,
        action: 'payment.recorded',
        entityType: 'Invoice',
        entityId: invoiceId,
        regionCode: invoice.marketCode,
        before: { status: invoice.status, paid: invoice.paid.toString() },
        after: { status, paid: paid.toString(), amount: amount.toString(), reference: trimmed },
      });
      return { ...invoice, paid, status };
    });
  }

  async invoices(
    actor: Actor | null,
    status: InvoiceStatus | null,
    page: PageRequest,
  ): Promise<Page<InvoiceEntity>> {
    const signedIn = requireActor(actor);
    const query = this.dataSource.getRepository(InvoiceEntity).createQueryBuilder('invoice');
    restrictListToActor(query, signedIn, {
      market: 'invoice.market_code',
      kitchen: 'invoice.kitchen_id',
      cooperative: 'invoice.cooperative_id',
    });
    if (status) query.andWhere('invoice.status = :status', { status });
    return paginate(query, { column: 'invoice.issued_at', id: 'invoice.id', direction: 'DESC' }, page);
  }

  async invoicesByIds(ids: readonly string[]): Promise<InvoiceEntity[]> {
    return this.dataSource.getRepository(InvoiceEntity).findBy({ id: In([...ids]) });
  }

  async consignmentPayables(
    actor: Actor | null,
    status: PayableStatus | null,
    page: PageRequest,
  ): Promise<Page<ConsignmentPayableEntity>> {
    const signedIn = requireActor(actor);
    const query = this.dataSource.getRepository(ConsignmentPayableEntity).createQueryBuilder('payable');
    if (signedIn.role === 'KITCHEN_MANAGER' || signedIn.role === 'TRADE_CENTER_OFFICER') {
      throw DomainError.forbidden(
        'Consignment payables are for cooperatives and coordinators',
        'Utang konsinyasi hanya untuk koperasi dan koordinator',
      );
    }
    if (signedIn.role === 'COOPERATIVE_OPERATOR') requireOrganization(signedIn);
    restrictListToActor(query, signedIn, {
      market: 'payable.market_code',
      cooperative: 'payable.cooperative_id',
    });
    // The contract's ConsignmentPayable has a non-null orderLine: Trade Center payables (no order
    // line) are listed on their allotment instead, and counted in consignorStatements.
    query.andWhere('payable.order_line_id IS NOT NULL');
    if (status) query.andWhere('payable.status = :status', { status });
    return paginate(query, { column: 'payable.created_at', id: 'payable.id', direction: 'DESC' }, page);
  }

  /** The cooperative pays its consignors: every payable must be its own and still open. */
  async settleConsignment(
    actor: Actor | null,
    payableIds: string[],
    reference: string,
  ): Promise<ConsignmentPayableEntity[]> {
    const operator = requireRole(actor, 'COOPERATIVE_OPERATOR');
    const cooperativeId = requireOrganization(operator);
    const ids = [...new Set(payableIds)];
    if (ids.length === 0 || ids.length > 200) {
      throw DomainError.badInput(
        'Give 1 to 200 payables to settle',
        'Berikan 1 sampai 200 utang untuk dilunasi',
        { field: 'payableIds' },
      );
    }
    const trimmed = reference.trim();
    if (trimmed.length === 0 || trimmed.length > MAX_REFERENCE_LENGTH) {
      throw DomainError.badInput(
        `reference must be 1 to ${MAX_REFERENCE_LENGTH} characters`,
        `reference harus 1 sampai ${MAX_REFERENCE_LENGTH} karakter`,
        {
          field: 'reference',
        },
      );
    }
    return this.dataSource.transaction(async (tx) => {
      const payables = await tx
        .getRepository(ConsignmentPayableEntity)
        .createQueryBuilder('payable')
        .setLock('pessimistic_write')
        .where('payable.id IN (:...ids)', { ids })
        .orderBy('payable.id')
        .getMany();
      const found = new Map(payables.map((p) => [p.id, p]));
      for (const id of ids) {
        const payable = found.get(id);
        if (!payable || payable.cooperativeId !== cooperativeId)
          throw DomainError.notFound('Consignment payable', 'Utang konsinyasi', { id });
        payableLifecycle.assertMove(payable.status, 'PAID');
      }
      const paidAt = new Date();
      await tx.update(
        ConsignmentPayableEntity,
        { id: In(ids) },
        { status: 'PAID', paidAt, settlementReference: trimmed },
      );
      await appendAudit(
        tx,
        ...payables.map((payable) => ({
          actorUserId: operator.userId,
          action: 'payable.settled',
          entityType: 'ConsignmentPayable',
          entityId: payable.id,
          regionCode: payable.marketCode,
          before: { status: payable.status },
          after: { status: 'PAID', reference: trimmed, amount: payable.amount.toString() },
        })),
      );
      await recordNotificationEvents(tx, 'PAYABLE_SETTLED', ids);
      return payables.map((payable) => ({
        ...payable,
        status: 'PAID' as PayableStatus,
        paidAt,
        settlementReference: trimmed,
      }));
    });
  }

  /** Sold, owed and paid per consignor, for the cooperative's own books. */
  async consignorStatements(actor: Actor | null): Promise<ConsignorStatement[]> {
    const operator = requireRole(actor, 'COOPERATIVE_OPERATOR');
    const rows: { consignor_id: string; sold: string; owed: string; paid: string }[] =
      await this.dataSource.query(
        `SELECT consignor_id, sum(quantity)::text AS sold,
              sum(amount) FILTER (WHERE status = 'OPEN')::text AS owed,
              sum(amount) FILTER (WHERE status = 'PAID')::text AS paid
         FROM consignment_payable WHERE cooperative_id = $1 GROUP BY consignor_id ORDER BY consignor_id`,
        [requireOrganization(operator)],
      );
    return rows.map((row) => ({
      consignorId: row.consignor_id,
      soldQuantity: Number(row.sold),
      owed: BigInt(row.owed ?? '0'),
      paid: BigInt(row.paid ?? '0'),
    }));
  }

  /** What each consigned lot earned the cooperative: revenue of accepted goods minus what it owes for them. */
  async lotMargins(actor: Actor | null): Promise<LotMargin[]> {
    const operator = requireRole(actor, 'COOPERATIVE_OPERATOR');
    const rows: { stock_lot_id: string; unit_price: string; accepted: string; owed: string }[] =
      await this.dataSource.query(
        `SELECT l.stock_lot_id, l.unit_price::text, l.accepted_quantity::text AS accepted, p.amount::text AS owed
         FROM consignment_payable p JOIN order_line l ON l.id = p.order_line_id
        WHERE p.cooperative_id = $1 ORDER BY l.stock_lot_id, l.id`,
        [requireOrganization(operator)],
      );
    const margins = new Map<string, LotMargin>();
    for (const row of rows) {
      const accepted = Math.round(Number(row.accepted) * 1000);
      const margin = margins.get(row.stock_lot_id) ?? {
        stockLotId: row.stock_lot_id,
        acceptedMilli: 0,
        revenue: 0n,
        owedToConsignor: 0n,
        margin: 0n,
      };
      margin.acceptedMilli += accepted;
      margin.revenue += lineAmount(BigInt(row.unit_price), accepted);
      margin.owedToConsignor += BigInt(row.owed);
      margin.margin = margin.revenue - margin.owedToConsignor;
      margins.set(row.stock_lot_id, margin);
    }
    return [...margins.values()];
  }

  /** The kitchen's ingredient spend in the 10-day funding cycle that contains `onDate`. */
  async kitchenSpending(actor: Actor | null, cycleStart: string): Promise<KitchenSpending> {
    const kitchenManager = requireRole(actor, 'KITCHEN_MANAGER');
    const kitchenId = requireOrganization(kitchenManager);
    const cycleEnd = fundingCycleEnd(cycleStart);
    const [invoiced] = (await this.dataSource.query(
      `SELECT coalesce(sum(i.total), 0)::text AS invoiced, coalesce(sum(i.paid), 0)::text AS paid
         FROM invoice i JOIN purchase_order o ON o.id = i.order_id
        WHERE i.kitchen_id = $1 AND o.delivery_date BETWEEN $2 AND $3`,
      [kitchenId, cycleStart, cycleEnd],
    )) as { invoiced: string; paid: string }[];
    const [committed] = (await this.dataSource.query(
      `SELECT coalesce(sum(o.total), 0)::text AS committed FROM purchase_order o
        WHERE o.kitchen_id = $1 AND o.delivery_date BETWEEN $2 AND $3 AND o.status IN ('CONFIRMED', 'DISPATCHED')`,
      [kitchenId, cycleStart, cycleEnd],
    )) as { committed: string }[];
    const invoicedTotal = BigInt(invoiced!.invoiced);
    const paid = BigInt(invoiced!.paid);
    return {
      cycleStart,
      cycleEnd,
      invoiced: invoicedTotal,
      paid,
      outstanding: invoicedTotal - paid,
      committed: BigInt(committed!.committed),
    };
  }

  async payablesByIds(ids: readonly string[]): Promise<ConsignmentPayableEntity[]> {
    return this.dataSource.getRepository(ConsignmentPayableEntity).findBy({ id: In([...ids]) });
  }

  canSeeInvoice(actor: Actor, invoice: InvoiceEntity): boolean {
    return (
      actor.organizationId === invoice.kitchenId ||
      actor.organizationId === invoice.cooperativeId ||
      coordinates(actor, invoice.marketCode)
    );
  }
}
