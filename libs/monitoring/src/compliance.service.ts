import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { CatalogService } from '../../catalog/src/catalog.service.js';
import { CertificatesService } from '../../catalog/src/certificates.service.js';
import { referenceUnitPrices } from '../../catalog/src/reference-prices.service.js';
import { DomainError } from '../../core/src/domain-error.js';
import { decimalTextToMilli } from '../../core/src/quantity.js';
import { marketCodeOf, regionContains } from '../../core/src/region-code.js';
import { lineAmount } from '../../core/src/rupiah.js';
import { instantToLocalDate, requireLocalDate } from '../../core/src/time.js';
import { OrganizationEntity } from '../../database/src/entities/identity.entity.js';
import { PortionRecordEntity } from '../../database/src/entities/rules.entity.js';
import {
  coordinates,
  requireActor,
  requireOrganization,
  requireRole,
  type Actor,
} from '../../identity/src/actor.js';

const MAX_PORTIONS_PER_DAY = 100_000;
const MAX_PERIOD_DAYS = 366;

export interface KitchenCompliance {
  kitchenId: string;
  from: string;
  to: string;
  distinctSuppliers: number;
  meetsSupplierRule: boolean;
  minSuppliersPerKitchen: number;
  localShare: number;
  portions: number;
  spend: bigint;
  costPerPortion: bigint | null;
  budgetPerPortion: bigint;
  spendAboveReference: bigint;
  /** Holds an SLHS valid today; coordinators see kitchens without one flagged. */
  hasValidSlhs: boolean;
}

interface AcceptedLine {
  kitchen_id: string;
  cooperative_id: string;
  commodity_code: string;
  delivery_date: string;
  unit_price: string;
  accepted: string;
  source: string;
}

/**
 * BGN's rules per kitchen over a period (typically its 10-day funding cycle): at least N distinct
 * suppliers with accepted goods, cost per portion against the ingredient budget, what was paid
 * above reference prices, and how much of the spend stayed local (own stock and UMKM consignment;
 * BUMN stock is not local). All figures are of accepted goods, by delivery date.
 */
@Injectable()
export class ComplianceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly catalog: CatalogService,
    private readonly certificates: CertificatesService,
  ) {}

  /** One record per kitchen and day: a second call for the day replaces the first. */
  async recordPortions(actor: Actor | null, date: string, portions: number): Promise<PortionRecordEntity> {
    const manager = requireRole(actor, 'KITCHEN_MANAGER');
    const kitchenId = requireOrganization(manager);
    const day = requireLocalDate(date, 'date');
    if (!Number.isInteger(portions) || portions <= 0 || portions > MAX_PORTIONS_PER_DAY) {
      throw DomainError.badInput(
        `portions must be a whole number from 1 to ${MAX_PORTIONS_PER_DAY}`,
        `portions harus bilangan bulat 1 sampai ${MAX_PORTIONS_PER_DAY}`,
        { field: 'portions' },
      );
    }
    await this.dataSource.query(
      `INSERT INTO portion_record (kitchen_id, date, portions, recorded_at) VALUES ($1, $2, $3, now())
       ON CONFLICT (kitchen_id, date) DO UPDATE SET portions = EXCLUDED.portions, recorded_at = now()`,
      [kitchenId, day, portions],
    );
    return this.dataSource.getRepository(PortionRecordEntity).findOneByOrFail({ kitchenId, date: day });
  }

  /** Coordinators of the region: every kitchen in it; a kitchen manager: its own kitchen. */
  async kitchenCompliance(
    actor: Actor | null,
    regionCode: string,
    from: string,
    to: string,
  ): Promise<KitchenCompliance[]> {
    const signedIn = requireActor(actor);
    const [start, end] = requirePeriod(from, to);
    return this.figuresOf(await this.kitchensFor(signedIn, regionCode), start, end);
  }

  /** Every kitchen of the region, for the public scorecards (no sign-in; no offer's price). */
  async kitchensOfRegion(regionCode: string): Promise<OrganizationEntity[]> {
    await this.requireRegion(regionCode);
    return this.kitchensInRegion(regionCode);
  }

  /** The figures of already-authorised kitchens over an already-validated period. */
  async figuresOf(kitchens: OrganizationEntity[], start: string, end: string): Promise<KitchenCompliance[]> {
    if (kitchens.length === 0) return [];
    const kitchenIds = kitchens.map((k) => k.id);
    const lines: AcceptedLine[] = await this.dataSource.query(
      `SELECT o.kitchen_id, o.cooperative_id, l.commodity_code, o.delivery_date::text AS delivery_date,
              l.unit_price::text AS unit_price, l.accepted_quantity::text AS accepted, s.source
         FROM order_line l
         JOIN purchase_order o ON o.id = l.order_id
         JOIN stock_lot s ON s.id = l.stock_lot_id
        WHERE o.kitchen_id = ANY($1::uuid[]) AND o.delivery_date BETWEEN $2 AND $3
          AND l.accepted_quantity > 0
        ORDER BY l.id`,
      [kitchenIds, start, end],
    );
    const portionRows: { kitchen_id: string; portions: string }[] = await this.dataSource.query(
      `SELECT kitchen_id, sum(portions)::text AS portions FROM portion_record
        WHERE kitchen_id = ANY($1::uuid[]) AND date BETWEEN $2 AND $3 GROUP BY kitchen_id`,
      [kitchenIds, start, end],
    );
    const portionsOf = new Map(portionRows.map((row) => [row.kitchen_id, Number(row.portions)]));
    const withSlhs = await this.certificates.kitchensWithValidSlhs(
      kitchenIds,
      instantToLocalDate(new Date()),
    );
    const references = await this.referencesByDate(
      kitchens[0]!.regionCode,
      lines.map((line) => line.delivery_date),
    );
    const policies = new Map<string, Awaited<ReturnType<CatalogService['policyOf']>>>();
    const result: KitchenCompliance[] = [];
    for (const kitchen of kitchens) {
      const marketCode = marketCodeOf(kitchen.regionCode);
      if (!policies.has(marketCode)) policies.set(marketCode, await this.catalog.policyOf(marketCode));
      const policy = policies.get(marketCode)!;
      const own = lines.filter((line) => line.kitchen_id === kitchen.id);
      let spend = 0n;
      let local = 0n;
      let aboveReference = 0n;
      for (const line of own) {
        const accepted = decimalTextToMilli(line.accepted);
        const price = BigInt(line.unit_price);
        const value = lineAmount(price, accepted);
        spend += value;
        if (line.source === 'OWN' || line.source === 'CONSIGNMENT') local += value;
        const reference = references.get(line.delivery_date)?.get(line.commodity_code);
        if (reference !== undefined && price > reference)
          aboveReference += lineAmount(price - reference, accepted);
      }
      const portions = portionsOf.get(kitchen.id) ?? 0;
      const distinctSuppliers = new Set(own.map((line) => line.cooperative_id)).size;
      result.push({
        kitchenId: kitchen.id,
        from: start,
        to: end,
        distinctSuppliers,
        meetsSupplierRule: distinctSuppliers >= policy.minSuppliersPerKitchen,
        minSuppliersPerKitchen: policy.minSuppliersPerKitchen,
        localShare: spend === 0n ? 0 : Number(local) / Number(spend),
        portions,
        spend,
        costPerPortion: portions === 0 ? null : roundedQuotient(spend, BigInt(portions)),
        budgetPerPortion: policy.budgetPerPortion,
        spendAboveReference: aboveReference,
        hasValidSlhs: withSlhs.has(kitchen.id),
      });
    }
    return result;
  }

  private async requireRegion(regionCode: string): Promise<void> {
    if (!(await this.catalog.region(regionCode))) {
      throw DomainError.badInput(
        `Unknown region code ${regionCode}`,
        `Kode wilayah ${regionCode} tidak dikenal`,
        {
          field: 'regionCode',
        },
      );
    }
  }

  private async kitchensFor(actor: Actor, regionCode: string): Promise<OrganizationEntity[]> {
    await this.requireRegion(regionCode);
    if (actor.role === 'KITCHEN_MANAGER') {
      const kitchen = await this.dataSource
        .getRepository(OrganizationEntity)
        .findOneBy({ id: requireOrganization(actor) });
      if (!kitchen || !regionContains(regionCode, kitchen.regionCode)) {
        throw DomainError.forbidden(
          'A kitchen sees only its own figures, in its own region',
          'Dapur hanya melihat angkanya sendiri, di wilayahnya sendiri',
        );
      }
      return [kitchen];
    }
    if (!coordinates(actor, regionCode)) {
      throw DomainError.forbidden(
        'Compliance figures are for coordinators of the region and each kitchen itself',
        'Angka kepatuhan hanya untuk koordinator wilayah dan dapur itu sendiri',
      );
    }
    return this.kitchensInRegion(regionCode);
  }

  private kitchensInRegion(regionCode: string): Promise<OrganizationEntity[]> {
    return this.dataSource
      .getRepository(OrganizationEntity)
      .createQueryBuilder('o')
      .where(`o.kind = 'KITCHEN'`)
      .andWhere('(o.region_code = :region OR o.region_code LIKE :prefix)', {
        region: regionCode,
        prefix: `${regionCode}.%`,
      })
      .orderBy('o.name')
      .addOrderBy('o.id')
      .getMany();
  }

  /** The reference price per commodity on each delivery date (HAP, else HET, else market). */
  private async referencesByDate(
    regionCode: string,
    dates: readonly string[],
  ): Promise<Map<string, Map<string, bigint>>> {
    const byDate = new Map<string, Map<string, bigint>>();
    for (const date of new Set(dates)) {
      byDate.set(
        date,
        referenceUnitPrices(await this.catalog.referencePricesOn(marketCodeOf(regionCode), date)),
      );
    }
    return byDate;
  }
}

/** Both dates valid, in order, and at most MAX_PERIOD_DAYS apart (BAD_USER_INPUT otherwise). */
export function requirePeriod(from: string, to: string): [string, string] {
  const start = requireLocalDate(from, 'from');
  const end = requireLocalDate(to, 'to');
  if (end < start) throw DomainError.badInput('to is before from', 'to sebelum from', { field: 'to' });
  if ((Date.parse(end) - Date.parse(start)) / 86_400_000 >= MAX_PERIOD_DAYS) {
    throw DomainError.badInput(
      `The period is at most ${MAX_PERIOD_DAYS} days`,
      `Periode paling lama ${MAX_PERIOD_DAYS} hari`,
      { field: 'to' },
    );
  }
  return [start, end];
}

/** a / b to the nearest whole rupiah, halves up (both positive). */
function roundedQuotient(a: bigint, b: bigint): bigint {
  return (a * 2n + b) / (2n * b);
}
