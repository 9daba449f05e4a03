import { Injectable } from '@nestjs/common';
import { PreparedStatement } from '../../database/src/prepared-statement.js';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { DomainError } from '../../core/src/domain-error.js';
import { marketCodeOf } from '../../core/src/region-code.js';
import type { Actor } from '../../identity/src/actor.js';
import { requireActor, requireCoordinatorOf } from '../../identity/src/actor.js';
import { appendAudit } from '../../database/src/audit.js';
import {
  CommodityEntity,
  CommodityUnitEntity,
  MarketPolicyEntity,
  ReferencePriceEntity,
} from '../../database/src/entities/catalog.entity.js';
import { RegionEntity } from '../../database/src/entities/identity.entity.js';
import { normaliseWeights, DEFAULT_WEIGHTS, type Weights } from './weights.js';
import type { UnitDefinition } from './unit-conversion.js';
import { quantityToMilli } from '../../core/src/quantity.js';
import { applyRulesChange } from './market-rules.js';

export const DEFAULT_MAX_SUPPLIERS_PER_LINE = 3;

/** How long one process keeps commodities, units and regions before reading them again. */
export const STATIC_CATALOG_TTL_MS = 5 * 60_000;

interface StaticCatalog {
  commodities: CommodityEntity[];
  commodityByCode: Map<string, CommodityEntity>;
  units: CommodityUnitEntity[];
  regionByCode: Map<string, RegionEntity>;
}

export const DEFAULT_MIN_SUPPLIERS_PER_KITCHEN = 15;
export const DEFAULT_BUDGET_PER_PORTION = 10_000n;

export interface CertificateRule {
  commodityCode: string;
  kind: string;
}

export interface MarketPolicy {
  regionCode: string;
  maxSuppliersPerLine: number;
  defaultWeights: Weights;
  minAwardMilli: Record<string, number>;
  requiredCertificates: CertificateRule[];
  minSuppliersPerKitchen: number;
  budgetPerPortion: bigint;
  /** Null: the diversity objective is off. */
  diversityTolerance: number | null;
}

export interface MarketPolicyChange {
  regionCode: string;
  maxSuppliersPerLine?: number | null;
  defaultWeights?: Weights | null;
  minAwardQuantities?: { commodityCode: string; quantity: number }[] | null;
  requiredCertificates?: CertificateRule[] | null;
  minSuppliersPerKitchen?: number | null;
  budgetPerPortion?: bigint | null;
  /** 0 turns the diversity objective off. */
  diversityTolerance?: number | null;
}

/**
 * The select-list of what the offer path needs from the catalog: the reference prices of a
 * region chain (of some commodities, or all) and the market's policy, as JSON. The offer path
 * puts it into its own context statement (one round trip for both); `offerCatalogFromRow` reads
 * the two columns back.
 */
export function offerCatalogColumns(
  chainParam: string,
  marketParam: string,
  /** A subquery of commodity codes: only their reference prices (all when absent). */
  commoditiesSql?: string,
): string {
  const commodities = commoditiesSql ? ` AND p.commodity_code IN (${commoditiesSql})` : '';
  return `(SELECT COALESCE(json_agg(json_build_object(
                   'id', p.id, 'commodityCode', p.commodity_code, 'regionCode', p.region_code,
                   'unitPrice', p.unit_price::text, 'validFrom', p.valid_from::text, 'kind', p.kind,
                   'source', p.source)
                   ORDER BY p.commodity_code, length(p.region_code) DESC, p.valid_from DESC), '[]'::json)
            FROM reference_price p WHERE p.region_code = ANY(${chainParam}::varchar[])${commodities}) AS catalog_prices,
         (SELECT json_build_object(
                   'maxSuppliersPerLine', m.max_suppliers_per_line, 'weightPrice', m.weight_price,
                   'weightQuality', m.weight_quality, 'weightDistance', m.weight_distance,
                   'weightReliability', m.weight_reliability, 'minAwardMilli', m.min_award_milli,
                   'requiredCertificates', m.required_certificates,
                   'minSuppliersPerKitchen', m.min_suppliers_per_kitchen,
                   'budgetPerPortion', m.budget_per_portion::text, 'diversityTolerance', m.diversity_tolerance)
            FROM market_policy m WHERE m.region_code = ${marketParam}) AS catalog_policy`;
}

/** The two columns of `offerCatalogColumns`, as a row brings them. */
export interface OfferCatalogRow {
  catalog_prices: RawReferencePrice[];
  catalog_policy: RawMarketPolicy | null;
}

/** The offer catalog of `marketCode` from the columns `offerCatalogColumns` selected. */
export function offerCatalogFromRow(marketCode: string, row: OfferCatalogRow): OfferCatalog {
  const prices = row.catalog_prices.map((price) =>
    Object.assign(new ReferencePriceEntity(), { ...price, unitPrice: BigInt(price.unitPrice) }),
  );
  const policyRow = row.catalog_policy
    ? Object.assign(new MarketPolicyEntity(), {
        ...row.catalog_policy,
        regionCode: marketCode,
        budgetPerPortion: BigInt(row.catalog_policy.budgetPerPortion),
      })
    : null;
  return {
    policy: policyFromRow(marketCode, policyRow),
    referencePrices: newestPerKind(prices),
    hetOn: (commodityCodes, onDate) => hetFromPrices(prices, commodityCodes, onDate),
  };
}

const OFFER_CATALOG_SQL = new PreparedStatement(
  'pgz_offer_catalog_v2',
  `SELECT ${offerCatalogColumns('$1', '$2')}`,
);

@Injectable()
export class CatalogService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Commodities, their units and the regions change only with a migration or the seed, yet
   * every request reads them: one copy per process, reloaded after STATIC_CATALOG_TTL_MS so a
   * new seed shows without a restart. Callers treat the shared rows as read-only.
   */
  private staticCatalog: { loadedAt: number; data: Promise<StaticCatalog> } | null = null;

  private loadStaticCatalog(): Promise<StaticCatalog> {
    if (this.staticCatalog && Date.now() - this.staticCatalog.loadedAt < STATIC_CATALOG_TTL_MS) {
      return this.staticCatalog.data;
    }
    const data = Promise.all([
      this.dataSource.getRepository(CommodityEntity).find({ order: { category: 'ASC', code: 'ASC' } }),
      this.dataSource
        .getRepository(CommodityUnitEntity)
        .find({ order: { commodityCode: 'ASC', code: 'ASC' } }),
      this.dataSource.getRepository(RegionEntity).find(),
    ]).then(([commodities, units, regions]) => ({
      commodities,
      commodityByCode: new Map(commodities.map((commodity) => [commodity.code, commodity])),
      units,
      regionByCode: new Map(regions.map((region) => [region.code, region])),
    }));
    const entry = { loadedAt: Date.now(), data };
    this.staticCatalog = entry;
    // A failed load is not kept: the next caller tries again.
    data.catch(() => {
      if (this.staticCatalog === entry) this.staticCatalog = null;
    });
    return data;
  }

  /** Forgets the cached commodities, units and regions (after the seed writes them). */
  forgetStaticCatalog(): void {
    this.staticCatalog = null;
  }

  async commodities(): Promise<CommodityEntity[]> {
    return [...(await this.loadStaticCatalog()).commodities];
  }

  async commoditiesByCodes(codes: readonly string[]): Promise<CommodityEntity[]> {
    const { commodityByCode } = await this.loadStaticCatalog();
    return [...new Set(codes)].flatMap((code) => {
      const commodity = commodityByCode.get(code);
      return commodity ? [commodity] : [];
    });
  }

  async unitsByCommodityCodes(codes: readonly string[]): Promise<CommodityUnitEntity[]> {
    const wanted = new Set(codes);
    return (await this.loadStaticCatalog()).units.filter((unit) => wanted.has(unit.commodityCode));
  }

  /** Base unit and counted units of each commodity, for converting quantities people type. */
  async unitCatalog(
    codes: readonly string[],
  ): Promise<Map<string, { baseUnit: string; units: UnitDefinition[] }>> {
    const unique = [...new Set(codes)];
    const [commodities, units] = await Promise.all([
      this.commoditiesByCodes(unique),
      this.unitsByCommodityCodes(unique),
    ]);
    return new Map(
      commodities.map((commodity) => [
        commodity.code,
        {
          baseUnit: commodity.baseUnit,
          units: units.filter((unit) => unit.commodityCode === commodity.code),
        },
      ]),
    );
  }

  async region(code: string): Promise<RegionEntity | null> {
    return (await this.loadStaticCatalog()).regionByCode.get(code) ?? null;
  }

  /**
   * Reference prices that apply in a region: the newest per commodity, taken from the region
   * itself or the nearest enclosing region that has one (a ward inherits its city's prices).
   */
  async referencePrices(actor: Actor | null, regionCode: string): Promise<ReferencePriceEntity[]> {
    requireActor(actor);
    const region = await this.region(regionCode);
    if (!region) {
      throw DomainError.badInput(
        `Unknown region code ${regionCode}`,
        `Kode wilayah ${regionCode} tidak dikenal`,
        {
          field: 'regionCode',
        },
      );
    }
    return this.referencePricesOn(regionCode, null);
  }

  /** Same rule per kind, on a given date (null: any date). */
  async referencePricesOn(regionCode: string, onDate: string | null): Promise<ReferencePriceEntity[]> {
    const chain = regionChain(regionCode);
    const rows = await this.dataSource
      .getRepository(ReferencePriceEntity)
      .createQueryBuilder('price')
      .where('price.region_code IN (:...chain)', { chain })
      .andWhere(onDate ? 'price.valid_from <= :onDate' : 'TRUE', { onDate })
      .orderBy('price.commodity_code')
      .addOrderBy('length(price.region_code)', 'DESC')
      .addOrderBy('price.valid_from', 'DESC')
      .getMany();
    return newestPerKind(rows);
  }

  /**
   * What the offer path needs from the catalog, in one statement: the market's policy and every
   * reference price of its region chain (the newest per kind, and HET on any delivery date).
   * One round trip instead of three on the hottest write of the day.
   */
  async offerCatalogOf(marketCode: string): Promise<OfferCatalog> {
    const [row]: OfferCatalogRow[] = await OFFER_CATALOG_SQL.run(this.dataSource, [
      regionChain(marketCode),
      marketCode,
    ]);
    return offerCatalogFromRow(marketCode, row!);
  }

  async marketPolicy(actor: Actor | null, regionCode: string): Promise<MarketPolicy> {
    requireActor(actor);
    return this.policyOf(marketCodeOf(regionCode));
  }

  /** The rules the award engine applies in a market; defaults where the city set nothing. */
  async policyOf(marketCode: string): Promise<MarketPolicy> {
    const row = await this.dataSource.getRepository(MarketPolicyEntity).findOneBy({ regionCode: marketCode });
    return policyFromRow(marketCode, row);
  }

  async updateMarketPolicy(actor: Actor | null, change: MarketPolicyChange): Promise<MarketPolicy> {
    const marketCode = marketCodeOf(change.regionCode);
    // Who asks comes before what is asked: signed out is UNAUTHENTICATED, a kitchen FORBIDDEN.
    const signedIn = requireCoordinatorOf(actor, marketCode);
    if (!(await this.region(marketCode))) {
      throw DomainError.badInput(
        `Unknown region code ${change.regionCode}`,
        `Kode wilayah ${change.regionCode} tidak dikenal`,
        { field: 'regionCode' },
      );
    }
    const current = await this.policyOf(marketCode);
    const next: MarketPolicy = { ...current, minAwardMilli: { ...current.minAwardMilli } };
    if (change.maxSuppliersPerLine !== undefined && change.maxSuppliersPerLine !== null) {
      if (
        !Number.isInteger(change.maxSuppliersPerLine) ||
        change.maxSuppliersPerLine < 1 ||
        change.maxSuppliersPerLine > 20
      ) {
        throw DomainError.badInput(
          'maxSuppliersPerLine must be a whole number from 1 to 20',
          'maxSuppliersPerLine harus bilangan bulat 1 sampai 20',
          { field: 'maxSuppliersPerLine' },
        );
      }
      next.maxSuppliersPerLine = change.maxSuppliersPerLine;
    }
    if (change.defaultWeights) next.defaultWeights = normaliseWeights(change.defaultWeights);
    if (change.minAwardQuantities) {
      if (change.minAwardQuantities.length > 200) {
        throw DomainError.badInput(
          'At most 200 minimums at once',
          'Paling banyak 200 batas minimum sekaligus',
        );
      }
      const codes = change.minAwardQuantities.map((m) => m.commodityCode);
      const known = new Set((await this.commoditiesByCodes(codes)).map((c) => c.code));
      for (const minimum of change.minAwardQuantities) {
        if (!known.has(minimum.commodityCode)) {
          throw DomainError.badInput(
            `Unknown commodity ${minimum.commodityCode}`,
            `Komoditas ${minimum.commodityCode} tidak dikenal`,
            { field: 'commodityCode' },
          );
        }
        const milli = quantityToMilli(minimum.quantity, 'minAwardQuantities.quantity', true);
        if (milli === 0) delete next.minAwardMilli[minimum.commodityCode];
        else next.minAwardMilli[minimum.commodityCode] = milli;
      }
    }
    await applyRulesChange(change, next, (codes) => this.commoditiesByCodes(codes));
    await this.dataSource.transaction(async (manager) => {
      await manager.upsert(
        MarketPolicyEntity,
        {
          regionCode: marketCode,
          maxSuppliersPerLine: next.maxSuppliersPerLine,
          weightPrice: next.defaultWeights.price,
          weightQuality: next.defaultWeights.quality,
          weightDistance: next.defaultWeights.distance,
          weightReliability: next.defaultWeights.reliability,
          minAwardMilli: next.minAwardMilli,
          requiredCertificates: next.requiredCertificates,
          minSuppliersPerKitchen: next.minSuppliersPerKitchen,
          budgetPerPortion: next.budgetPerPortion,
          diversityTolerance: next.diversityTolerance,
          updatedAt: new Date(),
        },
        ['regionCode'],
      );
      await appendAudit(manager, {
        actorUserId: signedIn.userId,
        action: 'marketPolicy.updated',
        entityType: 'MarketPolicy',
        entityId: '00000000-0000-0000-0000-000000000000',
        regionCode: marketCode,
        before: { ...current, budgetPerPortion: current.budgetPerPortion.toString() },
        after: { ...next, budgetPerPortion: next.budgetPerPortion.toString() },
      });
    });
    return next;
  }
}

/** 35.72.01.1001 -> [35.72.01.1001, 35.72.01, 35.72, 35] */
export function regionChain(code: string): string[] {
  const parts = code.split('.');
  return parts.map((_, index) => parts.slice(0, parts.length - index).join('.'));
}

/** The rules the award engine applies in a market; defaults where the city set nothing. */
export function policyFromRow(marketCode: string, row: MarketPolicyEntity | null): MarketPolicy {
  if (!row) {
    return {
      regionCode: marketCode,
      maxSuppliersPerLine: DEFAULT_MAX_SUPPLIERS_PER_LINE,
      defaultWeights: { ...DEFAULT_WEIGHTS },
      minAwardMilli: {},
      requiredCertificates: [],
      minSuppliersPerKitchen: DEFAULT_MIN_SUPPLIERS_PER_KITCHEN,
      budgetPerPortion: DEFAULT_BUDGET_PER_PORTION,
      diversityTolerance: null,
    };
  }
  return {
    regionCode: marketCode,
    maxSuppliersPerLine: row.maxSuppliersPerLine,
    defaultWeights: {
      price: row.weightPrice,
      quality: row.weightQuality,
      distance: row.weightDistance,
      reliability: row.weightReliability,
    },
    minAwardMilli: row.minAwardMilli,
    requiredCertificates: row.requiredCertificates,
    minSuppliersPerKitchen: row.minSuppliersPerKitchen,
    budgetPerPortion: row.budgetPerPortion,
    diversityTolerance: row.diversityTolerance,
  };
}

/** Newest per commodity and kind (HET, HAP, MARKET are different prices of one commodity). */
export function newestPerKind(
  /** Ordered by commodity, the most specific region first, the newest first. */
  rows: readonly ReferencePriceEntity[],
): ReferencePriceEntity[] {
  const newest = new Map<string, ReferencePriceEntity>();
  for (const row of rows) {
    const key = `${row.commodityCode}/${row.kind}`;
    if (!newest.has(key)) newest.set(key, row);
  }
  return [...newest.values()];
}

/** The HET of each commodity on a date: the most specific region's newest one valid by then. */
export function hetFromPrices(
  /** Ordered by commodity, the most specific region first, the newest first. */
  rows: readonly ReferencePriceEntity[],
  commodityCodes: readonly string[],
  onDate: string,
): Map<string, bigint> {
  const wanted = new Set(commodityCodes);
  const het = new Map<string, bigint>();
  for (const row of rows) {
    if (row.kind !== 'HET' || !wanted.has(row.commodityCode) || row.validFrom > onDate) continue;
    if (!het.has(row.commodityCode)) het.set(row.commodityCode, row.unitPrice);
  }
  return het;
}

/** The catalog as the offer path reads it (CatalogService.offerCatalogOf). */
export interface OfferCatalog {
  policy: MarketPolicy;
  /** As referencePricesOn(market, null). */
  referencePrices: ReferencePriceEntity[];
  /** As ReferencePricesService.hetOn, from the same read. */
  hetOn(commodityCodes: readonly string[], onDate: string): Map<string, bigint>;
}

export type RawReferencePrice = Omit<ReferencePriceEntity, 'unitPrice'> & { unitPrice: string };
export type RawMarketPolicy = Omit<MarketPolicyEntity, 'budgetPerPortion' | 'regionCode'> & {
  budgetPerPortion: string;
};
