import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { DomainError } from '../../core/src/domain-error.js';
import { parseLocalDate, requireLocalDate } from '../../core/src/time.js';
import { appendAudit } from '../../database/src/audit.js';
import {
  CommodityEntity,
  REFERENCE_PRICE_KINDS,
  ReferencePriceEntity,
  type ReferencePriceKind,
} from '../../database/src/entities/catalog.entity.js';
import { RegionEntity } from '../../database/src/entities/identity.entity.js';
import { coordinates, requireCoordinatorOf, requireRole, type Actor } from '../../identity/src/actor.js';
import { hetFromPrices, regionChain } from './catalog.service.js';
import { CsvSyntaxError, parseCsv, parseDate, parsePrice } from './csv.js';

export interface ReferencePriceInput {
  commodityCode: string;
  regionCode: string;
  kind: ReferencePriceKind;
  unitPrice: bigint;
  validFrom: string;
  source: string;
}

export interface ImportError {
  line: number;
  message: string;
}

export interface ImportResult {
  imported: number;
  errors: ImportError[];
}

export const CSV_COLUMNS = [
  'commodityCode',
  'regionCode',
  'kind',
  'unitPrice',
  'validFrom',
  'source',
] as const;
const MAX_CSV_CHARACTERS = 1_000_000;
const MAX_CSV_ROWS = 5_000;
/** An import with many bad lines names the first ones; the rest are counted in the last message. */
const MAX_ERRORS_LISTED = 50;

/**
 * One reference price per commodity for comparing spend: the government's (HAP, or HET where
 * that is all there is) before an observed market price.
 */
export function referenceUnitPrices(prices: readonly ReferencePriceEntity[]): Map<string, bigint> {
  const preference: Record<ReferencePriceKind, number> = { HAP: 0, HET: 1, MARKET: 2 };
  const best = new Map<string, ReferencePriceEntity>();
  for (const price of prices) {
    const current = best.get(price.commodityCode);
    if (!current || preference[price.kind] < preference[current.kind]) best.set(price.commodityCode, price);
  }
  return new Map([...best].map(([code, price]) => [code, price.unitPrice]));
}

/**
 * Reference prices by kind: coordinators set them one by one or import a Panel Harga-shaped CSV
 * (all or nothing). HET, the legal ceiling, is what offers are checked against.
 */
@Injectable()
export class ReferencePricesService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async setReferencePrice(actor: Actor | null, input: ReferencePriceInput): Promise<ReferencePriceEntity> {
    const coordinator = requireCoordinatorOf(actor, input.regionCode);
    const problems = await this.problemsOf([input]);
    const problem = problems.get(0);
    if (problem) throw DomainError.badInput(problem.en, problem.id, { field: problem.field });
    return this.dataSource.transaction(async (tx) => {
      const [saved] = await this.upsert(tx, [normalised(input)]);
      await appendAudit(tx, {
        actorUserId: coordinator.userId,
        action: 'referencePrice.set',
        entityType: 'ReferencePrice',
        entityId: saved!.id,
        regionCode: input.regionCode,
        after: { ...normalised(input), unitPrice: input.unitPrice.toString() },
      });
      return saved!;
    });
  }

  /**
   * Header `commodityCode,regionCode,kind,unitPrice,validFrom,source` (any order, extra columns
   * ignored). Prices may carry thousands separators and "Rp" (13.500, Rp 13,500); dates are
   * YYYY-MM-DD or DD/MM/YYYY. Any error: nothing is imported and every error names its line.
   */
  async importReferencePrices(actor: Actor | null, csv: string): Promise<ImportResult> {
    const coordinator = requireRole(actor, 'CITY_COORDINATOR', 'ADMIN');
    if (csv.length > MAX_CSV_CHARACTERS) {
      throw DomainError.badInput('The CSV is larger than 1 MB', 'CSV lebih besar dari 1 MB', {
        field: 'csv',
      });
    }
    let records;
    try {
      records = parseCsv(csv);
    } catch (error) {
      if (error instanceof CsvSyntaxError)
        return { imported: 0, errors: [{ line: error.line, message: error.message }] };
      throw error;
    }
    const [header, ...rows] = records;
    if (!header) return { imported: 0, errors: [{ line: 1, message: 'the CSV is empty / CSV kosong' }] };
    const columns = header.fields.map((name) => name.trim());
    const missing = CSV_COLUMNS.filter((name) => !columns.includes(name));
    if (missing.length > 0) {
      return {
        imported: 0,
        errors: [
          {
            line: header.line,
            message: `the header lacks ${missing.join(', ')} / kolom tidak ada: ${missing.join(', ')}`,
          },
        ],
      };
    }
    if (rows.length > MAX_CSV_ROWS) {
      throw DomainError.badInput(
        `At most ${MAX_CSV_ROWS} prices at once`,
        `Paling banyak ${MAX_CSV_ROWS} harga sekaligus`,
        {
          field: 'csv',
        },
      );
    }
    const errors: ImportError[] = [];
    const inputs: { line: number; input: ReferencePriceInput }[] = [];
    const seen = new Map<string, number>();
    for (const row of rows) {
      const value = (name: (typeof CSV_COLUMNS)[number]) => (row.fields[columns.indexOf(name)] ?? '').trim();
      if (row.fields.length !== columns.length) {
        errors.push({
          line: row.line,
          message: `expected ${columns.length} fields, found ${row.fields.length}`,
        });
        continue;
      }
      const unitPrice = parsePrice(value('unitPrice'));
      const validFrom = parseDate(value('validFrom'));
      const kind = value('kind').toUpperCase();
      if (unitPrice === null) {
        errors.push({
          line: row.line,
          message: `unitPrice "${value('unitPrice')}" is not a whole rupiah amount`,
        });
        continue;
      }
      if (validFrom === null) {
        errors.push({
          line: row.line,
          message: `validFrom "${value('validFrom')}" is not a date (YYYY-MM-DD or DD/MM/YYYY)`,
        });
        continue;
      }
      const input: ReferencePriceInput = {
        commodityCode: value('commodityCode'),
        regionCode: value('regionCode'),
        kind: kind as ReferencePriceKind,
        unitPrice,
        validFrom,
        source: value('source'),
      };
      const key = `${input.commodityCode}/${input.regionCode}/${input.kind}/${validFrom}`;
      const earlier = seen.get(key);
      if (earlier !== undefined) {
        errors.push({
          line: row.line,
          message: `repeats line ${earlier} (same commodity, region, kind and date)`,
        });
        continue;
      }
      seen.set(key, row.line);
      if (!coordinates(coordinator, input.regionCode)) {
        errors.push({
          line: row.line,
          message: `region ${input.regionCode} is outside your region ${coordinator.regionCode}`,
        });
        continue;
      }
      inputs.push({ line: row.line, input });
    }
    const problems = await this.problemsOf(inputs.map((i) => i.input));
    for (const [index, problem] of problems) errors.push({ line: inputs[index]!.line, message: problem.en });
    if (errors.length > 0) {
      errors.sort((a, b) => a.line - b.line);
      const listed = errors.slice(0, MAX_ERRORS_LISTED);
      if (errors.length > listed.length) {
        listed.push({
          line: errors[listed.length]!.line,
          message: `and ${errors.length - listed.length} more errors`,
        });
      }
      return { imported: 0, errors: listed };
    }
    if (inputs.length === 0)
      return { imported: 0, errors: [{ line: header.line, message: 'no price lines after the header' }] };
    await this.dataSource.transaction(async (tx) => {
      await this.upsert(
        tx,
        inputs.map((i) => normalised(i.input)),
      );
      await appendAudit(tx, {
        actorUserId: coordinator.userId,
        action: 'referencePrice.imported',
        entityType: 'ReferencePrice',
        entityId: '00000000-0000-0000-0000-000000000000',
        regionCode: coordinator.regionCode ?? '',
        after: { lines: inputs.length },
      });
    });
    return { imported: inputs.length, errors: [] };
  }

  /**
   * The HET of each commodity on `onDate` in a region: the newest valid then, from the region
   * itself or the nearest enclosing one. Commodities without an HET are absent.
   */
  async hetOn(
    manager: EntityManager,
    regionCode: string,
    commodityCodes: readonly string[],
    onDate: string,
  ): Promise<Map<string, bigint>> {
    if (commodityCodes.length === 0) return new Map();
    const rows = await manager
      .getRepository(ReferencePriceEntity)
      .createQueryBuilder('price')
      .where('price.region_code IN (:...chain)', { chain: regionChain(regionCode) })
      .andWhere(`price.kind = 'HET'`)
      .andWhere('price.commodity_code IN (:...codes)', { codes: [...new Set(commodityCodes)] })
      .andWhere('price.valid_from <= :onDate', { onDate })
      .orderBy('price.commodity_code')
      .addOrderBy('length(price.region_code)', 'DESC')
      .addOrderBy('price.valid_from', 'DESC')
      .getMany();
    return hetFromPrices(rows, commodityCodes, onDate);
  }

  /** Problems by input index, in both languages; checks that need the database in two queries. */
  private async problemsOf(
    inputs: readonly ReferencePriceInput[],
  ): Promise<Map<number, { en: string; id: string; field: string }>> {
    const problems = new Map<number, { en: string; id: string; field: string }>();
    const codes = [...new Set(inputs.map((i) => i.commodityCode))];
    const regions = [...new Set(inputs.map((i) => i.regionCode))];
    const knownCommodities = new Set(
      codes.length === 0
        ? []
        : (await this.dataSource.getRepository(CommodityEntity).findBy({ code: In(codes) })).map(
            (c) => c.code,
          ),
    );
    const knownRegions = new Set(
      regions.length === 0
        ? []
        : (await this.dataSource.getRepository(RegionEntity).findBy({ code: In(regions) })).map(
            (r) => r.code,
          ),
    );
    inputs.forEach((input, index) => {
      const fail = (en: string, id: string, field: string) => {
        if (!problems.has(index)) problems.set(index, { en, id, field });
      };
      if (!knownCommodities.has(input.commodityCode))
        fail(
          `unknown commodity ${input.commodityCode}`,
          `komoditas ${input.commodityCode} tidak dikenal`,
          'commodityCode',
        );
      if (!knownRegions.has(input.regionCode))
        fail(
          `unknown region code ${input.regionCode}`,
          `kode wilayah ${input.regionCode} tidak dikenal`,
          'regionCode',
        );
      if (!REFERENCE_PRICE_KINDS.includes(input.kind))
        fail(
          `kind must be HET, HAP or MARKET, not "${input.kind}"`,
          `jenis harus HET, HAP, atau MARKET, bukan "${input.kind}"`,
          'kind',
        );
      if (input.unitPrice <= 0n)
        fail('unitPrice must be more than zero', 'unitPrice harus lebih dari nol', 'unitPrice');
      if (!parseLocalDate(input.validFrom))
        fail(
          'validFrom must be a real date as YYYY-MM-DD',
          'validFrom harus tanggal yang valid (YYYY-MM-DD)',
          'validFrom',
        );
      const source = input.source.trim();
      if (source.length < 2 || source.length > 300)
        fail('source must be 2 to 300 characters', 'sumber harus 2 sampai 300 karakter', 'source');
    });
    return problems;
  }

  private async upsert(tx: EntityManager, inputs: ReferencePriceInput[]): Promise<ReferencePriceEntity[]> {
    const rows: { id: string }[] = await tx.query(
      `INSERT INTO reference_price (commodity_code, region_code, kind, unit_price, valid_from, source)
       SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[], $4::bigint[], $5::date[], $6::varchar[])
       ON CONFLICT (commodity_code, region_code, kind, valid_from)
       DO UPDATE SET unit_price = EXCLUDED.unit_price, source = EXCLUDED.source
       RETURNING id`,
      [
        inputs.map((i) => i.commodityCode),
        inputs.map((i) => i.regionCode),
        inputs.map((i) => i.kind),
        inputs.map((i) => i.unitPrice.toString()),
        inputs.map((i) => i.validFrom),
        inputs.map((i) => i.source),
      ],
    );
    const saved = await tx.findBy(ReferencePriceEntity, { id: In(rows.map((r) => r.id)) });
    const byId = new Map(saved.map((s) => [s.id, s]));
    return rows.map((r) => byId.get(r.id)!);
  }
}

function normalised(input: ReferencePriceInput): ReferencePriceInput {
  return { ...input, validFrom: requireLocalDate(input.validFrom, 'validFrom'), source: input.source.trim() };
}
