import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '../../core/src/domain-error.js';
import { decimalTextToMilli } from '../../core/src/quantity.js';
import { lineAmount } from '../../core/src/rupiah.js';
import { requireLocalDate } from '../../core/src/time.js';
import { CatalogService } from '../../catalog/src/catalog.service.js';
import { referenceUnitPrices } from '../../catalog/src/reference-prices.service.js';
import { requireCoordinatorOf, type Actor } from '../../identity/src/actor.js';

export interface CommodityFigures {
  commodityCode: string;
  demandedMilli: number;
  awardedMilli: number;
  receivedMilli: number;
  /** Quantity the spend is for: accepted where received, ordered otherwise. */
  billableMilli: number;
  spend: bigint;
  averageUnitPrice: bigint | null;
  referenceUnitPrice: bigint | null;
}

export interface CooperativeFigures {
  cooperativeId: string;
  awardedMilli: number;
  receivedMilli: number;
  rejectedMilli: number;
  inspectedMilli: number;
  revenue: bigint;
}

export interface FulfilmentFigures {
  regionCode: string;
  from: string;
  to: string;
  demandedMilli: number;
  awardedMilli: number;
  receivedMilli: number;
  fillRate: number;
  onTimeRate: number;
  rejectionRate: number;
  spend: bigint;
  spendAtReference: bigint;
  byCommodity: CommodityFigures[];
  byCooperative: CooperativeFigures[];
}

const MAX_REPORT_DAYS = 366;

/*
 * What the report counts, shared with the fulfilment export so its rows cannot drift from the
 * report's totals. Parameters: $1 from, $2 to, $3 region code, $4 its prefix (`code.%`).
 */
/** Demand counts unless cancelled (alias d: demand_request). */
export const COUNTED_DEMAND = `d.delivery_date BETWEEN $1 AND $2 AND d.status <> 'CANCELLED'`;
/** Awarded goods count while their order is not declined or cancelled (alias o: purchase_order). */
export const COUNTED_ORDER = `o.delivery_date BETWEEN $1 AND $2 AND o.status NOT IN ('DECLINED', 'CANCELLED')`;
/** The kitchen (alias k: organization) is inside the region. */
export const KITCHEN_IN_REGION = `(k.region_code = $3 OR k.region_code LIKE $4)`;

/** Orders received, and received by their deadline, for the on-time rate. */
export const TIMELINESS_SQL = `SELECT count(*) FILTER (WHERE o.received_at IS NOT NULL) AS received,
        count(*) FILTER (WHERE o.received_at <= o.deliver_by) AS on_time
   FROM purchase_order o JOIN organization k ON k.id = o.kitchen_id
  WHERE ${COUNTED_ORDER} AND ${KITCHEN_IN_REGION}`;

/** Once received, money follows what was accepted; before that, what was ordered. */
export function billableMilli(quantity: number, accepted: number | null): number {
  return accepted === null ? quantity : accepted;
}

/** The report's period check: real dates, in order, at most 366 days (BAD_USER_INPUT otherwise). */
export function requireReportPeriod(from: string, to: string): void {
  requireLocalDate(from, 'from');
  requireLocalDate(to, 'to');
  if (from > to)
    throw DomainError.badInput('from is after to', 'from lebih lambat dari to', { field: 'from' });
  const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
  if (days > MAX_REPORT_DAYS) {
    throw DomainError.badInput('A report covers at most 366 days', 'Laporan paling panjang 366 hari', {
      field: 'to',
    });
  }
}

/**
 * What the coordinator watches: for demand delivered in [from, to] inside the region, how
 * much was asked for, awarded and accepted on receipt, what it cost and what the same goods
 * cost at reference prices. Awarded goods count while their order is not declined or cancelled;
 * spend follows the accepted quantity once an order is received, the ordered one before, and a
 * cooperative's revenue is the value of its accepted goods.
 */
@Injectable()
export class FulfilmentService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
  ) {}

  async fulfilmentReport(
    actor: Actor | null,
    regionCode: string,
    from: string,
    to: string,
  ): Promise<FulfilmentFigures> {
    requireCoordinatorOf(actor, regionCode);
    requireReportPeriod(from, to);
    const scope = [regionCode, `${regionCode}.%`];
    const demanded: { commodity_code: string; demanded: string }[] = await this.dataSource.query(
      `SELECT l.commodity_code, sum(l.quantity)::text AS demanded
         FROM demand_line l JOIN demand_request d ON d.id = l.demand_id
         JOIN organization k ON k.id = d.kitchen_id
        WHERE ${COUNTED_DEMAND} AND ${KITCHEN_IN_REGION}
        GROUP BY l.commodity_code`,
      [from, to, ...scope],
    );
    const ordered: {
      commodity_code: string;
      cooperative_id: string;
      unit_price: string;
      quantity: string;
      accepted: string | null;
      rejected: string | null;
    }[] = await this.dataSource.query(
      `SELECT l.commodity_code, o.cooperative_id, l.unit_price::text, l.quantity::text,
              l.accepted_quantity::text AS accepted, l.rejected_quantity::text AS rejected
         FROM order_line l JOIN purchase_order o ON o.id = l.order_id
         JOIN organization k ON k.id = o.kitchen_id
        WHERE ${COUNTED_ORDER} AND ${KITCHEN_IN_REGION}
        ORDER BY l.id`,
      [from, to, ...scope],
    );
    const [timeliness] = (await this.dataSource.query(TIMELINESS_SQL, [from, to, ...scope])) as {
      received: string;
      on_time: string;
    }[];
    const receivedOrders = Number(timeliness?.received ?? 0);
    const onTimeOrders = Number(timeliness?.on_time ?? 0);
    const references = referenceUnitPrices(await this.catalog.referencePricesOn(regionCode, to));

    const commodities = new Map<string, CommodityFigures>();
    const commodity = (code: string): CommodityFigures => {
      let figures = commodities.get(code);
      if (!figures) {
        figures = {
          commodityCode: code,
          demandedMilli: 0,
          awardedMilli: 0,
          receivedMilli: 0,
          billableMilli: 0,
          spend: 0n,
          averageUnitPrice: null,
          referenceUnitPrice: references.get(code) ?? null,
        };
        commodities.set(code, figures);
      }
      return figures;
    };
    const cooperatives = new Map<string, CooperativeFigures>();
    for (const row of demanded)
      commodity(row.commodity_code).demandedMilli += decimalTextToMilli(row.demanded);

    let spendAtReference = 0n;
    for (const row of ordered) {
      const quantity = decimalTextToMilli(row.quantity);
      const accepted = row.accepted === null ? 0 : decimalTextToMilli(row.accepted);
      const rejected = row.rejected === null ? 0 : decimalTextToMilli(row.rejected);
      const inspected = row.accepted === null ? 0 : accepted + rejected;
      const price = BigInt(row.unit_price);
      const figures = commodity(row.commodity_code);
      figures.awardedMilli += quantity;
      figures.receivedMilli += accepted;
      const billable = billableMilli(quantity, row.accepted === null ? null : accepted);
      figures.spend += lineAmount(price, billable);
      figures.billableMilli += billable;
      const reference = references.get(row.commodity_code);
      spendAtReference += lineAmount(reference ?? price, billable);
      let coop = cooperatives.get(row.cooperative_id);
      if (!coop) {
        coop = {
          cooperativeId: row.cooperative_id,
          awardedMilli: 0,
          receivedMilli: 0,
          rejectedMilli: 0,
          inspectedMilli: 0,
          revenue: 0n,
        };
        cooperatives.set(row.cooperative_id, coop);
      }
      coop.awardedMilli += quantity;
      coop.receivedMilli += accepted;
      coop.rejectedMilli += rejected;
      coop.inspectedMilli += inspected;
      coop.revenue += lineAmount(price, accepted);
    }
    for (const figures of commodities.values()) {
      figures.averageUnitPrice =
        figures.awardedMilli > 0
          ? (figures.spend * 1000n + BigInt(figures.awardedMilli) / 2n) / BigInt(figures.awardedMilli)
          : null;
    }
    const totals = [...commodities.values()].reduce(
      (sum, c) => ({
        demanded: sum.demanded + c.demandedMilli,
        awarded: sum.awarded + c.awardedMilli,
        received: sum.received + c.receivedMilli,
        spend: sum.spend + c.spend,
      }),
      { demanded: 0, awarded: 0, received: 0, spend: 0n },
    );
    const rejected = [...cooperatives.values()].reduce((sum, c) => sum + c.rejectedMilli, 0);
    const inspected = [...cooperatives.values()].reduce((sum, c) => sum + c.inspectedMilli, 0);
    return {
      regionCode,
      from,
      to,
      demandedMilli: totals.demanded,
      awardedMilli: totals.awarded,
      receivedMilli: totals.received,
      fillRate: totals.demanded > 0 ? totals.received / totals.demanded : 0,
      onTimeRate: receivedOrders > 0 ? onTimeOrders / receivedOrders : 0,
      rejectionRate: inspected > 0 ? rejected / inspected : 0,
      spend: totals.spend,
      spendAtReference,
      byCommodity: [...commodities.values()].sort((a, b) => a.commodityCode.localeCompare(b.commodityCode)),
      byCooperative: [...cooperatives.values()].sort((a, b) =>
        a.cooperativeId.localeCompare(b.cooperativeId),
      ),
    };
  }
}
