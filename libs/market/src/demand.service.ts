import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { DomainError } from '../../core/src/domain-error.js';
import { QUALITY_GRADES } from '../../core/src/grade.js';
import type { Page, PageRequest } from '../../core/src/pagination.js';
import { marketCodeOf } from '../../core/src/region-code.js';
import { addDays, instantToLocalDate, localTimeToInstant, requireLocalDate } from '../../core/src/time.js';
import { CatalogService } from '../../catalog/src/catalog.service.js';
import { OrdersService } from '../../orders/src/orders.service.js';
import { normaliseWeights } from '../../catalog/src/weights.js';
import { quantityInBaseMilli } from '../../catalog/src/unit-conversion.js';
import { appendAudit, returnedRows } from '../../database/src/audit.js';
import { OrganizationEntity } from '../../database/src/entities/identity.entity.js';
import {
  DemandLineEntity,
  DemandRequestEntity,
  MarketBatchEntity,
  OfferEntity,
  type DemandStatus,
} from '../../database/src/entities/market.entity.js';
import type { PurchaseOrderEntity } from '../../database/src/entities/orders.entity.js';
import { paginate } from '../../database/src/paginate.js';
import {
  coordinates,
  requireOrganization,
  requireRole,
  requireActor,
  type Actor,
} from '../../identity/src/actor.js';
import { enqueueInTransaction } from '../../jobs/src/outbox.js';
import { JOB_CLOSE_BIDDING, JOB_EVALUATE_MARKET, jobIds } from '../../jobs/src/job-types.js';
import { demandLifecycle } from './lifecycle.js';
import { MAX_DEMAND_LINES, MAX_NOTE_LENGTH, type PostDemandInput } from './market.types.js';
import { lockRow } from '../../database/src/lock-row.js';
import { MarketActivity, marketEvents } from '../../live/src/market-activity.service.js';
import { recordDemandPosted } from '../../notify/src/notification-events.js';

/**
 * A kitchen's demand: posted, read, cancelled or withdrawn, and closed (by hand or by the
 * close-bidding job) into the market batch the evaluation awards.
 */
@Injectable()
export class DemandService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly orders: OrdersService,
    private readonly live: MarketActivity,
  ) {}

  async postDemand(actor: Actor | null, input: PostDemandInput): Promise<DemandRequestEntity> {
    const manager = requireRole(actor, 'KITCHEN_MANAGER');
    const kitchen = await this.organization(requireOrganization(manager));
    if (kitchen.kind !== 'KITCHEN')
      throw DomainError.forbidden(
        'Only a kitchen posts demand',
        'Hanya dapur yang dapat memasang permintaan',
      );
    const marketCode = marketCodeOf(kitchen.regionCode);
    const market = await this.catalog.region(marketCode);
    const timeZone = market?.timeZone ?? 'Asia/Jakarta';

    if (!Array.isArray(input.lines) || input.lines.length === 0) {
      throw DomainError.badInput(
        'A demand needs at least one line',
        'Permintaan memerlukan minimal satu baris',
        { field: 'lines' },
      );
    }
    if (input.lines.length > MAX_DEMAND_LINES) {
      throw DomainError.badInput(
        `A demand has at most ${MAX_DEMAND_LINES} lines`,
        `Permintaan paling banyak ${MAX_DEMAND_LINES} baris`,
        { field: 'lines' },
      );
    }
    const deliveryDate = requireLocalDate(input.deliveryDate, 'deliveryDate');
    const closesAt = input.biddingClosesAt;
    if (!(closesAt instanceof Date) || Number.isNaN(closesAt.getTime())) {
      throw DomainError.badInput(
        'biddingClosesAt is not a valid time',
        'biddingClosesAt bukan waktu yang valid',
        { field: 'biddingClosesAt' },
      );
    }
    const now = new Date();
    if (closesAt.getTime() <= now.getTime()) {
      throw DomainError.badInput(
        'Bidding must close in the future',
        'Penawaran harus ditutup pada waktu yang akan datang',
        {
          field: 'biddingClosesAt',
        },
      );
    }
    if (closesAt.getTime() > now.getTime() + 60 * 24 * 3600 * 1000) {
      throw DomainError.badInput(
        'Bidding may stay open at most 60 days',
        'Penawaran paling lama dibuka 60 hari',
        {
          field: 'biddingClosesAt',
        },
      );
    }
    if (deliveryDate < instantToLocalDate(closesAt, timeZone)) {
      throw DomainError.badInput(
        'The delivery date is before bidding closes',
        'Tanggal pengiriman lebih awal dari penutupan penawaran',
        { field: 'deliveryDate' },
      );
    }
    // Goods arrive the afternoon before cooking: 17:00 local on the day before delivery.
    const deliverBy = input.deliverBy ?? localTimeToInstant(addDays(deliveryDate, -1), 17, 0, timeZone);
    if (!(deliverBy instanceof Date) || Number.isNaN(deliverBy.getTime())) {
      throw DomainError.badInput('deliverBy is not a valid time', 'deliverBy bukan waktu yang valid', {
        field: 'deliverBy',
      });
    }
    if (deliverBy.getTime() <= closesAt.getTime()) {
      throw DomainError.badInput(
        'Goods must be delivered after bidding closes: deliverBy is at or before biddingClosesAt',
        'Barang harus dikirim setelah penawaran ditutup: deliverBy tidak boleh sebelum biddingClosesAt',
        { field: 'deliverBy' },
      );
    }
    if (input.note && input.note.length > MAX_NOTE_LENGTH) {
      throw DomainError.badInput(
        `note is longer than ${MAX_NOTE_LENGTH} characters`,
        `note lebih dari ${MAX_NOTE_LENGTH} karakter`,
        {
          field: 'note',
        },
      );
    }
    const weights = input.weights
      ? normaliseWeights(input.weights)
      : (await this.catalog.policyOf(marketCode)).defaultWeights;

    const codes = [...new Set(input.lines.map((line) => line.commodityCode))];
    const known = await this.catalog.unitCatalog(codes);
    const seen = new Set<string>();
    const lines = input.lines.map((line, index) => {
      if (!known.has(line.commodityCode)) {
        throw DomainError.badInput(
          `Line ${index + 1}: unknown commodity ${line.commodityCode}`,
          `Baris ${index + 1}: komoditas ${line.commodityCode} tidak dikenal`,
          { field: 'commodityCode', index },
        );
      }
      const key = `${line.commodityCode}/${line.minGrade ?? ''}`;
      if (seen.has(key)) {
        throw DomainError.badInput(
          `Line ${index + 1}: ${line.commodityCode} appears twice; put the whole quantity on one line`,
          `Baris ${index + 1}: ${line.commodityCode} muncul dua kali; satukan jumlahnya dalam satu baris`,
          { field: 'lines', index },
        );
      }
      seen.add(key);
      if (line.minGrade && !QUALITY_GRADES.includes(line.minGrade)) {
        throw DomainError.badInput('minGrade must be A, B or C', 'minGrade harus A, B, atau C', {
          field: 'minGrade',
          index,
        });
      }
      return {
        lineNo: index + 1,
        commodityCode: line.commodityCode,
        quantity: quantityInBaseMilli(
          line.quantity,
          line.unit,
          known.get(line.commodityCode)!.baseUnit,
          known.get(line.commodityCode)!.units,
          `lines[${index}].quantity`,
        ),
        maxUnitPrice: line.maxUnitPrice ?? null,
        minGrade: line.minGrade ?? null,
      };
    });

    const posted = this.dataSource.transaction(async (tx) => {
      const demand = await tx.save(
        tx.create(DemandRequestEntity, {
          kitchenId: kitchen.id,
          marketCode,
          status: 'OPEN' as DemandStatus,
          deliveryDate,
          biddingClosesAt: closesAt,
          deliverBy,
          weightPrice: weights.price,
          weightQuality: weights.quality,
          weightDistance: weights.distance,
          weightReliability: weights.reliability,
          note: input.note ?? null,
          replacesId: null,
          batchId: null,
          createdBy: manager.userId,
        }),
      );
      await tx.insert(
        DemandLineEntity,
        lines.map((line) => ({ ...line, demandId: demand.id, awardedQuantity: 0 })),
      );
      await enqueueInTransaction(tx, {
        name: JOB_CLOSE_BIDDING,
        jobId: jobIds.closeBidding(demand.id, closesAt),
        payload: { v: 1, demandId: demand.id },
        runAt: closesAt,
        marketCode,
      });
      await recordDemandPosted(tx, marketCode, closesAt);
      await appendAudit(tx, {
        actorUserId: manager.userId,
        action: 'demand.posted',
        entityType: 'DemandRequest',
        entityId: demand.id,
        regionCode: kitchen.regionCode,
        after: { status: 'OPEN', deliveryDate, biddingClosesAt: closesAt.toISOString(), lines: lines.length },
      });
      return demand;
    });
    return this.live.after(posted, (demand) => marketEvents.demandPosted(demand));
  }

  async demand(actor: Actor | null, id: string): Promise<DemandRequestEntity> {
    const signedIn = requireActor(actor);
    const demand = await this.dataSource.getRepository(DemandRequestEntity).findOneBy({ id });
    if (!demand || !(await this.canSeeDemand(signedIn, demand))) {
      // Another organisation's demand is "not found": existence is not leaked.
      throw DomainError.notFound('Demand', 'Permintaan', { id });
    }
    return demand;
  }

  /** Owner kitchen, coordinators of its region, cooperatives of its market while open, and those that offered. */
  async canSeeDemand(actor: Actor, demand: DemandRequestEntity): Promise<boolean> {
    if (actor.organizationId === demand.kitchenId || coordinates(actor, demand.marketCode)) return true;
    if (actor.role !== 'COOPERATIVE_OPERATOR' || !actor.organizationId || !actor.regionCode) return false;
    if (demand.status === 'OPEN' && marketCodeOf(actor.regionCode) === demand.marketCode) return true;
    const offered = await this.dataSource
      .getRepository(OfferEntity)
      .exists({ where: { demandId: demand.id, cooperativeId: actor.organizationId } });
    return offered;
  }

  async myDemands(
    actor: Actor | null,
    status: DemandStatus | null,
    page: PageRequest,
  ): Promise<Page<DemandRequestEntity>> {
    const kitchenManager = requireRole(actor, 'KITCHEN_MANAGER');
    const query = this.dataSource
      .getRepository(DemandRequestEntity)
      .createQueryBuilder('demand')
      .where('demand.kitchen_id = :kitchenId', { kitchenId: requireOrganization(kitchenManager) });
    if (status) query.andWhere('demand.status = :status', { status });
    return paginate(query, { column: 'demand.created_at', id: 'demand.id', direction: 'DESC' }, page);
  }

  async demandsByIds(ids: readonly string[]): Promise<DemandRequestEntity[]> {
    return this.dataSource.getRepository(DemandRequestEntity).findBy({ id: In([...ids]) });
  }

  async linesByDemandIds(demandIds: readonly string[]): Promise<DemandLineEntity[]> {
    return this.dataSource
      .getRepository(DemandLineEntity)
      .find({ where: { demandId: In([...demandIds]) }, order: { lineNo: 'ASC' } });
  }

  async linesByIds(ids: readonly string[]): Promise<DemandLineEntity[]> {
    return this.dataSource.getRepository(DemandLineEntity).findBy({ id: In([...ids]) });
  }

  /**
   * The kitchen cancels its demand while bidding is open. A coordinator may also withdraw a
   * demand after the award: its orders not yet received are CANCELLED and their stock is freed.
   */
  async cancelDemand(actor: Actor | null, id: string): Promise<DemandRequestEntity> {
    const signedIn = requireRole(actor, 'KITCHEN_MANAGER', 'CITY_COORDINATOR', 'ADMIN');
    const cancelled: PurchaseOrderEntity[] = [];
    const withdrawn = this.dataSource.transaction(async (tx) => {
      const demand = await this.lockDemand(tx, signedIn, id);
      demandLifecycle.assertMove(demand.status, 'CANCELLED');
      const byCoordinator = coordinates(signedIn, demand.marketCode);
      if (demand.status === 'OPEN' && demand.biddingClosesAt.getTime() <= Date.now() && !byCoordinator) {
        throw DomainError.conflict(
          'Bidding has closed and the offers are being evaluated; ask the city coordinator to withdraw the demand',
          'Penawaran sudah ditutup dan sedang dievaluasi; minta koordinator kota untuk menarik permintaan',
        );
      }
      if (demand.status !== 'OPEN' && !byCoordinator) {
        throw DomainError.conflict(
          `The demand is ${demand.status}: only the city coordinator can withdraw it now`,
          `Permintaan berstatus ${demand.status}: kini hanya koordinator kota yang dapat menariknya`,
        );
      }
      await tx.update(DemandRequestEntity, { id }, { status: 'CANCELLED' });
      const offers = await tx.findBy(OfferEntity, { demandId: id, status: 'SUBMITTED' });
      if (offers.length > 0) {
        await tx.update(OfferEntity, { id: In(offers.map((offer) => offer.id)) }, { status: 'NOT_AWARDED' });
      }
      cancelled.push(...(await this.orders.cancelOrdersOfDemand(tx, id, signedIn.userId)));
      const cancelledOrders = cancelled.length;
      await appendAudit(
        tx,
        {
          actorUserId: signedIn.userId,
          action: 'demand.cancelled',
          entityType: 'DemandRequest',
          entityId: id,
          regionCode: demand.marketCode,
          before: { status: demand.status },
          after: { status: 'CANCELLED', ordersCancelled: cancelledOrders },
        },
        ...offers.map((offer) => ({
          actorUserId: signedIn.userId,
          action: 'offer.notAwarded',
          entityType: 'Offer',
          entityId: offer.id,
          regionCode: demand.marketCode,
          before: { status: offer.status },
          after: { status: 'NOT_AWARDED', reason: 'demand cancelled' },
        })),
      );
      return { ...demand, status: 'CANCELLED' as DemandStatus };
    });
    return this.live.after(withdrawn, () => cancelled.map((order) => marketEvents.orderStatus(order)));
  }

  /** Close now: the owner kitchen or a coordinator stops bidding early and the worker evaluates. */
  async closeBidding(actor: Actor | null, id: string): Promise<DemandRequestEntity> {
    const signedIn = requireRole(actor, 'KITCHEN_MANAGER', 'CITY_COORDINATOR', 'ADMIN');
    await this.dataSource.transaction(async (tx) => {
      await this.lockMarketCloses(tx, id);
      const demand = await this.lockDemand(tx, signedIn, id);
      demandLifecycle.assertMove(demand.status, 'EVALUATING');
      const now = new Date();
      if (demand.biddingClosesAt.getTime() > now.getTime()) {
        await tx.update(DemandRequestEntity, { id }, { biddingClosesAt: now });
        demand.biddingClosesAt = now;
      }
      await appendAudit(tx, {
        actorUserId: signedIn.userId,
        action: 'demand.closedEarly',
        entityType: 'DemandRequest',
        entityId: id,
        regionCode: demand.marketCode,
        after: { biddingClosesAt: demand.biddingClosesAt.toISOString() },
      });
      await this.closeInTransaction(tx, demand, signedIn.userId);
    });
    const closed = await this.dataSource.getRepository(DemandRequestEntity).findOneByOrFail({ id });
    this.live.emit(marketEvents.biddingClosed({ ...closed, id: closed.batchId ?? closed.id }));
    return closed;
  }

  /**
   * The close-bidding job. Closes every open demand of the market that closes at the same
   * moment for the same delivery date, in one batch, and enqueues its evaluation. A demand
   * already closed, cancelled or not yet due is left alone, so a retried job is harmless.
   */
  async closeDueDemand(demandId: string): Promise<{ batchId: string | null }> {
    const closing: { demand?: DemandRequestEntity } = {};
    const closed = this.dataSource.transaction(async (tx) => {
      await this.lockMarketCloses(tx, demandId);
      const demand = await lockRow(tx, DemandRequestEntity, demandId);
      if (!demand) throw new Error(`close-bidding: demand ${demandId} does not exist`);
      if (demand.status !== 'OPEN') return { batchId: demand.batchId };
      if (demand.biddingClosesAt.getTime() > Date.now()) {
        // Fired early (clocks differ between machines): fail, and BullMQ retries with backoff.
        throw new Error(
          `close-bidding: demand ${demandId} closes at ${demand.biddingClosesAt.toISOString()}, not yet`,
        );
      }
      closing.demand = demand;
      return { batchId: await this.closeInTransaction(tx, demand, null) };
    });
    return this.live.after(closed, ({ batchId }) =>
      closing.demand && batchId ? marketEvents.biddingClosed({ ...closing.demand, id: batchId }) : null,
    );
  }

  /**
   * Closing a demand closes every open demand of its market moment (one UPDATE over many rows),
   * so two closes of one moment, each holding its own demand's row lock, would deadlock. Closes
   * of one market therefore take turns on an advisory lock, taken before any demand row lock.
   * (A demand's market never changes, so reading it unlocked is safe.)
   */
  private async lockMarketCloses(tx: EntityManager, demandId: string): Promise<void> {
    await tx.query(
      `SELECT pg_advisory_xact_lock(hashtext('close-bidding'), hashtext(market_code))
         FROM demand_request WHERE id = $1`,
      [demandId],
    );
  }

  private async closeInTransaction(
    tx: EntityManager,
    demand: DemandRequestEntity,
    actorUserId: string | null,
  ): Promise<string> {
    await tx
      .createQueryBuilder()
      .insert()
      .into(MarketBatchEntity)
      .values({
        marketCode: demand.marketCode,
        deliveryDate: demand.deliveryDate,
        closesAt: demand.biddingClosesAt,
        status: 'PENDING',
      })
      .orIgnore()
      .execute();
    // Locked: if its evaluation is running, wait for it, so a late joiner is never missed.
    const batch = await tx
      .getRepository(MarketBatchEntity)
      .createQueryBuilder('batch')
      .setLock('pessimistic_write')
      .where(
        'batch.market_code = :marketCode AND batch.delivery_date = :deliveryDate AND batch.closes_at = :closesAt',
        {
          marketCode: demand.marketCode,
          deliveryDate: demand.deliveryDate,
          closesAt: demand.biddingClosesAt,
        },
      )
      .getOneOrFail();
    // Everything of this market and moment joins the batch: one lot is never promised twice.
    const joined = returnedRows<{ id: string }>(
      await tx.query(
        `UPDATE demand_request SET status = 'EVALUATING', batch_id = $1
        WHERE market_code = $2 AND delivery_date = $3 AND bidding_closes_at = $4 AND status = 'OPEN'
        RETURNING id`,
        [batch.id, demand.marketCode, demand.deliveryDate, demand.biddingClosesAt],
      ),
    );
    await appendAudit(
      tx,
      ...joined.map((row) => ({
        actorUserId,
        action: 'demand.biddingClosed',
        entityType: 'DemandRequest',
        entityId: row.id,
        regionCode: demand.marketCode,
        before: { status: 'OPEN' },
        after: { status: 'EVALUATING', batchId: batch.id },
      })),
    );
    // A demand that joins a batch already evaluated (its post committed just after the close)
    // needs an evaluation of its own: a job id of its own, since the first may still be active.
    await enqueueInTransaction(tx, {
      name: JOB_EVALUATE_MARKET,
      jobId:
        batch.status === 'EVALUATED'
          ? jobIds.evaluateMarket(batch.id, demand.id)
          : jobIds.evaluateMarket(batch.id),
      payload: { v: 1, batchId: batch.id },
      marketCode: demand.marketCode,
    });
    return batch.id;
  }

  private async lockDemand(tx: EntityManager, actor: Actor, id: string): Promise<DemandRequestEntity> {
    const demand = await lockRow(tx, DemandRequestEntity, id);
    const isOwner = demand !== null && actor.organizationId === demand.kitchenId;
    if (!demand || (!isOwner && !coordinates(actor, demand.marketCode))) {
      throw DomainError.notFound('Demand', 'Permintaan', { id });
    }
    return demand;
  }

  private async organization(id: string): Promise<OrganizationEntity> {
    const organization = await this.dataSource.getRepository(OrganizationEntity).findOneBy({ id });
    if (!organization)
      throw DomainError.forbidden('Your organisation no longer exists', 'Organisasi Anda tidak ada lagi');
    return organization;
  }
}
