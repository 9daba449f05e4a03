/**
 * Seeds Kota Blitar (regions, commodities, units, reference prices) and, outside production or
 * when SEED_PASSWORD is set, the demo organisations and users. Safe to run any number of times.
 * Usage: npm run build && npm run migration:run && npm run seed
 */
import { DEVELOPMENT_DEFAULTS, loadConfig } from '../libs/core/src/app-config.js';
import { createDataSource } from '../libs/database/src/data-source.js';
import { seedKotaBlitar, type SeedTableCount } from '../libs/database/src/seed/seed-kota-blitar.js';

const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

const config = loadConfig();
const dataSource = createDataSource(config.databaseUrl, { extra: { max: 2 } });
try {
  await dataSource.initialize();
} catch (error) {
  console.error(`Cannot connect to Postgres at ${redact(config.databaseUrl)}: ${(error as Error).message}`);
  process.exit(1);
}
try {
  if (await dataSource.showMigrations()) {
    throw new Error('the database has pending migrations: run `npm run migration:run` first');
  }
  if (config.seedPassword === null) {
    console.log(
      'Seed: production without SEED_PASSWORD: seeding reference data only (no demo organisations or users).',
    );
  }
  const summary = await seedKotaBlitar(dataSource, { demoPassword: config.seedPassword });
  const describe = (count: SeedTableCount) =>
    `${count.inserted} inserted, ${count.updated} updated, ${count.unchanged} unchanged`;
  console.log('Seed: Kota Blitar');
  console.log(`  regions          ${describe(summary.regions)}`);
  console.log(`  commodities      ${describe(summary.commodities)}`);
  console.log(`  commodity units  ${describe(summary.commodityUnits)}`);
  console.log(`  reference prices ${describe(summary.referencePrices)}`);
  console.log(`  market policies  ${summary.marketPolicies} inserted (MBG certificate rules)`);
  if (summary.demoData) {
    console.log(`  organisations    ${describe(summary.organizations)}`);
    console.log(`  users            ${describe(summary.users)} (existing users are never changed)`);
    console.log(`  trade contracts  ${describe(summary.tradeContracts)} (the Trade Center's example)`);
    console.log(`  certificates     ${summary.certificates} inserted`);
    const password =
      config.seedPassword === DEVELOPMENT_DEFAULTS.seedPassword
        ? `"${config.seedPassword}" (the development default; set SEED_PASSWORD to choose another)`
        : 'the SEED_PASSWORD you set';
    console.log(`Demo logins, password ${password}:`);
    for (const login of summary.demoLogins) {
      console.log(`  ${login.role.padEnd(22)} ${login.email.padEnd(40)} ${login.organization ?? ''}`);
    }
  }
} catch (error) {
  console.error(`Seed failed: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await dataSource.destroy();
}
