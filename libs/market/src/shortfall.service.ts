import { Injectable, Logger } from '@nestjs/common';
import { MarketActivity, marketEvents } from '../../live/src/market-activity.service.js';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { reaward } from '../../award/src/index.js';
import { decimalTextToMilli } from '../../core/src/quantity.js';
import { appendAudit, returnedRows } from '../../database/src/audit.js';
import {
  DemandLineEntity,
  DemandRequestEntity,
  OfferEntity,
  type OfferStatus,
} from '../../database/src/entities/market.entity.js';
import { AlertEntity, ShortfallEntity } from '../../database/src/entities/settlement.entity.js';
import { enqueueInTransaction } from '../../jobs/src/outbox.js';
import { JOB_CLOSE_BIDDING, jobIds } from '../../jobs/src/job-types.js';
import { OrdersService } from '../../orders/src/orders.service.js';
import { offerLifecycle } from './lifecycle.js';
import { lockRow } from '../../database/src/lock-row.js';
import { AwardInputBuilder } from './award-input.builder.js';
import { unwritableDemands } from './market-evaluation.service.js';
import { StockLedgerService } from './stock-ledger.service.js';
import { recordAlertEvents } from '../../notify/src/notification-events.js';

/** A re-tender needs at least this long before goods are due, or it cannot help. */
const MIN_RETENDER_WINDOW_MS = 2 * 3600_000;
/** A re-tender's bidding stays open at most an hour: it is urgent. */
const MAX_RETENDER_BIDDING_MS = 3600_000;

export interface ShortfallOutcome {
  shortfallId: string;
  resolved: boolean;
  reawardedMilli: number;
  retenderDemandId: string | null;
  alerted: boolean;
}

/**
 * The resolve-shortfall job: quantity a kitchen still needs after a decline or a rejection.
 * First the offers still standing on the line (the engine's re-award, leaving out the
 * cooperative that failed), then a short urgent re-tender if time allows, else an alert to
 * the coordinators. One transaction; a resolved shortfall is never resolved again.
 */
@Injectable()
export class ShortfallService {
  private readonly logger = new Logger(ShortfallService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly awardInput: AwardInputBuilder,
    private readonly ledger: StockLedgerService,
    private readonly orders: OrdersService,
    private readonly live: MarketActivity,
  ) {}

  async resolve(shortfallId: string, now = new Date()): Promise<ShortfallOutcome> {
    const original: { demand?: DemandRequestEntity } = {};
    const resolved = this.dataSource.transaction(async (tx) => {
      const shortfall = await lockRow(tx, ShortfallEntity, shortfallId);
      if (!shortfall) throw new Error(`resolve-shortfall: shortfall ${shortfallId} does not exist`);
      if (shortfall.status === 'RESOLVED') {
        return {
          shortfallId,
          resolved: false,
          reawardedMilli: shortfall.reawardedQuantity,
          retenderDemandId: shortfall.retenderDemandId,
          alerted: false,
        };
      }
      const line = await tx.findOneByOrFail(DemandLineEntity, { id: shortfall.demandLineId });
      const demand = await tx.findOneByOrFail(DemandRequestEntity, { id: line.demandId });
      if (demand.status === 'CANCELLED') {
        await tx.update(
          ShortfallEntity,
          { id: shortfall.id },
          { status: 'RESOLVED', outcome: 'demand withdrawn' },
        );
        return { shortfallId, resolved: true, reawardedMilli: 0, retenderDemandId: null, alerted: false };
      }
      const timeLeft = demand.deliverBy.getTime() - now.getTime();
      let reawardedMilli = 0;
      if (timeLeft > 0) reawardedMilli = await this.reawardFromStandingOffers(tx, shortfall, line, demand);
      const remaining = shortfall.quantity - reawardedMilli;
      let retenderDemandId: string | null = null;
      let alerted = false;
      let outcome: string;
      if (remaining <= 0) {
        outcome = `re-awarded ${reawardedMilli / 1000} from standing offers`;
      } else if (timeLeft >= MIN_RETENDER_WINDOW_MS) {
        retenderDemandId = await this.retender(tx, demand, line, remaining, now);
        outcome = `re-awarded ${reawardedMilli / 1000}; re-tendered ${remaining / 1000} as demand ${retenderDemandId}`;
      } else {
        await this.alert(tx, demand, line, remaining);
        alerted = true;
        outcome = `re-awarded ${reawardedMilli / 1000}; ${remaining / 1000} uncovered, coordinators alerted`;
      }
      await tx.update(
        ShortfallEntity,
        { id: shortfall.id },
        { status: 'RESOLVED', reawardedQuantity: reawardedMilli, retenderDemandId, outcome },
      );
      await appendAudit(tx, {
        actorUserId: null,
        action: 'shortfall.resolved',
        entityType: 'DemandLine',
        entityId: line.id,
        regionCode: demand.marketCode,
        before: { shortfall: shortfall.quantity / 1000, source: shortfall.source },
        after: { outcome },
      });
      this.logger.log(`Shortfall ${shortfall.id}: ${outcome}`);
      original.demand = demand;
      return { shortfallId, resolved: true, reawardedMilli, retenderDemandId, alerted };
    });
    // The urgent re-tender is a demand posted like any other (alerts are heard on their own).
    return this.live.after(resolved, ({ retenderDemandId }) =>
      retenderDemandId && original.demand
        ? marketEvents.demandPosted({ ...original.demand, id: retenderDemandId }, true)
        : null,
    );
  }

  private async reawardFromStandingOffers(
    tx: EntityManager,
    shortfall: ShortfallEntity,
    line: DemandLineEntity,
    demand: DemandRequestEntity,
  ): Promise<number> {
    // Offers still standing: valid offers on the line that were not withdrawn or invalid.
    const offers = await tx.find(OfferEntity, {
      where: {
        demandLineId: line.id,
        status: In(['AWARDED', 'PARTIALLY_AWARDED', 'NOT_AWARDED'] as OfferStatus[]),
      },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const candidates = offers.filter((offer) => offer.cooperativeId !== shortfall.excludedCooperativeId);
    if (candidates.length === 0) return 0;
    const alreadyAwarded: { offer_id: string; quantity: string }[] = await tx.query(
      `SELECT l.offer_id, sum(l.quantity)::text AS quantity FROM order_line l JOIN purchase_order o ON o.id = l.order_id
        WHERE l.offer_id = ANY($1::uuid[]) AND o.status NOT IN ('DECLINED', 'CANCELLED') GROUP BY l.offer_id`,
      [candidates.map((o) => o.id)],
    );
    const awardedByOffer = new Map(
      alreadyAwarded.map((row) => [row.offer_id, decimalTextToMilli(row.quantity)]),
    );
    const built = await this.awardInput.build(tx, {
      marketCode: demand.marketCode,
      demands: [demand],
      lines: [line],
      offers: candidates,
      openMilliByLine: new Map([[line.id, shortfall.quantity]]),
      openMilliByOffer: new Map(
        candidates.map((offer) => [offer.id, offer.quantity - (awardedByOffer.get(offer.id) ?? 0)]),
      ),
    });
    const result = reaward({ ...built.input, excludeCooperativeIds: [shortfall.excludedCooperativeId] });
    // An order the re-award would make but could not store is not made: the shortfall goes on
    // to a re-tender or an alert instead.
    if (result.allocations.length === 0 || unwritableDemands(result, [line]).length > 0) return 0;
    const offerById = new Map(built.offers.map((o) => [o.id, o]));
    await this.ledger.reserve(
      tx,
      result.allocations.map((a) => ({ stockLotId: a.stockLotId, milli: a.quantityMilli })),
    );
    for (const allocation of result.allocations) {
      const offer = offerById.get(allocation.offerId)!;
      const total = (awardedByOffer.get(offer.id) ?? 0) + allocation.quantityMilli;
      const status: OfferStatus = total >= offer.quantity ? 'AWARDED' : 'PARTIALLY_AWARDED';
      if (status !== offer.status) {
        offerLifecycle.assertMove(offer.status, status);
        const moved = returnedRows<{ id: string }>(
          await tx.query(`UPDATE offer SET status = $1 WHERE id = $2 AND status = $3 RETURNING id`, [
            status,
            offer.id,
            offer.status,
          ]),
        );
        if (moved.length !== 1) throw new Error(`offer ${offer.id} changed state during re-award: retried`);
      }
    }
    const reawarded = result.allocations.reduce((sum, a) => sum + a.quantityMilli, 0);
    await this.ledger.award(tx, [{ demandLineId: line.id, milli: reawarded }]);
    const byCooperative = new Map<string, typeof result.allocations>();
    for (const allocation of result.allocations) {
      byCooperative.set(allocation.cooperativeId, [
        ...(byCooperative.get(allocation.cooperativeId) ?? []),
        allocation,
      ]);
    }
    await this.orders.createConfirmedOrders(
      tx,
      [...byCooperative].map(([cooperativeId, allocations]) => ({
        demandId: demand.id,
        kitchenId: demand.kitchenId,
        cooperativeId,
        marketCode: demand.marketCode,
        batchId: demand.batchId!,
        deliveryDate: demand.deliveryDate,
        deliverBy: demand.deliverBy,
        shortfallId: shortfall.id,
        lines: allocations.map((a) => ({
          demandLineId: line.id,
          offerId: a.offerId,
          commodityCode: line.commodityCode,
          stockLotId: a.stockLotId,
          quantityMilli: a.quantityMilli,
          unitPrice: a.unitPrice,
        })),
      })),
    );
    return reawarded;
  }

  /** An urgent demand for what is still missing, pointing at the demand it replaces. */
  private async retender(
    tx: EntityManager,
    demand: DemandRequestEntity,
    line: DemandLineEntity,
    remaining: number,
    now: Date,
  ): Promise<string> {
    const window = Math.min(
      MAX_RETENDER_BIDDING_MS,
      Math.floor((demand.deliverBy.getTime() - now.getTime()) / 2),
    );
    const closesAt = new Date(now.getTime() + window);
    const retender = await tx.save(
      tx.create(DemandRequestEntity, {
        kitchenId: demand.kitchenId,
        marketCode: demand.marketCode,
        status: 'OPEN',
        deliveryDate: demand.deliveryDate,
        biddingClosesAt: closesAt,
        deliverBy: demand.deliverBy,
        weightPrice: demand.weightPrice,
        weightQuality: demand.weightQuality,
        weightDistance: demand.weightDistance,
        weightReliability: demand.weightReliability,
        note: `Urgent re-tender of ${remaining / 1000} ${line.commodityCode} / Tender ulang mendesak`,
        replacesId: demand.id,
        batchId: null,
        createdBy: demand.createdBy,
      }),
    );
    await tx.insert(DemandLineEntity, {
      demandId: retender.id,
      lineNo: 1,
      commodityCode: line.commodityCode,
      quantity: remaining,
      maxUnitPrice: line.maxUnitPrice,
      minGrade: line.minGrade,
      awardedQuantity: 0,
    });
    await enqueueInTransaction(tx, {
      name: JOB_CLOSE_BIDDING,
      jobId: jobIds.closeBidding(retender.id, closesAt),
      payload: { v: 1, demandId: retender.id },
      runAt: closesAt,
      marketCode: demand.marketCode,
    });
    await appendAudit(tx, {
      actorUserId: null,
      action: 'demand.retendered',
      entityType: 'DemandRequest',
      entityId: retender.id,
      regionCode: demand.marketCode,
      after: {
        status: 'OPEN',
        replaces: demand.id,
        quantity: remaining / 1000,
        biddingClosesAt: closesAt.toISOString(),
      },
    });
    return retender.id;
  }

  private async alert(
    tx: EntityManager,
    demand: DemandRequestEntity,
    line: DemandLineEntity,
    remaining: number,
  ): Promise<void> {
    await recordAlertEvents(
      tx,
      await tx.insert(AlertEntity, {
        regionCode: demand.marketCode,
        kind: 'SHORTFALL_UNCOVERED',
        entityId: demand.id,
        messageEn: `${remaining / 1000} of ${line.commodityCode} for delivery ${demand.deliveryDate} cannot be covered in time; find a supplier by hand.`,
        messageId: `${remaining / 1000} ${line.commodityCode} untuk pengiriman ${demand.deliveryDate} tidak dapat dipenuhi tepat waktu; carikan pemasok secara langsung.`,
      }),
    );
  }
}
