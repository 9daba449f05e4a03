/**
 * Builds the e2e template database: drops `<db>_template` if it exists, creates it, runs the
 * migrations, seeds Kota Blitar with the demo users (TEST_DEMO_PASSWORD), closes every
 * connection and marks it a template that accepts no connections.
 *
 * Runs as a plain Node process (jest's globalSetup cannot load ESM TypeScript that imports
 * `.js` paths): node --import ./test/support/ts-register.mjs test/support/prepare-template.ts
 * Prints one JSON line on stdout: { baseUrl, template, ms }.
 */
import { createDataSource } from '../../libs/database/src/data-source.js';
import { seedKotaBlitar } from '../../libs/database/src/seed/seed-kota-blitar.js';
import {
  TEST_DEMO_PASSWORD,
  baseDatabaseUrl,
  connectAdmin,
  databaseUrl,
  dropDatabase,
  quoteIdentifier,
  templateDatabaseName,
} from './test-database.js';

const started = Date.now();
const base = baseDatabaseUrl();
const template = templateDatabaseName(base);

const admin = await connectAdmin(base);
try {
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [template]);
  // A database flagged as a template cannot be dropped.
  if (rowCount) await admin.query(`ALTER DATABASE ${quoteIdentifier(template)} WITH IS_TEMPLATE false`);
  await dropDatabase(admin, template);
  await admin.query(`CREATE DATABASE ${quoteIdentifier(template)}`);
} finally {
  await admin.end();
}

const dataSource = createDataSource(databaseUrl(template, base), { extra: { max: 2 } });
await dataSource.initialize();
try {
  await dataSource.runMigrations({ transaction: 'each' });
  await seedKotaBlitar(dataSource, { demoPassword: TEST_DEMO_PASSWORD });
} finally {
  // CREATE DATABASE ... TEMPLATE fails while any session is connected to the template.
  await dataSource.destroy();
}

const closer = await connectAdmin(base);
try {
  await closer.query(
    `ALTER DATABASE ${quoteIdentifier(template)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`,
  );
  await closer.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [template]);
} finally {
  await closer.end();
}
console.log(JSON.stringify({ baseUrl: base, template, ms: Date.now() - started }));
