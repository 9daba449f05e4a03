import { Injectable } from '@nestjs/common';
import { isUniqueViolation, PreparedStatement } from '../../database/src/prepared-statement.js';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import { DomainError } from '../../core/src/domain-error.js';
import { gradeAtLeast, type QualityGrade } from '../../core/src/grade.js';
import type { Page, PageRequest } from '../../core/src/pagination.js';
import { decimalTextToMilli, milliToDecimalText, quantityToMilli } from '../../core/src/quantity.js';
import { marketCodeOf } from '../../core/src/region-code.js';
import {
  formatRupiah,
  isStorableTotal,
  lineAmount,
  MAX_DOCUMENT_TOTAL,
  REFERENCE_PRICE_FACTOR,
  unitPriceLimit,
} from '../../core/src/rupiah.js';
import { OfferRulesService } from './offer-rules.service.js';
import {
  CatalogService,
  offerCatalogColumns,
  offerCatalogFromRow,
  regionChain,
  type OfferCatalog,
  type OfferCatalogRow,
} from '../../catalog/src/catalog.service.js';
import { quantityInBaseMilli, type UnitDefinition } from '../../catalog/src/unit-conversion.js';
import { appendAudit } from '../../database/src/audit.js';
import {
  DemandLineEntity,
  DemandRequestEntity,
  OfferEntity,
  type DemandStatus,
  type OfferStatus,
} from '../../database/src/entities/market.entity.js';
import { paginate } from '../../database/src/paginate.js';
import { requireOrganization, requireRole, type Actor } from '../../identity/src/actor.js';
import { offerLifecycle } from './lifecycle.js';
import { MAX_OFFERS_PER_CALL, type OfferInput } from './market.types.js';
import { lockRow } from '../../database/src/lock-row.js';

/**
 * `column = ANY(param)` for a batch; for one id `column = (param)[1]`. With ANY over an array
 * parameter Postgres' generic plan assumes ten ids, so it re-plans the statement on every call
 * (planning was about half of each statement's time); with one id the generic plan is as cheap
 * as a custom one and it plans once per connection. The arrays are passed the same either way.
 */
function idIn(column: string, param: string, single: boolean): string {
  return single ? `${column} = (${param}::uuid[])[1]` : `${column} = ANY(${param}::uuid[])`;
}

/** Bidding: the open lines a cooperative sees, its sealed offers, withdrawal and counts. */
function offerContextSql(single: boolean): string {
  // Reference prices of the lines' commodities only: all the offer checks look at.
  const lineCommodities = `SELECT dl.commodity_code FROM demand_line dl WHERE ${idIn('dl.id', '$2', single)}`;
  return `SELECT
         ${offerCatalogColumns('$4', '$5', lineCommodities)},
         (SELECT json_build_object('regionCode', o.region_code, 'suspended', COALESCE(o.suspended, false))
            FROM organization o WHERE o.id = $1) AS cooperative,
         (SELECT COALESCE(json_agg(json_build_object(
                   'id', l.id, 'demandId', l.demand_id, 'commodityCode', l.commodity_code,
                   'maxUnitPrice', l.max_unit_price::text, 'minGrade', l.min_grade, 'status', d.status,
                   'biddingClosesAt', d.bidding_closes_at, 'marketCode', d.market_code,
                   'deliveryDate', d.delivery_date::text)), '[]'::json)
            FROM demand_line l JOIN demand_request d ON d.id = l.demand_id
           WHERE ${idIn('l.id', '$2', single)}) AS lines,
         (SELECT COALESCE(json_agg(json_build_object(
                   'id', s.id, 'cooperativeId', s.cooperative_id, 'commodityCode', s.commodity_code,
                   'quantity', s.quantity::text, 'reservedQuantity', s.reserved_quantity::text,
                   'grade', s.grade, 'consignorId', s.consignor_id, 'expiresOn', s.expires_on::text,
                   'returnedAt', s.returned_at)), '[]'::json)
            FROM stock_lot s WHERE ${idIn('s.id', '$3', single)}) AS lots`;
}

const OFFER_CONTEXT_SQL = {
  batch: new PreparedStatement('pgz_offer_context_v3', offerContextSql(false)),
  single: new PreparedStatement('pgz_offer_context_single_v1', offerContextSql(true)),
};

const DEADLOCK_DETECTED = '40P01';

// The cooperative and the lots are locked, not just read: a suspension or a return that commits
// while this statement waits on a demand is newer than the statement's snapshot, and only a row
// lock re-reads the row. The one-time filters keep one lock order: demands, cooperative, lots.
function insertOffersSql(single: boolean): string {
  const offerValues = single
    ? `(SELECT ($1::uuid[])[1], ($2::uuid[])[1], ($4::uuid[])[1], ($5::numeric[])[1], ($6::bigint[])[1], ($7::varchar[])[1])`
    : `unnest($1::uuid[], $2::uuid[], $4::uuid[], $5::numeric[], $6::bigint[], $7::varchar[])`;
  return `WITH open_demand AS MATERIALIZED (
             SELECT id FROM demand_request
              WHERE ${idIn('id', '$10', single)} AND status = 'OPEN' AND bidding_closes_at > now()
              ORDER BY id FOR SHARE
           ), active_cooperative AS MATERIALIZED (
             SELECT id FROM organization
              WHERE id = $3 AND NOT COALESCE(suspended, false)
                AND (SELECT count(*) FROM open_demand) = cardinality($10::uuid[])
              FOR SHARE
           ), unreturned_lot AS MATERIALIZED (
             SELECT id FROM stock_lot
              WHERE ${idIn('id', '$11', single)} AND returned_at IS NULL
                AND EXISTS (SELECT 1 FROM active_cooperative)
              ORDER BY id FOR SHARE
           ), still_valid AS MATERIALIZED (
             SELECT 1 AS ok
              WHERE EXISTS (SELECT 1 FROM active_cooperative)
                AND (SELECT count(*) FROM unreturned_lot) = cardinality($11::uuid[])
           ), inserted AS (
             INSERT INTO offer (demand_line_id, demand_id, cooperative_id, stock_lot_id, quantity, unit_price, grade, status)
             SELECT l, d, $3::uuid, s, q, p, g, 'SUBMITTED'
               FROM ${offerValues} AS v(l, d, s, q, p, g)
              WHERE EXISTS (SELECT 1 FROM still_valid)
             RETURNING id, created_at, demand_line_id, stock_lot_id, quantity
           ), audited AS (
             INSERT INTO audit_entry (actor_user_id, action, entity_type, entity_id, region_code, after)
             SELECT $8::uuid, 'offer.submitted', 'Offer', id, $9,
                    jsonb_build_object('status', 'SUBMITTED', 'quantity', quantity, 'demandLineId', demand_line_id)
               FROM inserted
           )
           SELECT id, created_at, demand_line_id, stock_lot_id FROM inserted`;
}

const INSERT_OFFERS_SQL = {
  batch: new PreparedStatement('pgz_insert_offers_v2', insertOffersSql(false)),
  single: new PreparedStatement('pgz_insert_offers_single_v1', insertOffersSql(true)),
};

@Injectable()
export class OfferService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly offerRules: OfferRulesService,
  ) {}

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
    const lineIds = unique(parsed.map((p) => p.demandLineId));
    const lotIds = unique(parsed.map((p) => p.stockLotId));
    const signedInMarket = operator.regionCode ? marketCodeOf(operator.regionCode) : null;
    // The lean path (issue 12): what the checks need (the cooperative, lines, lots and the signed-in
    // market's catalog) comes in one statement, the offers go in with one statement that re-checks, under lock, what may have changed since
    // (bidding closed, the cooperative suspended, a lot returned). When it has, the offers are
    // not stored and the checks run again on fresh reads, which name what changed.
    for (let attempt = 1; ; attempt++) {
      const context = await this.readOfferContext(cooperativeId, lineIds, lotIds, signedInMarket);
      const { cooperative, lines, demands, lots, signedInCatalog } = context;
      if (cooperative.suspended) {
        throw DomainError.forbidden(
          'Your cooperative is suspended and cannot make offers',
          'Koperasi Anda sedang ditangguhkan dan tidak dapat menawar',
        );
      }
      // Units are looked up only when an offer names one: the common case stays one query shorter.
      const unitCatalog = parsed.some((offer) => offer.unit)
        ? await this.catalog.unitCatalog([...lines.values()].map((line) => line.commodityCode))
        : new Map<string, { baseUnit: string; units: UnitDefinition[] }>();
      const now = Date.now();
      const cooperativeMarket = marketCodeOf(cooperative.regionCode);
      // The organisation's region as read now decides; the signed-in one is the usual case.
      const catalog =
        cooperativeMarket === signedInMarket && signedInCatalog
          ? signedInCatalog
          : await this.catalog.offerCatalogOf(cooperativeMarket);
      const referencePrices = new Map(catalog.referencePrices.map((p) => [p.commodityCode, p.unitPrice]));
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
        if (lot.expiresOn && lot.expiresOn < demand.deliveryDate) {
          throw fail(
            'BAD_USER_INPUT',
            `the lot expires on ${lot.expiresOn}, before the delivery date ${demand.deliveryDate}`,
            `lot kedaluwarsa pada ${lot.expiresOn}, sebelum tanggal pengiriman ${demand.deliveryDate}`,
          );
        }
        const priceLimit = unitPriceLimit(referencePrices.get(line.commodityCode) ?? null);
        if (offer.unitPrice > priceLimit.limit) {
          throw fail(
            'BAD_USER_INPUT',
            priceLimit.reference === null
              ? `unitPrice ${formatRupiah(offer.unitPrice)} is above the most any offer may ask (${formatRupiah(priceLimit.limit)} per ${lot.commodityCode} base unit)`
              : `unitPrice ${formatRupiah(offer.unitPrice)} is more than ${REFERENCE_PRICE_FACTOR}× the reference price ${formatRupiah(priceLimit.reference)} for ${line.commodityCode} in this market`,
            priceLimit.reference === null
              ? `unitPrice ${formatRupiah(offer.unitPrice)} melebihi harga tertinggi yang boleh diajukan (${formatRupiah(priceLimit.limit)} per satuan dasar ${lot.commodityCode})`
              : `unitPrice ${formatRupiah(offer.unitPrice)} lebih dari ${REFERENCE_PRICE_FACTOR}× harga acuan ${formatRupiah(priceLimit.reference)} untuk ${line.commodityCode} di pasar ini`,
          );
        }
        if (!isStorableTotal(lineAmount(offer.unitPrice, offer.quantityMilli))) {
          throw fail(
            'BAD_USER_INPUT',
            `the offer's value (quantity × unitPrice) is above ${formatRupiah(MAX_DOCUMENT_TOTAL)}, more than one order may hold`,
            `nilai penawaran (jumlah × unitPrice) melebihi ${formatRupiah(MAX_DOCUMENT_TOTAL)}, lebih dari yang dapat dimuat satu pesanan`,
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
      // MBG rules: the legal ceiling (HET) and the producer's certificates on the delivery date.
      await this.offerRules.assertOffersEligible(
        this.dataSource.manager,
        cooperativeMarket,
        catalog,
        rows.map((row, i) => ({
          ...row,
          index: parsed[i]!.index,
          deliveryDate: demands.get(row.demandId)!.deliveryDate,
          stockLot: lots.get(row.stockLotId)!,
        })),
        inputs.length > 1,
      );
      const inserted = await this.insertIfStillOpen(rows, operator.userId, cooperative.regionCode, lotIds);
      if (inserted) {
        // (line, lot) is unique within one call, so it finds each row's generated id.
        const generated = new Map(inserted.map((row) => [`${row.demand_line_id}/${row.stock_lot_id}`, row]));
        return rows.map((row) => {
          const created = generated.get(`${row.demandLineId}/${row.stockLotId}`)!;
          return Object.assign(new OfferEntity(), row, { id: created.id, createdAt: created.created_at });
        });
      }
      // Fresh reads found nothing wrong twice, yet the re-check refused twice: say so, store nothing.
      if (attempt >= 2) {
        throw DomainError.conflict(
          'The market changed while your offers were being stored; try again',
          'Pasar berubah saat penawaran Anda disimpan; coba lagi',
        );
      }
    }
  }

  /**
   * The cooperative, the lines with their demands and the lots, in one statement and without
   * locks: insertIfStillOpen re-checks under lock what can change in between.
   */
  private async readOfferContext(
    cooperativeId: string,
    lineIds: readonly string[],
    lotIds: readonly string[],
    signedInMarket: string | null,
  ): Promise<OfferContext> {
    const [row]: (OfferCatalogRow & {
      cooperative: { regionCode: string; suspended: boolean } | null;
      lines: {
        id: string;
        demandId: string;
        commodityCode: string;
        maxUnitPrice: string | null;
        minGrade: QualityGrade | null;
        status: DemandStatus;
        biddingClosesAt: string;
        marketCode: string;
        deliveryDate: string;
      }[];
      lots: (Omit<OfferContextLot, 'quantity' | 'reservedQuantity'> & {
        quantity: string;
        reservedQuantity: string;
      })[];
    })[] = await OFFER_CONTEXT_SQL[lineIds.length === 1 && lotIds.length === 1 ? 'single' : 'batch'].run(
      this.dataSource,
      [cooperativeId, lineIds, lotIds, signedInMarket ? regionChain(signedInMarket) : [], signedInMarket],
    );
    if (!row?.cooperative) throw DomainError.notFound('Organization', 'Organisasi', { id: cooperativeId });
    return {
      cooperative: row.cooperative,
      signedInCatalog: signedInMarket ? offerCatalogFromRow(signedInMarket, row) : null,
      lines: new Map(
        row.lines.map((line) => [
          line.id,
          {
            id: line.id,
            demandId: line.demandId,
            commodityCode: line.commodityCode,
            maxUnitPrice: line.maxUnitPrice === null ? null : BigInt(line.maxUnitPrice),
            minGrade: line.minGrade,
          },
        ]),
      ),
      demands: new Map(
        row.lines.map((line) => [
          line.demandId,
          {
            id: line.demandId,
            status: line.status,
            biddingClosesAt: new Date(line.biddingClosesAt),
            marketCode: line.marketCode,
            deliveryDate: line.deliveryDate,
          },
        ]),
      ),
      lots: new Map(
        row.lots.map((lot) => [
          lot.id,
          {
            ...lot,
            quantity: decimalTextToMilli(lot.quantity),
            reservedQuantity: decimalTextToMilli(lot.reservedQuantity),
          },
        ]),
      ),
    };
  }

  /**
   * The offers and their audit entries in one statement, stored only if every demand is still
   * open (FOR SHARE: a close waits for this statement to commit and then sees the offers, or this
   * statement waits for the close and stores nothing), the cooperative is not suspended and no lot
   * was returned. Null when nothing was stored for one of those reasons (or a deadlock).
   */
  private async insertIfStillOpen(
    rows: readonly OfferRow[],
    actorUserId: string,
    regionCode: string,
    lotIds: readonly string[],
  ): Promise<{ id: string; created_at: Date; demand_line_id: string; stock_lot_id: string }[] | null> {
    const demandIds = unique(rows.map((row) => row.demandId));
    try {
      const inserted: { id: string; created_at: Date; demand_line_id: string; stock_lot_id: string }[] =
        await INSERT_OFFERS_SQL[rows.length === 1 ? 'single' : 'batch'].run(this.dataSource, [
          rows.map((row) => row.demandLineId),
          rows.map((row) => row.demandId),
          rows[0]!.cooperativeId,
          rows.map((row) => row.stockLotId),
          rows.map((row) => milliToDecimalText(row.quantity)),
          rows.map((row) => row.unitPrice.toString()),
          rows.map((row) => row.grade),
          actorUserId,
          regionCode,
          demandIds,
          lotIds,
        ]);
      return inserted.length === rows.length ? inserted : null;
    } catch (error) {
      // Postgres broke a lock cycle by aborting this statement: nothing was stored, so it is the
      // same as a market that changed meanwhile (check again on fresh reads, then retry once).
      if ((error as { code?: string }).code === DEADLOCK_DETECTED) return null;
      if (isUniqueViolation(error)) {
        throw DomainError.conflict(
          'You already have an offer from this lot on this line; withdraw it first to change it',
          'Anda sudah menawar dari lot ini pada baris ini; tarik dulu untuk mengubahnya',
        );
      }
      throw error;
    }
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
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

interface OfferContextLot {
  id: string;
  cooperativeId: string;
  commodityCode: string;
  quantity: number;
  reservedQuantity: number;
  grade: QualityGrade;
  consignorId: string | null;
  expiresOn: string | null;
  returnedAt: string | null;
}

interface OfferContext {
  cooperative: { regionCode: string; suspended: boolean };
  /** The catalog of the market the actor signed in to (null: no region on the session). */
  signedInCatalog: OfferCatalog | null;
  lines: Map<
    string,
    {
      id: string;
      demandId: string;
      commodityCode: string;
      maxUnitPrice: bigint | null;
      minGrade: QualityGrade | null;
    }
  >;
  demands: Map<
    string,
    { id: string; status: DemandStatus; biddingClosesAt: Date; marketCode: string; deliveryDate: string }
  >;
  lots: Map<string, OfferContextLot>;
}

interface OfferRow {
  demandLineId: string;
  demandId: string;
  cooperativeId: string;
  stockLotId: string;
  quantity: number;
  unitPrice: bigint;
  grade: QualityGrade;
  status: OfferStatus;
}
