/**
 * Seeds Kota Blitar: regions, commodities, units and reference prices always; the demo
 * organisations and their users only when a demo password is given (never in production).
 *
 * Idempotent: every write is an INSERT ... ON CONFLICT that either does nothing or updates a
 * row only when a seeded column differs, so a second run writes nothing. Existing users are
 * never touched (their password may have been changed since).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DataSource, EntityManager } from 'typeorm';
import { hashPassword } from '../../../identity/src/password.js';
import { seedDemoCertificates, seedMbgRules } from './seed-mbg-rules.js';

export const DEFAULT_TIME_ZONE = 'Asia/Jakarta';
const SEED_FILE = join('libs', 'database', 'src', 'seed', 'kota-blitar.json');
/** Serialises concurrent seeders (e.g. two containers starting at once). */
const SEED_LOCK_KEY = 7_245_310_001;

interface SeedRegion {
  code: string;
  name: string;
  level: string;
  parent?: string;
  timeZone?: string;
  priceZone?: number;
}

interface SeedUser {
  email: string;
  name: string;
  role: string;
}

interface SeedOrganization {
  key: string;
  name: string;
  kind: string;
  regionCode: string;
  latitude?: number;
  longitude?: number;
  portionsPerDay?: number;
  scale?: string;
  stateOwned?: boolean;
  user?: SeedUser;
}

interface SeedReferencePrice {
  kind?: 'HET' | 'HAP' | 'MARKET';
  regionCode: string;
  unitPrice: number;
  validFrom: string;
  source: string;
}

interface SeedCommodity {
  code: string;
  name: string;
  nameId: string;
  category: string;
  baseUnit: string;
  units?: { code: string; label: string; toBase: number | string }[];
  referencePrice?: SeedReferencePrice | SeedReferencePrice[];
}

export interface KotaBlitarSeed {
  admin: SeedUser;
  regions: SeedRegion[];
  organizations: SeedOrganization[];
  commodities: SeedCommodity[];
}

/** What one table saw: rows created, rows whose seeded columns changed, and rows left as they were. */
export interface SeedTableCount {
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface DemoLogin {
  email: string;
  name: string;
  role: string;
  organization: string | null;
}

export interface SeedSummary {
  /** False when no demo password was given: reference data only. */
  demoData: boolean;
  regions: SeedTableCount;
  commodities: SeedTableCount;
  commodityUnits: SeedTableCount;
  referencePrices: SeedTableCount;
  organizations: SeedTableCount;
  users: SeedTableCount;
  /** The example Trade Center contract (inserted once, never changed). */
  tradeContracts: SeedTableCount;
  /** Seeded logins (empty without demo data); their password is the demo password. */
  demoLogins: DemoLogin[];
  /** Market policies inserted (MBG certificate rules); 0 when the city already has one. */
  marketPolicies: number;
  /** Demo certificates inserted. */
  certificates: number;
}

/** The project root: the nearest directory above this module that holds package.json (src under jest, dist when built). */
export function findProjectRoot(from: string = fileURLToPath(import.meta.url)): string {
  let directory = dirname(from);
  for (;;) {
    if (existsSync(join(directory, 'package.json'))) return directory;
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`No package.json above ${from}: cannot locate ${SEED_FILE}`);
    directory = parent;
  }
}

export function loadKotaBlitarSeed(): KotaBlitarSeed {
  const file = join(findProjectRoot(), SEED_FILE);
  const data = JSON.parse(readFileSync(file, 'utf8')) as KotaBlitarSeed;
  for (const key of ['regions', 'organizations', 'commodities'] as const) {
    if (!Array.isArray(data[key])) throw new Error(`${file}: "${key}" must be an array`);
  }
  if (!data.admin?.email) throw new Error(`${file}: "admin.email" is missing`);
  return data;
}

export async function seedKotaBlitar(
  dataSource: DataSource,
  options: { demoPassword: string | null },
): Promise<SeedSummary> {
  const seed = loadKotaBlitarSeed();
  return dataSource.transaction(async (manager) => {
    await manager.query('SELECT pg_advisory_xact_lock($1)', [SEED_LOCK_KEY]);
    const summary: SeedSummary = {
      demoData: options.demoPassword !== null,
      regions: await upsert(manager, regionRows(seed.regions), REGION),
      commodities: await upsert(manager, commodityRows(seed.commodities), COMMODITY),
      commodityUnits: await upsert(manager, unitRows(seed.commodities), COMMODITY_UNIT),
      referencePrices: await upsert(manager, referencePriceRows(seed.commodities), REFERENCE_PRICE),
      organizations: zero(),
      users: zero(),
      tradeContracts: zero(),
      demoLogins: [],
      marketPolicies: await seedMbgRules(manager),
      certificates: 0,
    };
    if (options.demoPassword !== null) {
      summary.organizations = await upsert(manager, organizationRows(seed.organizations), ORGANIZATION);
      summary.users = await insertUsers(manager, seed, options.demoPassword);
      summary.tradeContracts = await insertExampleTradeContract(manager);
      summary.demoLogins = demoLogins(seed);
      summary.certificates = await seedDemoCertificates(
        manager,
        seed.organizations.map((o) => o.key),
      );
    }
    return summary;
  });
}

// ---------------------------------------------------------------------------------------------
// Generic "insert, or update only what differs" over one table.

interface TableSpec {
  table: string;
  /** Columns in row order. */
  columns: string[];
  /** SQL type of each column, for the VALUES casts. */
  types: string[];
  /** The conflict target (primary key or unique index). */
  key: string[];
  /** How an existing value is replaced; default EXCLUDED.<column>. */
  assign?: Record<string, string>;
  /** Leave existing rows exactly as they are. */
  doNothing?: boolean;
}

type Row = unknown[];

function zero(): SeedTableCount {
  return { inserted: 0, updated: 0, unchanged: 0 };
}

async function upsert(manager: EntityManager, rows: Row[], spec: TableSpec): Promise<SeedTableCount> {
  if (rows.length === 0) return zero();
  const { table, columns, types, key } = spec;
  const updatable = columns.filter((column) => !key.includes(column));
  const parameters: unknown[] = [];
  const values = rows.map((row) => {
    const placeholders = row.map((value, i) => {
      parameters.push(value);
      return `$${parameters.length}::${types[i]}`;
    });
    return `(${placeholders.join(', ')})`;
  });
  const target = (column: string) => spec.assign?.[column] ?? `EXCLUDED.${column}`;
  const conflict =
    spec.doNothing || updatable.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${updatable.map((column) => `${column} = ${target(column)}`).join(', ')}
         WHERE (${updatable.map((column) => `${table}.${column}`).join(', ')})
               IS DISTINCT FROM (${updatable.map(target).join(', ')})`;
  const result: { inserted: boolean }[] = await manager.query(
    `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values.join(', ')}
     ON CONFLICT (${key.join(', ')}) ${conflict}
     RETURNING (xmax = 0) AS inserted`,
    parameters,
  );
  const inserted = result.filter((row) => row.inserted).length;
  const updated = result.length - inserted;
  return { inserted, updated, unchanged: rows.length - inserted - updated };
}

// ---------------------------------------------------------------------------------------------
// Reference data.

const REGION: TableSpec = {
  table: 'region',
  columns: ['code', 'name', 'level', 'parent_code', 'time_zone', 'price_zone'],
  types: ['varchar', 'varchar', 'varchar', 'varchar', 'varchar', 'int'],
  key: ['code'],
};

function regionRows(regions: SeedRegion[]): Row[] {
  const byCode = new Map(regions.map((region) => [region.code, region]));
  const timeZoneOf = (region: SeedRegion, seen: Set<string>): string => {
    if (region.timeZone) return region.timeZone;
    const parent = region.parent ? byCode.get(region.parent) : undefined;
    if (!parent || seen.has(parent.code)) return DEFAULT_TIME_ZONE;
    seen.add(parent.code);
    return timeZoneOf(parent, seen);
  };
  return regions.map((region) => [
    region.code,
    region.name,
    region.level,
    region.parent ?? null,
    timeZoneOf(region, new Set([region.code])),
    region.priceZone ?? null,
  ]);
}

const COMMODITY: TableSpec = {
  table: 'commodity',
  columns: ['code', 'name', 'name_id', 'category', 'base_unit'],
  types: ['varchar', 'varchar', 'varchar', 'varchar', 'varchar'],
  key: ['code'],
};

function commodityRows(commodities: SeedCommodity[]): Row[] {
  return commodities.map((c) => [c.code, c.name, c.nameId, c.category, c.baseUnit]);
}

const COMMODITY_UNIT: TableSpec = {
  table: 'commodity_unit',
  columns: ['commodity_code', 'code', 'label', 'to_base'],
  types: ['varchar', 'varchar', 'varchar', 'numeric'],
  key: ['commodity_code', 'code'],
};

function unitRows(commodities: SeedCommodity[]): Row[] {
  return commodities.flatMap((c) =>
    (c.units ?? []).map((unit) => {
      const toBase = String(unit.toBase);
      if (!/^\d+(\.\d+)?$/.test(toBase) || Number(toBase) <= 0) {
        throw new Error(`Seed: unit ${c.code}/${unit.code} has an invalid toBase ${toBase}`);
      }
      return [c.code, unit.code, unit.label, toBase];
    }),
  );
}

const REFERENCE_PRICE: TableSpec = {
  table: 'reference_price',
  columns: ['commodity_code', 'region_code', 'kind', 'valid_from', 'unit_price', 'source'],
  types: ['varchar', 'varchar', 'varchar', 'date', 'bigint', 'varchar'],
  key: ['commodity_code', 'region_code', 'kind', 'valid_from'],
};

function referencePriceRows(commodities: SeedCommodity[]): Row[] {
  return commodities.flatMap((c) => {
    const prices = c.referencePrice === undefined ? [] : [c.referencePrice].flat();
    return prices.map((price) => {
      if (!Number.isSafeInteger(price.unitPrice) || price.unitPrice < 0) {
        throw new Error(`Seed: reference price of ${c.code} must be whole rupiah, got ${price.unitPrice}`);
      }
      const kind = price.kind ?? referencePriceKindOf(price.source);
      return [c.code, price.regionCode, kind, price.validFrom, String(price.unitPrice), price.source];
    });
  });
}

/** A seeded price without a kind says in its source what it is: "(HET)" or "(HAP)", else observed. */
function referencePriceKindOf(source: string): 'HET' | 'HAP' | 'MARKET' {
  if (source.includes('(HET)')) return 'HET';
  if (source.includes('(HAP)')) return 'HAP';
  return 'MARKET';
}

// ---------------------------------------------------------------------------------------------
// Demo data: organisations and users.

const ORGANIZATION: TableSpec = {
  table: 'organization',
  columns: ['seed_key', 'name', 'kind', 'region_code', 'latitude', 'longitude', 'attributes'],
  types: ['varchar', 'varchar', 'varchar', 'varchar', 'float8', 'float8', 'jsonb'],
  key: ['seed_key'],
  // Keep attribute keys the application added; the seeded ones win.
  assign: { attributes: 'organization.attributes || EXCLUDED.attributes' },
};

function organizationRows(organizations: SeedOrganization[]): Row[] {
  return organizations.map((o) => {
    const attributes: Record<string, unknown> = {};
    if (o.portionsPerDay !== undefined) attributes.portionsPerDay = o.portionsPerDay;
    if (o.scale !== undefined) attributes.scale = o.scale;
    if (o.stateOwned !== undefined) attributes.stateOwned = o.stateOwned;
    return [
      o.key,
      o.name,
      o.kind,
      o.regionCode,
      o.latitude ?? null,
      o.longitude ?? null,
      JSON.stringify(attributes),
    ];
  });
}

async function insertUsers(
  manager: EntityManager,
  seed: KotaBlitarSeed,
  password: string,
): Promise<SeedTableCount> {
  const organizations: { id: string; seed_key: string }[] = await manager.query(
    'SELECT id, seed_key FROM organization WHERE seed_key = ANY($1::varchar[])',
    [seed.organizations.map((o) => o.key)],
  );
  const idByKey = new Map(organizations.map((o) => [o.seed_key, o.id]));
  const wanted = [
    { ...seed.admin, organizationId: null as string | null },
    ...seed.organizations.flatMap((o) =>
      o.user ? [{ ...o.user, organizationId: idByKey.get(o.key) ?? null }] : [],
    ),
  ];
  const existing: { email: string }[] = await manager.query(
    'SELECT email FROM app_user WHERE email = ANY($1::varchar[])',
    [wanted.map((user) => user.email)],
  );
  const known = new Set(existing.map((user) => user.email));
  const missing = wanted.filter((user) => !known.has(user.email));
  // scrypt runs on libuv's thread pool: hashing in parallel takes a fraction of the serial time.
  const hashes = await Promise.all(missing.map(() => hashPassword(password)));
  const rows = missing.map((user, i) => [user.email, user.name, user.role, user.organizationId, hashes[i]]);
  const result = await upsert(manager, rows, {
    table: 'app_user',
    columns: ['email', 'name', 'role', 'organization_id', 'password_hash'],
    types: ['varchar', 'varchar', 'varchar', 'uuid', 'varchar'],
    key: ['email'],
    doNothing: true,
  });
  return { inserted: result.inserted, updated: 0, unchanged: wanted.length - result.inserted };
}

const EXAMPLE_CONTRACT_NUMBER = 'BTC-DEMO-MAKASSAR-01';

/**
 * The Blitar Trade Center's example contract: 20 t of rice to a buyer in Makassar, levy 2%, in
 * two shipments whose pledges close a week and three weeks after seeding (the worker allots
 * them then, through the outbox job every contract gets). Inserted once, keyed by its number.
 */
async function insertExampleTradeContract(manager: EntityManager): Promise<SeedTableCount> {
  const [officer] = (await manager.query(
    `SELECT u.id AS user_id, o.id AS org_id, o.region_code FROM app_user u JOIN organization o ON o.id = u.organization_id
      WHERE o.seed_key = 'btc' AND u.role = 'TRADE_CENTER_OFFICER' ORDER BY u.created_at LIMIT 1`,
  )) as { user_id: string; org_id: string; region_code: string }[];
  if (!officer) return zero();
  const inserted = (await manager.query(
    `INSERT INTO trade_contract (number, trade_center_id, region_code, buyer_name, destination, commodity_code, min_grade,
            unit_price, levy_rate_ppm, max_share_ppm, total_quantity, status, created_by)
     VALUES ($1, $2, $3, 'PT Sumber Pangan Nusantara', 'Makassar (Sulawesi Selatan), via Pelabuhan Tanjung Perak',
             'RICE_MEDIUM', 'B', 12800, 20000, 400000, 20000, 'OPEN', $4)
     ON CONFLICT (number) DO NOTHING RETURNING id`,
    [
      EXAMPLE_CONTRACT_NUMBER,
      officer.org_id,
      officer.region_code.split('.').slice(0, 2).join('.'),
      officer.user_id,
    ],
  )) as { id: string }[];
  if (inserted.length === 0) return { inserted: 0, updated: 0, unchanged: 1 };
  const contractId = inserted[0]!.id;
  const shipments = (await manager.query(
    `INSERT INTO trade_shipment (contract_id, sequence, quantity, pledges_close_at, consolidate_by, status)
     VALUES ($1, 1, 10000, now() + interval '7 days', now() + interval '10 days', 'PLEDGING'),
            ($1, 2, 10000, now() + interval '21 days', now() + interval '24 days', 'PLEDGING')
     RETURNING id, pledges_close_at`,
    [contractId],
  )) as { id: string; pledges_close_at: Date }[];
  for (const shipment of shipments) {
    const closesAt = new Date(shipment.pledges_close_at);
    await manager.query(
      `INSERT INTO outbox_message (queue, job_name, job_id, payload, run_at) VALUES ('market', 'allot-shipment', $1, $2, $3)`,
      [
        `allot-shipment.${shipment.id}.${closesAt.getTime()}`,
        JSON.stringify({ v: 1, shipmentId: shipment.id }),
        closesAt,
      ],
    );
  }
  return { inserted: 1, updated: 0, unchanged: 0 };
}

function demoLogins(seed: KotaBlitarSeed): DemoLogin[] {
  return [
    { ...seed.admin, organization: null },
    ...seed.organizations.flatMap((o) =>
      o.user ? [{ email: o.user.email, name: o.user.name, role: o.user.role, organization: o.name }] : [],
    ),
  ];
}
