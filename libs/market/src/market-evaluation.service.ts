import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash } from 'node:crypto';
import { DataSource, In, type EntityManager } from 'typeorm';
import { evaluateBatch, type AwardInput, type AwardResult } from '../../award/src/index.js';
import { CatalogService } from '../../catalog/src/catalog.service.js';
import { OfferRulesService } from './offer-rules.service.js';
import { appendAudit, returnedRows, type AuditRecord } from '../../database/src/audit.js';
import { CommodityEntity } from '../../database/src/entities/catalog.entity.js';
import { OrganizationEntity } from '../../database/src/entities/identity.entity.js';
import {
  DemandLineEntity,
  DemandRequestEntity,
  MarketBatchEntity,
  OfferEntity,
  StockLotEntity,
  type DemandStatus,
  type OfferStatus,
} from '../../database/src/entities/market.entity.js';
import { OrdersService, type AwardedOrder } from '../../orders/src/orders.service.js';
import { demandLifecycle, offerLifecycle } from './lifecycle.js';
import { lockRow } from '../../database/src/lock-row.js';
import { milliToDecimalText } from '../../core/src/quantity.js';

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

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly orders: OrdersService,
    private readonly offerRules: OfferRulesService, // MBG rules (issue 9)
  ) {}

  async evaluateBatch(batchId: string): Promise<EvaluationSummary> {
    const began = performance.now();
    return this.dataSource.transaction(async (tx) => {
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
      const offers = await tx.find(OfferEntity, {
        where: { demandLineId: In(lines.map((l) => l.id)), status: 'SUBMITTED' },
        order: { createdAt: 'ASC', id: 'ASC' },
      });
      const lotIds = [...new Set(offers.map((o) => o.stockLotId))].sort();
      // Lock the lots before reading what is left of them: racing batches serialise here.
      const lots: StockLotEntity[] =
        lotIds.length === 0
          ? []
          : await tx
              .getRepository(StockLotEntity)
              .createQueryBuilder('lot')
              .setLock('pessimistic_write')
              .where('lot.id IN (:...lotIds)', { lotIds })
              .orderBy('lot.id')
              .getMany();
      const organizationIds = [
        ...new Set([...demands.map((d) => d.kitchenId), ...offers.map((o) => o.cooperativeId)]),
      ];
      const organizations = new Map(
        (await tx.findBy(OrganizationEntity, { id: In(organizationIds) })).map((org) => [org.id, org]),
      );
      const reliability = await this.reliabilityOf(tx, [...new Set(offers.map((o) => o.cooperativeId))]);
      const commodities = new Map(
        (await tx.findBy(CommodityEntity, { code: In([...new Set(lines.map((l) => l.commodityCode))]) })).map(
          (c) => [c.code, c],
        ),
      );
      const policy = await this.catalog.policyOf(batch.marketCode);

      const demandById = new Map(demands.map((d) => [d.id, d]));
      const demandOrder = new Map(demands.map((d, index) => [d.id, index]));
      const location = (id: string) => {
        const org = organizations.get(id);
        return org && org.latitude !== null && org.longitude !== null
          ? { latitude: org.latitude, longitude: org.longitude }
          : null;
      };
      const input: AwardInput = {
        lines: lines.map((line) => {
          const demand = demandById.get(line.demandId)!;
          return {
            id: line.id,
            demandId: line.demandId,
            commodityCode: line.commodityCode,
            quantityMilli: line.quantity,
            maxUnitPrice: line.maxUnitPrice,
            minGrade: line.minGrade,
            weights: {
              price: demand.weightPrice,
              quality: demand.weightQuality,
              distance: demand.weightDistance,
              reliability: demand.weightReliability,
            },
            kitchenLocation: location(demand.kitchenId),
            order: demandOrder.get(line.demandId)! * 1000 + line.lineNo,
            baseUnit: commodities.get(line.commodityCode)?.baseUnit ?? 'unit',
          };
        }),
        offers: offers.map((offer) => ({
          id: offer.id,
          lineId: offer.demandLineId,
          cooperativeId: offer.cooperativeId,
          stockLotId: offer.stockLotId,
          quantityMilli: offer.quantity,
          unitPrice: offer.unitPrice,
          grade: offer.grade,
          submittedAt: offer.createdAt.getTime(),
          cooperativeLocation: location(offer.cooperativeId),
          cooperativeSuspended: organizations.get(offer.cooperativeId)?.suspended ?? false,
          reliability: reliability.get(offer.cooperativeId) ?? { acceptedLines: 0, receivedLines: 0 },
        })),
        lots: lots.map((lot) => ({
          id: lot.id,
          commodityCode: lot.commodityCode,
          cooperativeId: lot.cooperativeId,
          availableMilli: lot.returnedAt ? 0 : lot.quantity - lot.reservedQuantity,
        })),
        rules: { maxSuppliersPerLine: policy.maxSuppliersPerLine, minAwardMilli: policy.minAwardMilli },
      };
      await this.offerRules.enrich(tx, batch.marketCode, input); // MBG rules (issue 9): HET, certificates, diversity
      const started = performance.now();
      const result = evaluateBatch(input);
      const engineMs = performance.now() - started;

      await this.writeEvaluations(tx, batchId, result);
      if (this.failPoint === 'after-evaluations') throw new Error('fail point: after-evaluations');
      const orders = await this.writeAwards(tx, batch, demands, lines, offers, result);
      if (this.failPoint === 'after-orders') throw new Error('fail point: after-orders');

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
      return { batchId, evaluated: true, demands: demands.length, offers: offers.length, orders, engineMs };
    });
  }

  /**
   * One INSERT … SELECT FROM unnest(arrays): a day's thousands of evaluations in a single
   * statement with 15 parameters, instead of an ORM insert that builds a query per value.
   */
  private async writeEvaluations(tx: EntityManager, batchId: string, result: AwardResult): Promise<void> {
    const rows = result.evaluations;
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
  ): Promise<number> {
    const audit: AuditRecord[] = [];
    const offerById = new Map(offers.map((o) => [o.id, o]));
    const lineById = new Map(lines.map((l) => [l.id, l]));
    const demandById = new Map(demands.map((d) => [d.id, d]));

    // Offers: each one ends the bidding in exactly one outcome.
    const awardedByOffer = new Map(result.allocations.map((a) => [a.offerId, a.quantityMilli]));
    const byStatus = new Map<OfferStatus, string[]>();
    for (const evaluation of result.evaluations) {
      const offer = offerById.get(evaluation.offerId)!;
      const awarded = awardedByOffer.get(offer.id) ?? 0;
      const status: OfferStatus = !evaluation.valid
        ? 'INVALID'
        : awarded === 0
          ? 'NOT_AWARDED'
          : awarded >= offer.quantity
            ? 'AWARDED'
            : 'PARTIALLY_AWARDED';
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
      await tx.query(`UPDATE offer SET status = $1 WHERE id = ANY($2::uuid[])`, [status, ids]);
    }

    // Reservations: an atomic conditional update, backed by the CHECK on stock_lot.
    const reservedByLot = new Map<string, number>();
    for (const allocation of result.allocations) {
      reservedByLot.set(
        allocation.stockLotId,
        (reservedByLot.get(allocation.stockLotId) ?? 0) + allocation.quantityMilli,
      );
    }
    const reservations = [...reservedByLot].sort(([a], [b]) => a.localeCompare(b));
    if (reservations.length > 0) {
      const reserved = returnedRows<{ id: string }>(
        await tx.query(
          `UPDATE stock_lot SET reserved_quantity = reserved_quantity + v.milli / 1000
             FROM unnest($1::uuid[], $2::numeric[]) AS v(id, milli)
            WHERE stock_lot.id = v.id AND stock_lot.reserved_quantity + v.milli / 1000 <= stock_lot.quantity
            RETURNING stock_lot.id`,
          [reservations.map(([id]) => id), reservations.map(([, milli]) => milli)],
        ),
      );
      if (reserved.length !== reservations.length) {
        throw new Error(
          `${reservations.length - reserved.length} stock lot(s) cannot cover their awards: evaluation retried`,
        );
      }
    }

    // Lines and demand outcomes.
    const awardedByLine = new Map(result.lines.map((l) => [l.lineId, l.awardedMilli]));
    const awardedLines = lines.filter((line) => (awardedByLine.get(line.id) ?? 0) > 0);
    if (awardedLines.length > 0) {
      await tx.query(
        `UPDATE demand_line SET awarded_quantity = v.milli / 1000
           FROM unnest($1::uuid[], $2::numeric[]) AS v(id, milli) WHERE demand_line.id = v.id`,
        [awardedLines.map((line) => line.id), awardedLines.map((line) => awardedByLine.get(line.id)!)],
      );
    }
    for (const demand of demands) {
      const own = lines.filter((l) => l.demandId === demand.id);
      const full = own.every((l) => (awardedByLine.get(l.id) ?? 0) >= l.quantity);
      const none = own.every((l) => (awardedByLine.get(l.id) ?? 0) === 0);
      const status: DemandStatus = full ? 'AWARDED' : none ? 'UNFILLED' : 'PARTIALLY_AWARDED';
      demandLifecycle.assertMove(demand.status, status);
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
    return created.length;
  }

  /**
   * (good receipt lines, inspected receipt lines) per cooperative, for the reliability score:
   * a line is good when nothing was rejected and the order arrived by deliverBy.
   */
  private async reliabilityOf(
    tx: EntityManager,
    cooperativeIds: string[],
  ): Promise<Map<string, { acceptedLines: number; receivedLines: number }>> {
    if (cooperativeIds.length === 0) return new Map();
    const rows: { cooperative_id: string; received: string; accepted: string }[] = await tx.query(
      `SELECT o.cooperative_id, count(*) AS received,
              count(*) FILTER (WHERE coalesce(l.rejected_quantity, 0) = 0 AND NOT coalesce(o.late, false)) AS accepted
         FROM order_line l JOIN purchase_order o ON o.id = l.order_id
        WHERE o.cooperative_id = ANY($1::uuid[]) AND l.accepted_quantity IS NOT NULL
        GROUP BY o.cooperative_id`,
      [cooperativeIds],
    );
    return new Map(
      rows.map((row) => [
        row.cooperative_id,
        { acceptedLines: Number(row.accepted), receivedLines: Number(row.received) },
      ]),
    );
  }
}

/** A stable fingerprint of what the engine saw, stored with the batch for audits and replays. */
function hashInput(input: AwardInput): string {
  return createHash('sha256')
    .update(
      JSON.stringify(input, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value)),
    )
    .digest('hex');
}
