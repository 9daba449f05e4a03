/**
 * The schema: the migrations build exactly what the entities describe (so generating a
 * migration yields nothing), time is timestamptz, money is bigint, and the seed is idempotent.
 * Runs against its own clone of the migrated and seeded template database.
 */
import type { DataSource } from 'typeorm';
import { milliTransformer, rupiahTransformer } from '../../libs/database/src/column-types.js';
import { createDataSource } from '../../libs/database/src/data-source.js';
import { seedKotaBlitar } from '../../libs/database/src/seed/seed-kota-blitar.js';
import { createDatabaseFromTemplate, TEST_DEMO_PASSWORD } from '../support/test-database.js';

interface ColumnInfo {
  table_name: string;
  column_name: string;
  data_type: string;
  numeric_precision: number | null;
  numeric_scale: number | null;
}

const SEEDED_TABLES = [
  'region',
  'organization',
  'app_user',
  'commodity',
  'commodity_unit',
  'reference_price',
  'trade_contract',
  'trade_shipment',
] as const;

/** A column whose name says it holds rupiah; scores and weights only sound like it. */
const MONEY_NAME = /(^|_)(price|cost|amount|total|fee|levy|revenue|spend|payable|balance)$/;
const NOT_MONEY = (name: string) => name === 'offer_evaluation.total' || /\.weight_/.test(name);

describe('the database schema', () => {
  let database: Awaited<ReturnType<typeof createDatabaseFromTemplate>>;
  let dataSource: DataSource;

  beforeAll(async () => {
    database = await createDatabaseFromTemplate();
    dataSource = createDataSource(database.url, { extra: { max: 4 } });
    await dataSource.initialize();
  });
  afterAll(async () => {
    if (dataSource?.isInitialized) await dataSource.destroy();
    await database?.drop();
  });

  async function columns(): Promise<ColumnInfo[]> {
    return dataSource.query(
      `select table_name, column_name, data_type, numeric_precision, numeric_scale
         from information_schema.columns
        where table_schema = 'public' and table_name <> 'migrations'
        order by table_name, column_name`,
    );
  }

  /** (table.column, entity column transformer) for every mapped column of every entity. */
  function mappedColumns() {
    return dataSource.entityMetadatas.flatMap((entity) =>
      entity.columns.map((column) => ({
        name: `${entity.tableName}.${column.databaseName}`,
        transformer: column.transformer,
      })),
    );
  }

  it('entities and migrations agree: generating a migration would yield nothing', async () => {
    expect(await dataSource.showMigrations()).toBe(false);
    const sql = await dataSource.driver.createSchemaBuilder().log();
    expect(sql.upQueries.map((query) => query.query)).toEqual([]);
    expect(sql.downQueries.map((query) => query.query)).toEqual([]);
  });

  it('stores every instant as timestamptz', async () => {
    const all = await columns();
    const naive = all.filter((column) => column.data_type === 'timestamp without time zone');
    expect(naive.map((column) => `${column.table_name}.${column.column_name}`)).toEqual([]);
    const zoned = all.filter((column) => column.data_type === 'timestamp with time zone');
    expect(zoned.map((column) => `${column.table_name}.${column.column_name}`)).toEqual(
      expect.arrayContaining([
        'demand_request.bidding_closes_at',
        'demand_request.deliver_by',
        'outbox_message.run_at',
        'market_batch.closes_at',
      ]),
    );
  });

  it('stores money as bigint whole rupiah and quantities as numeric(14,3)', async () => {
    const all = new Map(
      (await columns()).map((column) => [`${column.table_name}.${column.column_name}`, column]),
    );
    const mapped = mappedColumns();
    const money = mapped.filter((column) => column.transformer === rupiahTransformer).map((c) => c.name);
    expect(money).toEqual(
      expect.arrayContaining([
        'offer.unit_price',
        'demand_line.max_unit_price',
        'stock_lot.unit_cost',
        'purchase_order.total',
        'order_line.unit_price',
        'reference_price.unit_price',
      ]),
    );
    // Every rupiah column of the entities is a bigint in the database...
    expect(money.filter((name) => all.get(name)?.data_type !== 'bigint')).toEqual([]);
    // ...and every column named like money is one of them (no price in numeric or double).
    const namedLikeMoney = [...all.keys()].filter(
      (name) => MONEY_NAME.test(name.split('.')[1]!) && !NOT_MONEY(name),
    );
    expect(namedLikeMoney.filter((name) => !money.includes(name))).toEqual([]);
    expect(namedLikeMoney.filter((name) => all.get(name)!.data_type !== 'bigint')).toEqual([]);

    const quantities = mapped.filter((column) => column.transformer === milliTransformer).map((c) => c.name);
    expect(quantities).toEqual(expect.arrayContaining(['stock_lot.quantity', 'stock_lot.reserved_quantity']));
    const inexact = quantities.filter((name) => {
      const column = all.get(name);
      return !(
        column?.data_type === 'numeric' &&
        column.numeric_precision === 14 &&
        column.numeric_scale === 3
      );
    });
    expect(inexact).toEqual([]);
  });

  it('seeding twice changes nothing', async () => {
    const checksum = async () => {
      const result: Record<string, { rows: number; md5: string }> = {};
      for (const table of SEEDED_TABLES) {
        const [row] = (await dataSource.query(
          `select count(*)::int as rows, md5(coalesce(string_agg(t::text, E'\\n' order by t::text), '')) as md5
             from ${table} t`,
        )) as { rows: number; md5: string }[];
        result[table] = row!;
      }
      return result;
    };
    const seeded = await checksum();
    const kinds = (await dataSource.query(
      `select kind, count(*)::int as count from organization group by kind order by kind`,
    )) as { kind: string; count: number }[];
    expect(kinds).toEqual(
      expect.arrayContaining([
        { kind: 'KITCHEN', count: 11 },
        { kind: 'COOPERATIVE', count: 21 },
      ]),
    );
    expect(seeded.commodity!.rows).toBe(25);
    for (const table of SEEDED_TABLES) expect(seeded[table]!.rows).toBeGreaterThan(0);

    // The template was seeded once already: two more runs find everything in place.
    for (let run = 1; run <= 2; run++) {
      const summary = await seedKotaBlitar(dataSource, { demoPassword: TEST_DEMO_PASSWORD });
      for (const key of [
        'regions',
        'commodities',
        'commodityUnits',
        'referencePrices',
        'organizations',
        'users',
        'tradeContracts',
      ] as const) {
        expect({ run, key, inserted: summary[key].inserted, updated: summary[key].updated }).toEqual({
          run,
          key,
          inserted: 0,
          updated: 0,
        });
      }
      expect(await checksum()).toEqual(seeded);
    }
  });
});
