/**
 * Runs the pending migrations (each in its own transaction) and prints what it ran.
 * Usage: npm run build && npm run migration:run   (DATABASE_URL, or the local default)
 */
import { loadConfig } from '../libs/core/src/app-config.js';
import { createDataSource } from '../libs/database/src/data-source.js';

/** Serialises concurrent migrators (two containers starting at once); any constant works. */
const MIGRATION_LOCK_KEY = 7_245_310_000;

const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

const config = loadConfig();
const dataSource = createDataSource(config.databaseUrl, { extra: { max: 2 } });
try {
  await dataSource.initialize();
} catch (error) {
  console.error(`Cannot connect to Postgres at ${redact(config.databaseUrl)}: ${(error as Error).message}`);
  process.exit(1);
}
const lock = dataSource.createQueryRunner();
try {
  await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  const ran = await dataSource.runMigrations({ transaction: 'each' });
  if (ran.length === 0) console.log('Migrations: the database is up to date.');
  else for (const migration of ran) console.log(`Migrations: ran ${migration.name}`);
} catch (error) {
  console.error(`Migrations failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
  await lock.release();
  await dataSource.destroy();
}
