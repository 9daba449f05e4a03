/**
 * The offer path's hot statements are named, so Postgres parses and plans each once per
 * connection (issue 12); DATABASE_PREPARED_STATEMENTS=false sends them unnamed, for a pooler
 * that cannot keep prepared statements. Both give the same rows.
 */
import type { DataSource } from 'typeorm';
import { loadConfig } from '../../libs/core/src/app-config.js';
import { createDataSource } from '../../libs/database/src/data-source.js';
import { connectionLimits } from '../../libs/database/src/database.module.js';
import { PreparedStatement } from '../../libs/database/src/prepared-statement.js';
import { createDatabaseFromTemplate } from '../support/test-database.js';

const COUNT_COMMODITIES = new PreparedStatement(
  'pgz_test_count_commodities',
  `SELECT count(*)::int AS commodities, (SELECT count(*)::int FROM pg_prepared_statements
     WHERE name = 'pgz_test_count_commodities') AS prepared_here
     FROM commodity WHERE code <> $1`,
);

describe('prepared statements on the hot path', () => {
  let database: Awaited<ReturnType<typeof createDatabaseFromTemplate>>;
  const dataSources: DataSource[] = [];

  beforeAll(async () => {
    database = await createDatabaseFromTemplate();
  });
  afterAll(async () => {
    for (const dataSource of dataSources) if (dataSource.isInitialized) await dataSource.destroy();
    await database?.drop();
  });

  /** One connection, so the second call is sure to land where the first prepared it. */
  async function dataSourceWith(env: Record<string, string>): Promise<DataSource> {
    const config = loadConfig(env);
    const dataSource = createDataSource(database.url, { extra: connectionLimits(config, 1) });
    await dataSource.initialize();
    dataSources.push(dataSource);
    return dataSource;
  }

  type Row = { commodities: number; prepared_here: number };

  it('prepares a named statement once per connection by default', async () => {
    const dataSource = await dataSourceWith({});
    const [first] = await COUNT_COMMODITIES.run<Row>(dataSource, ['none']);
    const [second] = await COUNT_COMMODITIES.run<Row>(dataSource, ['none']);
    expect(first!.commodities).toBeGreaterThan(0);
    expect(first!.prepared_here).toBe(1);
    expect(second).toEqual({ commodities: first!.commodities, prepared_here: 1 });
  });

  it('sends the same text unnamed with DATABASE_PREPARED_STATEMENTS=false', async () => {
    const dataSource = await dataSourceWith({ DATABASE_PREPARED_STATEMENTS: 'false' });
    const [first] = await COUNT_COMMODITIES.run<Row>(dataSource, ['none']);
    const [second] = await COUNT_COMMODITIES.run<Row>(dataSource, ['none']);
    expect(first!.prepared_here).toBe(0);
    expect(second).toEqual({ commodities: first!.commodities, prepared_here: 0 });
  });
});
