import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, In, type EntityManager } from 'typeorm';
import {
  evaluateBatch,
  type AwardInput,
  type AwardResult,
  type OfferEvaluationResult,
} from '../../award/src/index.js';
import { formatRupiah, isStorableTotal, lineAmount, MAX_DOCUMENT_TOTAL } from '../../core/src/rupiah.js';
import { appendAudit, returnedRows, type AuditRecord } from '../../database/src/audit.js';
import { AlertEntity } from '../../database/src/entities/settlement.entity.js';
import {
  DemandLineEntity,
  DemandRequestEntity,
  MarketBatchEntity,
  OfferEntity,
  type DemandStatus,
  type OfferStatus,
} from '../../database/src/entities/market.entity.js';
import type { PurchaseOrderEntity } from '../../database/src/entities/orders.entity.js';
import { OrdersService, type AwardedOrder } from '../../orders/src/orders.service.js';
import { demandLifecycle, offerLifecycle } from './lifecycle.js';
import { lockRow } from '../../database/src/lock-row.js';
import { milliToDecimalText } from '../../core/src/quantity.js';
import { AwardInputBuilder } from './award-input.builder.js';
import { StockLedgerService } from './stock-ledger.service.js';
import { MarketActivity, marketEvents } from '../../live/src/market-activity.service.js';
import { recordNotificationEvent } from '../../notify/src/notification-events.js';
import { recordAlertEvents } from '../../notify/src/notification-events.js';

export interface EvaluationSummary {
  batchId: string;
  evaluated: boolean;
  demands: number;
  offers: number;
  orders: number;
  engineMs: number;
}

/** A test hook: throw at a named step to prove a job killed half-way leaves nothing behind. */
export type FailPoint = 'after-evaluations' | 'after-orders' | null;

/**
 * The evaluate-market job: one transaction loads the batch's lines, offers and lots (lots
 * locked in id order, so two batches sharing a lot take turns), runs the pure award engine,
 * and writes evaluations, offer and demand outcomes, reservations and confirmed orders.
 * A second run finds no demand left EVALUATING in the batch and does nothing.
 */
@Injectable()
export class MarketEvaluationService {
  private readonly logger = new Logger(MarketEvaluationService.name);
  failPoint: FailPoint = null;
  /** A test hook: awaited at a named step, so a test can act (e.g. suspend) while evaluation runs. */
  pauseHook: ((step: 'loaded' | 'engine-ran') => Promise<void>) | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly awardInput: AwardInputBuilder,
    private readonly ledger: StockLedgerService,
    private readonly orders: OrdersService,
    private readonly live: MarketActivity,
  ) {}

  async evaluateBatch(batchId: string): Promise<EvaluationSummary> {
    const began = performance.now();
    const evaluated: { batch?: MarketBatchEntity; confirmed?: PurchaseOrderEntity[] } = {};
    const evaluation = this.dataSource.transaction(async (tx) => {
      const batch = await lockRow(tx, MarketBatchEntity, batchId);
      if (!batch) throw new Error(`evaluate-market: batch ${batchId} does not exist`);
      const demands = await tx
        .getRepository(DemandRequestEntity)
        .createQueryBuilder('demand')
        .setLock('pessimistic_write')
        .where('demand.batch_id = :batchId', { batchId })
        .andWhere(`demand.status = 'EVALUATING'`)
        .orderBy('demand.created_at')
        .addOrderBy('demand.id')
        .getMany();
      if (demands.length === 0)
        return { batchId, evaluated: false, demands: 0, offers: 0, orders: 0, engineMs: 0 };

      const lines = await tx.find(DemandLineEntity, {
        where: { demandId: In(demands.map((d) => d.id)) },
        order: { lineNo: 'ASC' },
      });
      const loadedOffers = await tx.find(OfferEntity, {
        where: { demandLineId: In(lines.map((l) => l.id)), status: 'SUBMITTED' },
        order: { createdAt: 'ASC', id: 'ASC' },
      });
      await this.pauseHook?.('loaded');
      const built = await this.awardInput.build(tx, {
        marketCode: batch.marketCode,
        demands,
        lines,
        offers: loadedOffers,
      });
      const offers = built.offers;
      const started = performance.now();
      let input = built.input;
      let result = evaluateBatch(input);
      // A demand whose orders could not be stored (a total beyond what money columns and the API
      // carry) fails alone: it is left out and the engine runs again for the others.
      const unwritable = new Set<string>();
      for (
        let found = unwritableDemands(result, lines);
        found.length > 0;
        found = unwritableDemands(result, lines)
      ) {
        for (const id of found) unwritable.add(id);
        const keptLines = new Set(input.lines.filter((l) => !unwritable.has(l.demandId)).map((l) => l.id));
        input = {
          ...input,
          lines: input.lines.filter((l) => keptLines.has(l.id)),
          offers: input.offers.filter((o) => keptLines.has(o.lineId)),
        };
        result = evaluateBatch(input);
      }
      const engineMs = performance.now() - started;
      await this.pauseHook?.('engine-ran');

      const failed = offers.filter((o) => unwritable.has(o.demandId));
      await this.writeEvaluations(tx, batchId, result, failed);
      if (this.failPoint === 'after-evaluations') throw new Error('fail point: after-evaluations');
      const confirmed = await this.writeAwards(tx, batch, demands, lines, offers, result, unwritable);
      const orders = confirmed.length;
      if (this.failPoint === 'after-orders') throw new Error('fail point: after-orders');
      await recordNotificationEvent(tx, 'OFFER_AWARDED', batchId);

      await tx.update(
        MarketBatchEntity,
        { id: batchId },
        {
          status: 'EVALUATED',
          engineVersion: result.engineVersion,
          inputHash: hashInput(input),
          solverStatus: result.path,
          objective: result.objective,
          evaluatedAt: new Date(),
        },
      );
      this.logger.log(
        `Batch ${batchId} (${batch.marketCode} ${batch.deliveryDate}): ${demands.length} demands, ${offers.length} offers, ${orders} orders, engine ${engineMs.toFixed(1)} ms, loaded in ${(started - began).toFixed(0)} ms, written in ${(performance.now() - started - engineMs).toFixed(0)} ms`,
      );
      evaluated.batch = batch;
      evaluated.confirmed = confirmed;
      return { batchId, evaluated: true, demands: demands.length, offers: offers.length, orders, engineMs };
    });
    return this.live.after(evaluation, (summary) =>
      summary.evaluated && evaluated.batch
        ? [
            marketEvents.awarded(evaluated.batch, summary),
            ...(evaluated.confirmed ?? []).map((order) => marketEvents.orderStatus(order)),
          ]
        : null,
    );
  }

  /**
   * One INSERT … SELECT FROM unnest(arrays): a day's thousands of evaluations in a single
   * statement with 15 parameters, instead of an ORM insert that builds a query per value.
   */
  private async writeEvaluations(
    tx: EntityManager,
    batchId: string,
    result: AwardResult,
    failed: OfferEntity[],
  ): Promise<void> {
    const rows = [...result.evaluations, ...failed.map(totalTooLarge)];
    if (rows.length === 0) return;
    await tx.query(
      `INSERT INTO offer_evaluation (batch_id, offer_id, demand_line_id, valid, invalid_reason, unawarded_reason,
              price_score, quality_score, distance_score, reliability_score, total, rank, awarded_quantity,
              explanation_en, explanation_id)
       SELECT $1, * FROM unnest($2::uuid[], $3::uuid[], $4::boolean[], $5::varchar[], $6::varchar[],
              $7::float8[], $8::float8[], $9::float8[], $10::float8[], $11::float8[], $12::int[], $13::numeric[],
              $14::text[], $15::text[])`,
      [
        batchId,
        rows.map((e) => e.offerId),
        rows.map((e) => e.lineId),
        rows.map((e) => e.valid),
        rows.map((e) => e.invalidReason),
        rows.map((e) => e.unawardedReason),
        rows.map((e) => e.priceScore),
        rows.map((e) => e.qualityScore),
        rows.map((e) => e.distanceScore),
        rows.map((e) => e.reliabilityScore),
        rows.map((e) => e.total),
        rows.map((e) => e.rank),
        rows.map((e) => milliToDecimalText(e.awardedMilli)),
        rows.map((e) => e.explanation.en),
        rows.map((e) => e.explanation.id),
      ],
    );
  }

  private async writeAwards(
    tx: EntityManager,
    batch: MarketBatchEntity,
    demands: DemandRequestEntity[],
    lines: DemandLineEntity[],
    offers: OfferEntity[],
    result: AwardResult,
    unwritable: Set<string>,
  ): Promise<PurchaseOrderEntity[]> {
    const audit: AuditRecord[] = [];
    const offerById = new Map(offers.map((o) => [o.id, o]));
    const lineById = new Map(lines.map((l) => [l.id, l]));
    const demandById = new Map(demands.map((d) => [d.id, d]));

    // Offers: each one ends the bidding in exactly one outcome, moved only from the state it
    // still holds (a row-count check: a change that slipped in aborts and the job retries).
    const awardedByOffer = new Map(result.allocations.map((a) => [a.offerId, a.quantityMilli]));
    const byStatus = new Map<OfferStatus, string[]>();
    const outcomes: { offer: OfferEntity; status: OfferStatus; awarded: number }[] = [
      ...result.evaluations.map((evaluation) => {
        const offer = offerById.get(evaluation.offerId)!;
        const awarded = awardedByOffer.get(offer.id) ?? 0;
        const status: OfferStatus = !evaluation.valid
          ? 'INVALID'
          : awarded === 0
            ? 'NOT_AWARDED'
            : awarded >= offer.quantity
              ? 'AWARDED'
              : 'PARTIALLY_AWARDED';
        return { offer, status, awarded };
      }),
      ...offers
        .filter((o) => unwritable.has(o.demandId))
        .map((offer) => ({ offer, status: 'INVALID' as OfferStatus, awarded: 0 })),
    ];
    for (const { offer, status, awarded } of outcomes) {
      offerLifecycle.assertMove(offer.status, status);
      byStatus.set(status, [...(byStatus.get(status) ?? []), offer.id]);
      audit.push({
        actorUserId: null,
        action: `offer.${status.toLowerCase()}`,
        entityType: 'Offer',
        entityId: offer.id,
        regionCode: batch.marketCode,
        before: { status: offer.status },
        after: { status, awardedQuantity: awarded / 1000 },
      });
    }
    for (const [status, ids] of byStatus) {
      const moved = returnedRows<{ id: string }>(
        await tx.query(
          `UPDATE offer SET status = $1 WHERE id = ANY($2::uuid[]) AND status = 'SUBMITTED' RETURNING id`,
          [status, ids],
        ),
      );
      if (moved.length !== ids.length) {
        throw new Error(
          `${ids.length - moved.length} offer(s) changed state during evaluation: evaluation retried`,
        );
      }
    }

    // Reservations and awarded quantities through the ledger: one checked statement each.
    await this.ledger.reserve(
      tx,
      result.allocations.map((a) => ({ stockLotId: a.stockLotId, milli: a.quantityMilli })),
    );
    await this.ledger.award(
      tx,
      result.allocations.map((a) => ({ demandLineId: a.lineId, milli: a.quantityMilli })),
    );

    // Demand outcomes; a demand whose orders could not be stored ends UNFILLED and is alerted.
    const awardedByLine = new Map(result.lines.map((l) => [l.lineId, l.awardedMilli]));
    for (const demand of demands) {
      const own = lines.filter((l) => l.demandId === demand.id);
      const full = own.every((l) => (awardedByLine.get(l.id) ?? 0) >= l.quantity);
      const none = own.every((l) => (awardedByLine.get(l.id) ?? 0) === 0);
      const status: DemandStatus = unwritable.has(demand.id)
        ? 'UNFILLED'
        : full
          ? 'AWARDED'
          : none
            ? 'UNFILLED'
            : 'PARTIALLY_AWARDED';
      demandLifecycle.assertMove(demand.status, status);
      if (unwritable.has(demand.id)) await this.alertUnwritable(tx, demand);
      await tx.update(DemandRequestEntity, { id: demand.id }, { status });
      audit.push({
        actorUserId: null,
        action: `demand.${status.toLowerCase()}`,
        entityType: 'DemandRequest',
        entityId: demand.id,
        regionCode: batch.marketCode,
        before: { status: demand.status },
        after: { status },
      });
    }

    // Orders: one per kitchen x cooperative x demand.
    const grouped = new Map<string, AwardedOrder>();
    for (const allocation of result.allocations) {
      const line = lineById.get(allocation.lineId)!;
      const demand = demandById.get(line.demandId)!;
      const key = `${demand.id}/${allocation.cooperativeId}`;
      let order = grouped.get(key);
      if (!order) {
        order = {
          demandId: demand.id,
          kitchenId: demand.kitchenId,
          cooperativeId: allocation.cooperativeId,
          marketCode: batch.marketCode,
          batchId: batch.id,
          deliveryDate: demand.deliveryDate,
          deliverBy: demand.deliverBy,
          lines: [],
        };
        grouped.set(key, order);
      }
      order.lines.push({
        demandLineId: line.id,
        offerId: allocation.offerId,
        commodityCode: line.commodityCode,
        stockLotId: allocation.stockLotId,
        quantityMilli: allocation.quantityMilli,
        unitPrice: allocation.unitPrice,
      });
    }
    const created = await this.orders.createConfirmedOrders(tx, [...grouped.values()]);
    await appendAudit(tx, ...audit);
    return created;
  }

  private async alertUnwritable(tx: EntityManager, demand: DemandRequestEntity): Promise<void> {
    await recordAlertEvents(
      tx,
      await tx.insert(AlertEntity, {
        regionCode: demand.marketCode,
        kind: 'AWARD_TOTAL_TOO_LARGE',
        entityId: demand.id,
        messageEn: `Demand ${demand.id} for ${demand.deliveryDate} was not awarded: its orders would exceed ${formatRupiah(MAX_DOCUMENT_TOTAL)} (an absurd price or quantity). The other demands of the market were evaluated; check the offers and re-post the demand.`,
        messageId: `Permintaan ${demand.id} untuk ${demand.deliveryDate} tidak dianugerahkan: pesanannya akan melebihi ${formatRupiah(MAX_DOCUMENT_TOTAL)} (harga atau jumlah tidak wajar). Permintaan lain di pasar ini tetap dievaluasi; periksa penawarannya dan ajukan ulang permintaan.`,
      }),
    );
  }
}

/**
 * Demands for which some kitchen x cooperative order of this result would exceed the largest
 * storable total (or a line amount would): they cannot be written and must fail alone.
 */
export function unwritableDemands(result: AwardResult, lines: DemandLineEntity[]): string[] {
  const demandOf = new Map(lines.map((l) => [l.id, l.demandId]));
  const totals = new Map<string, bigint>();
  const failing = new Set<string>();
  for (const allocation of result.allocations) {
    const demandId = demandOf.get(allocation.lineId)!;
    const key = `${demandId}/${allocation.cooperativeId}`;
    const total = (totals.get(key) ?? 0n) + lineAmount(allocation.unitPrice, allocation.quantityMilli);
    totals.set(key, total);
    if (!isStorableTotal(total)) failing.add(demandId);
  }
  return [...failing];
}

/** The evaluation row of an offer on a demand that failed alone. */
function totalTooLarge(offer: OfferEntity): OfferEvaluationResult {
  return {
    offerId: offer.id,
    lineId: offer.demandLineId,
    valid: false,
    invalidReason: null,
    priceScore: 0,
    qualityScore: 0,
    distanceScore: 0,
    reliabilityScore: 0,
    total: 0,
    rank: 0,
    awardedMilli: 0,
    unawardedReason: null,
    explanation: {
      en: `Not considered: the orders of this demand would exceed ${formatRupiah(MAX_DOCUMENT_TOTAL)}, so the demand was not awarded and the city coordinators were alerted.`,
      id: `Tidak dinilai: pesanan untuk permintaan ini akan melebihi ${formatRupiah(MAX_DOCUMENT_TOTAL)}, sehingga permintaan tidak dianugerahkan dan koordinator kota telah diberi peringatan.`,
    },
  };
}

/** A stable fingerprint of what the engine saw, stored with the batch for audits and replays. */
function hashInput(input: AwardInput): string {
  return createHash('sha256')
    .update(
      JSON.stringify(input, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)),
    )
    .digest('hex');
}
