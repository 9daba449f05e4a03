import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { DomainError } from '../../core/src/domain-error.js';
import { gradeAtLeast, QUALITY_GRADES, type QualityGrade } from '../../core/src/grade.js';
import type { Page, PageRequest } from '../../core/src/pagination.js';
import { milliToDecimalText, quantityToMilli } from '../../core/src/quantity.js';
import { marketCodeOf } from '../../core/src/region-code.js';
import { addDays, instantToLocalDate, localTimeToInstant, requireLocalDate } from '../../core/src/time.js';
import { CatalogService } from '../../catalog/src/catalog.service.js';
import { OfferRulesService } from './offer-rules.service.js';
import { OrdersService } from '../../orders/src/orders.service.js';
import { normaliseWeights } from '../../catalog/src/weights.js';
import { quantityInBaseMilli, type UnitDefinition } from '../../catalog/src/unit-conversion.js';
import { appendAudit, returnedRows } from '../../database/src/audit.js';
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
import { demandLifecycle, offerLifecycle } from './lifecycle.js';
import {
  MAX_DEMAND_LINES,
  MAX_NOTE_LENGTH,
  MAX_OFFERS_PER_CALL,
  type OfferInput,
  type PostDemandInput,
  type StockLotInput,
} from './market.types.js';
import { lockRow } from '../../database/src/lock-row.js';

const STOCK_SOURCES = ['OWN', 'CONSIGNMENT', 'BUMN'] as const;

@Injectable()
export class MarketService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly orders: OrdersService,
    private readonly offerRules: OfferRulesService, // MBG rules (issue 9)
  ) {}

  // ---------------------------------------------------------------- stock lots

  async addStockLot(actor: Actor | null, input: StockLotInput): Promise<StockLotEntity> {
    const operator = requireRole(actor, 'COOPERATIVE_OPERATOR');
    const cooperativeId = requireOrganization(operator);
    const cooperative = await this.organization(cooperativeId);
    const commodity = await this.requireCommodity(input.commodityCode);
    const units = (await this.catalog.unitCatalog([commodity.code])).get(commodity.code)!;
    const quantity = quantityInBaseMilli(input.quantity, input.unit, units.baseUnit, units.units);
    if (!QUALITY_GRADES.includes(input.grade)) {
      throw DomainError.badInput('grade must be A, B or C', 'grade harus A, B, atau C', { field: 'grade' });
    }
    if (!STOCK_SOURCES.includes(input.source)) {
      throw DomainError.badInput(
        'source must be OWN, CONSIGNMENT or BUMN',
        'source harus OWN, CONSIGNMENT, atau BUMN',
      );
    }
    let consignorId: string | null = null;
    if (input.source === 'OWN') {
      if (input.consignorId || (input.unitCost !== null && input.unitCost !== undefined)) {
        throw DomainError.badInput(
          'Own stock has no consignor and no unit cost owed',
          'Stok sendiri tidak memiliki penitip dan biaya satuan',
          { field: 'consignorId' },
        );
      }
    } else {
      if (!input.consignorId) {
        throw DomainError.badInput(
          `Stock from ${input.source} must name its consignor`,
          `Stok ${input.source} harus menyebutkan penitipnya`,
          { field: 'consignorId' },
        );
      }
      if (input.unitCost === null || input.unitCost === undefined) {
        throw DomainError.badInput(
          `Stock from ${input.source} needs the unit cost owed to the consignor`,
          `Stok ${input.source} memerlukan biaya satuan yang harus dibayar ke penitip`,
          { field: 'unitCost' },
        );
      }
      const consignor = await this.dataSource
        .getRepository(OrganizationEntity)
        .findOneBy({ id: input.consignorId });
      if (!consignor || consignor.kind !== 'CONSIGNOR') {
        throw DomainError.badInput(
          'consignorId must be a registered consignor (UMKM or BUMN)',
          'consignorId harus penitip terdaftar (UMKM atau BUMN)',
          { field: 'consignorId' },
        );
      }
      consignorId = consignor.id;
    }
    const expiresOn = input.expiresOn ? requireLocalDate(input.expiresOn, 'expiresOn') : null;
    if (expiresOn && expiresOn < instantToLocalDate(new Date())) {
      throw DomainError.badInput('expiresOn is in the past', 'expiresOn sudah lewat', { field: 'expiresOn' });
    }
    return this.dataSource.transaction(async (manager) => {
      const lot = await manager.save(
        manager.create(StockLotEntity, {
          cooperativeId,
          commodityCode: commodity.code,
          marketCode: marketCodeOf(cooperative.regionCode),
          quantity,
          reservedQuantity: 0,
          grade: input.grade,
          source: input.source,
          consignorId,
          unitCost: input.unitCost ?? null,
          expiresOn,
        }),
      );
      await appendAudit(manager, {
        actorUserId: operator.userId,
        action: 'stockLot.added',
        entityType: 'StockLot',
        entityId: lot.id,
        regionCode: cooperative.regionCode,
        after: {
          commodityCode: commodity.code,
          quantity: input.quantity,
          grade: input.grade,
          source: input.source,
        },
      });
      return lot;
    });
  }

  async myStockLots(
    actor: Actor | null,
    commodityCode: string | null,
    page: PageRequest,
  ): Promise<Page<StockLotEntity>> {
    const operator = requireRole(actor, 'COOPERATIVE_OPERATOR');
    const query = this.dataSource
      .getRepository(StockLotEntity)
      .createQueryBuilder('lot')
      .where('lot.cooperative_id = :cooperativeId', { cooperativeId: requireOrganization(operator) });
    if (commodityCode) query.andWhere('lot.commodity_code = :commodityCode', { commodityCode });
    return paginate(query, { column: 'lot.created_at', id: 'lot.id', direction: 'DESC' }, page);
  }

  async stockLotsByIds(ids: readonly string[]): Promise<StockLotEntity[]> {
    return this.dataSource.getRepository(StockLotEntity).findBy({ id: In([...ids]) });
  }

  /** A lot is private to its cooperative; the kitchen and coordinators see the lots it was ordered from. */
  async canSeeStockLot(actor: Actor, lot: StockLotEntity): Promise<boolean> {
    if (actor.organizationId === lot.cooperativeId || coordinates(actor, lot.marketCode)) return true;
    if (actor.role !== 'KITCHEN_MANAGER' || !actor.organizationId) return false;
    const rows: unknown[] = await this.dataSource.query(
      `SELECT 1 FROM order_line l JOIN purchase_order o ON o.id = l.order_id
        WHERE l.stock_lot_id = $1 AND o.kitchen_id = $2 LIMIT 1`,
      [lot.id, actor.organizationId],
    );
    return rows.length > 0;
  }

  // ---------------------------------------------------------------- demand

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

    return this.dataSource.transaction(async (tx) => {
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
      });
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
    return this.dataSource.transaction(async (tx) => {
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
      const cancelledOrders = await this.orders.cancelOrdersOfDemand(tx, id, signedIn.userId);
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
    return this.dataSource.getRepository(DemandRequestEntity).findOneByOrFail({ id });
  }

  /**
   * The close-bidding job. Closes every open demand of the market that closes at the same
   * moment for the same delivery date, in one batch, and enqueues its evaluation. A demand
   * already closed, cancelled or not yet due is left alone, so a retried job is harmless.
   */
  async closeDueDemand(demandId: string): Promise<{ batchId: string | null }> {
    return this.dataSource.transaction(async (tx) => {
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
      return { batchId: await this.closeInTransaction(tx, demand, null) };
    });
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

  // ---------------------------------------------------------------- bidding

  async openDemandLines(
    actor: Actor | null,
    commodityCode: string | null,
    page: PageRequest,
  ): Promise<Page<DemandLineEntity>> {
    const operator = requireRole(actor, 'COOPERATIVE_OPERATOR');
    if (!operator.regionCode) return { items: [], hasNextPage: false, totalCount: 0, cursorOf: () => '' };
    const query = this.dataSource
      .getRepository(DemandLineEntity)
      .createQueryBuilder('line')
      .innerJoin(DemandRequestEntity, 'demand', 'demand.id = line.demand_id')
      .where('demand.market_code = :marketCode', { marketCode: marketCodeOf(operator.regionCode) })
      .andWhere(`demand.status = 'OPEN'`)
      .andWhere('demand.bidding_closes_at > now()');
    if (commodityCode) query.andWhere('line.commodity_code = :commodityCode', { commodityCode });
    return paginate(query, { column: 'demand.bidding_closes_at', id: 'line.id', direction: 'ASC' }, page);
  }

  async submitOffer(actor: Actor | null, input: OfferInput): Promise<OfferEntity> {
    const [offer] = await this.submitOffers(actor, [input]);
    return offer!;
  }

  /** All or nothing: one bad offer and none is stored; the error names its position. */
  async submitOffers(actor: Actor | null, inputs: OfferInput[]): Promise<OfferEntity[]> {
    const operator = requireRole(actor, 'COOPERATIVE_OPERATOR');
    const cooperativeId = requireOrganization(operator);
    if (inputs.length === 0) {
      throw DomainError.badInput('Give at least one offer', 'Berikan minimal satu penawaran', {
        field: 'input',
      });
    }
    if (inputs.length > MAX_OFFERS_PER_CALL) {
      throw DomainError.badInput(
        `At most ${MAX_OFFERS_PER_CALL} offers at once`,
        `Paling banyak ${MAX_OFFERS_PER_CALL} penawaran sekaligus`,
        { field: 'input' },
      );
    }
    const parsed = inputs.map((input, index) => ({
      ...input,
      index,
      quantityMilli: quantityToMilli(
        input.quantity,
        inputs.length > 1 ? `input[${index}].quantity` : 'quantity',
      ),
    }));
    return this.dataSource.transaction(async (tx) => {
      const cooperative = await tx.findOneByOrFail(OrganizationEntity, { id: cooperativeId });
      if (cooperative.suspended) {
        throw DomainError.forbidden(
          'Your cooperative is suspended and cannot make offers',
          'Koperasi Anda sedang ditangguhkan dan tidak dapat menawar',
        );
      }
      // Lines with their demand in one statement. FOR SHARE: a close waits for this offer to
      // commit (and then sees it), or this offer waits for the close and finds bidding closed;
      // an offer is never left behind a close.
      const lineRows: {
        id: string;
        demand_id: string;
        commodity_code: string;
        max_unit_price: string | null;
        min_grade: QualityGrade | null;
        status: DemandStatus;
        bidding_closes_at: Date;
        market_code: string;
      }[] = await tx.query(
        `SELECT l.id, l.demand_id, l.commodity_code, l.max_unit_price::text, l.min_grade,
                d.status, d.bidding_closes_at, d.market_code
           FROM demand_line l JOIN demand_request d ON d.id = l.demand_id
          WHERE l.id = ANY($1::uuid[]) ORDER BY d.id FOR SHARE OF d`,
        [unique(parsed.map((p) => p.demandLineId))],
      );
      const lines = new Map(
        lineRows.map((row) => [
          row.id,
          {
            id: row.id,
            demandId: row.demand_id,
            commodityCode: row.commodity_code,
            maxUnitPrice: row.max_unit_price === null ? null : BigInt(row.max_unit_price),
            minGrade: row.min_grade,
          },
        ]),
      );
      const demands = new Map(
        lineRows.map((row) => [
          row.demand_id,
          {
            id: row.demand_id,
            status: row.status,
            biddingClosesAt: row.bidding_closes_at,
            marketCode: row.market_code,
          },
        ]),
      );
      const lots = new Map(
        (await tx.findBy(StockLotEntity, { id: In(unique(parsed.map((p) => p.stockLotId))) })).map((lot) => [
          lot.id,
          lot,
        ]),
      );
      // Units are looked up only when an offer names one: the common case stays one query shorter.
      const unitCatalog = parsed.some((offer) => offer.unit)
        ? await this.catalog.unitCatalog([...lines.values()].map((line) => line.commodityCode))
        : new Map<string, { baseUnit: string; units: UnitDefinition[] }>();
      const now = Date.now();
      const cooperativeMarket = marketCodeOf(cooperative.regionCode);
      const lotUse = new Map<string, number>();
      const rows = parsed.map((offer) => {
        const at = (en: string, id: string) =>
          inputs.length > 1
            ? { en: `Offer ${offer.index + 1}: ${en}`, id: `Penawaran ${offer.index + 1}: ${id}` }
            : { en, id };
        const fail = (
          code: 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'FORBIDDEN',
          en: string,
          id: string,
        ) => new DomainError(code, at(en, id), { index: offer.index });
        const line = lines.get(offer.demandLineId);
        const demand = line ? demands.get(line.demandId) : undefined;
        if (!line || !demand || demand.marketCode !== cooperativeMarket) {
          throw fail(
            'NOT_FOUND',
            'demand line not found in your market',
            'baris permintaan tidak ditemukan di pasar Anda',
          );
        }
        if (demand.status !== 'OPEN' || demand.biddingClosesAt.getTime() <= now) {
          throw fail(
            'CONFLICT',
            'bidding on this demand is closed',
            'penawaran untuk permintaan ini sudah ditutup',
          );
        }
        const lot = lots.get(offer.stockLotId);
        if (!lot || lot.cooperativeId !== cooperativeId) {
          throw fail(
            'NOT_FOUND',
            'stock lot not found among your lots',
            'lot stok tidak ditemukan di antara lot Anda',
          );
        }
        if (lot.returnedAt) {
          throw fail(
            'CONFLICT',
            'the lot was returned to its consignor',
            'lot sudah dikembalikan ke penitipnya',
          );
        }
        if (lot.commodityCode !== line.commodityCode) {
          throw fail(
            'BAD_USER_INPUT',
            `the lot holds ${lot.commodityCode} but the line asks for ${line.commodityCode}`,
            `lot berisi ${lot.commodityCode} tetapi baris meminta ${line.commodityCode}`,
          );
        }
        if (offer.unit) {
          const units = unitCatalog.get(line.commodityCode)!;
          offer.quantityMilli = quantityInBaseMilli(offer.quantity, offer.unit, units.baseUnit, units.units);
        }
        const available = lot.quantity - lot.reservedQuantity;
        if (offer.quantityMilli > available) {
          throw fail(
            'BAD_USER_INPUT',
            `the offer (${offer.quantity}) is bigger than what the lot has available (${available / 1000})`,
            `jumlah penawaran (${offer.quantity}) melebihi stok lot yang tersedia (${available / 1000})`,
          );
        }
        if (line.maxUnitPrice !== null && offer.unitPrice > line.maxUnitPrice) {
          throw fail(
            'BAD_USER_INPUT',
            `price above the kitchen's ceiling (${offer.unitPrice} > ${line.maxUnitPrice})`,
            `harga di atas batas dapur (${offer.unitPrice} > ${line.maxUnitPrice})`,
          );
        }
        if (line.minGrade && !gradeAtLeast(lot.grade, line.minGrade)) {
          throw fail(
            'BAD_USER_INPUT',
            `grade ${lot.grade} is below the minimum grade ${line.minGrade}`,
            `mutu ${lot.grade} di bawah mutu minimum ${line.minGrade}`,
          );
        }
        if (offer.unitPrice <= 0n) {
          throw fail('BAD_USER_INPUT', 'unitPrice must be more than zero', 'unitPrice harus lebih dari nol');
        }
        const key = `${line.id}/${lot.id}`;
        if (lotUse.has(key)) {
          throw fail(
            'BAD_USER_INPUT',
            'the same lot is offered twice on one line',
            'lot yang sama ditawarkan dua kali pada satu baris',
          );
        }
        lotUse.set(key, offer.quantityMilli);
        return {
          demandLineId: line.id,
          demandId: demand.id,
          cooperativeId,
          stockLotId: lot.id,
          quantity: offer.quantityMilli,
          unitPrice: offer.unitPrice,
          grade: lot.grade,
          status: 'SUBMITTED' as OfferStatus,
        };
      });
      // MBG rules (issue 9): HET and the producer's certificates on the delivery date.
      await this.offerRules.assertOffersEligible(
        tx,
        rows.map((row, i) => ({ ...row, index: parsed[i]!.index, stockLot: lots.get(row.stockLotId)! })),
        inputs.length > 1,
      );
      // The offers and their audit entries in one statement: a batch of 20 costs one round trip.
      let inserted: { id: string; created_at: Date; demand_line_id: string; stock_lot_id: string }[];
      try {
        inserted = await tx.query(
          `WITH inserted AS (
             INSERT INTO offer (demand_line_id, demand_id, cooperative_id, stock_lot_id, quantity, unit_price, grade, status)
             SELECT l, d, $3::uuid, s, q, p, g, 'SUBMITTED'
               FROM unnest($1::uuid[], $2::uuid[], $4::uuid[], $5::numeric[], $6::bigint[], $7::varchar[]) AS v(l, d, s, q, p, g)
             RETURNING id, created_at, demand_line_id, stock_lot_id, quantity
           ), audited AS (
             INSERT INTO audit_entry (actor_user_id, action, entity_type, entity_id, region_code, after)
             SELECT $8::uuid, 'offer.submitted', 'Offer', id, $9,
                    jsonb_build_object('status', 'SUBMITTED', 'quantity', quantity, 'demandLineId', demand_line_id)
               FROM inserted
           )
           SELECT id, created_at, demand_line_id, stock_lot_id FROM inserted`,
          [
            rows.map((row) => row.demandLineId),
            rows.map((row) => row.demandId),
            cooperativeId,
            rows.map((row) => row.stockLotId),
            rows.map((row) => milliToDecimalText(row.quantity)),
            rows.map((row) => row.unitPrice.toString()),
            rows.map((row) => row.grade),
            operator.userId,
            cooperative.regionCode,
          ],
        );
      } catch (error) {
        if (isUniqueViolation(error)) {
          throw DomainError.conflict(
            'You already have an offer from this lot on this line; withdraw it first to change it',
            'Anda sudah menawar dari lot ini pada baris ini; tarik dulu untuk mengubahnya',
          );
        }
        throw error;
      }
      // (line, lot) is unique within one call, so it finds each row's generated id.
      const generated = new Map(inserted.map((row) => [`${row.demand_line_id}/${row.stock_lot_id}`, row]));
      const saved = rows.map((row) => {
        const created = generated.get(`${row.demandLineId}/${row.stockLotId}`)!;
        return Object.assign(new OfferEntity(), row, { id: created.id, createdAt: created.created_at });
      });
      return saved;
    });
  }

  async withdrawOffer(actor: Actor | null, id: string): Promise<OfferEntity> {
    const operator = requireRole(actor, 'COOPERATIVE_OPERATOR');
    return this.dataSource.transaction(async (tx) => {
      const offer = await lockRow(tx, OfferEntity, id);
      if (!offer || offer.cooperativeId !== operator.organizationId)
        throw DomainError.notFound('Offer', 'Penawaran', { id });
      const demand = await tx.findOneByOrFail(DemandRequestEntity, { id: offer.demandId });
      offerLifecycle.assertMove(offer.status, 'WITHDRAWN');
      if (demand.status !== 'OPEN' || demand.biddingClosesAt.getTime() <= Date.now()) {
        throw DomainError.conflict(
          'Bidding has closed: the offer can no longer be withdrawn',
          'Penawaran sudah ditutup: tawaran tidak dapat ditarik lagi',
        );
      }
      await tx.update(OfferEntity, { id }, { status: 'WITHDRAWN' });
      await appendAudit(tx, {
        actorUserId: operator.userId,
        action: 'offer.withdrawn',
        entityType: 'Offer',
        entityId: id,
        regionCode: demand.marketCode,
        before: { status: offer.status },
        after: { status: 'WITHDRAWN' },
      });
      return { ...offer, status: 'WITHDRAWN' as OfferStatus };
    });
  }

  async myOffers(
    actor: Actor | null,
    status: OfferStatus | null,
    page: PageRequest,
  ): Promise<Page<OfferEntity>> {
    const operator = requireRole(actor, 'COOPERATIVE_OPERATOR');
    const query = this.dataSource
      .getRepository(OfferEntity)
      .createQueryBuilder('offer')
      .where('offer.cooperative_id = :cooperativeId', { cooperativeId: requireOrganization(operator) });
    if (status) query.andWhere('offer.status = :status', { status });
    return paginate(query, { column: 'offer.created_at', id: 'offer.id', direction: 'DESC' }, page);
  }

  async offersByIds(ids: readonly string[]): Promise<OfferEntity[]> {
    return this.dataSource.getRepository(OfferEntity).findBy({ id: In([...ids]) });
  }

  /** Offers standing on each line (submitted, or already evaluated), for counts. */
  async offerCountsByLineIds(
    lineIds: readonly string[],
    cooperativeId: string | null,
  ): Promise<Map<string, number>> {
    const rows: { line_id: string; count: string }[] = await this.dataSource.query(
      `SELECT demand_line_id AS line_id, count(*) AS count FROM offer
        WHERE demand_line_id = ANY($1::uuid[]) AND status <> 'WITHDRAWN' AND ($2::uuid IS NULL OR cooperative_id = $2)
        GROUP BY demand_line_id`,
      [[...lineIds], cooperativeId],
    );
    return new Map(rows.map((row) => [row.line_id, Number(row.count)]));
  }

  private async organization(id: string): Promise<OrganizationEntity> {
    const organization = await this.dataSource.getRepository(OrganizationEntity).findOneBy({ id });
    if (!organization)
      throw DomainError.forbidden('Your organisation no longer exists', 'Organisasi Anda tidak ada lagi');
    return organization;
  }

  private async requireCommodity(code: string): Promise<CommodityEntity> {
    const [commodity] = await this.catalog.commoditiesByCodes([code]);
    if (!commodity) {
      throw DomainError.badInput(`Unknown commodity ${code}`, `Komoditas ${code} tidak dikenal`, {
        field: 'commodityCode',
      });
    }
    return commodity;
  }
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { driverError?: { code?: string } }).driverError?.code === '23505'
  );
}
