import 'reflect-metadata';
import { DataSource, type DataSourceOptions } from 'typeorm';
import { ALL_ENTITIES } from './entities/index.js';
import { MIGRATIONS } from './migrations/index.js';
import { SnakeNamingStrategy } from './naming.strategy.js';

/** One definition of the database connection, used by the apps, scripts and tests. */
export function dataSourceOptions(
  databaseUrl: string,
  overrides: Partial<DataSourceOptions> = {},
): DataSourceOptions {
  return {
    type: 'postgres',
    url: databaseUrl,
    entities: ALL_ENTITIES,
    migrations: MIGRATIONS,
    namingStrategy: new SnakeNamingStrategy(),
    // The schema comes from migrations only; see the schema-drift test.
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    installExtensions: false,
    uuidExtension: 'pgcrypto',
    extra: { max: 20 },
    ...overrides,
  } as DataSourceOptions;
}

export function createDataSource(
  databaseUrl: string,
  overrides: Partial<DataSourceOptions> = {},
): DataSource {
  return new DataSource(dataSourceOptions(databaseUrl, overrides));
}
