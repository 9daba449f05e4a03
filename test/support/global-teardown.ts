/**
 * After the e2e run: drop this run's per-file databases (pg_e2e_<db>_*) that are left, e.g. by a file that
 * failed before its afterAll. Imports only packages (see global-setup.ts); global-setup has set
 * DATABASE_URL in this process.
 */
import pg from 'pg';

const E2E_DATABASE_PREFIX = 'pg_e2e_';

export default async function globalTeardown(): Promise<void> {
  const base = process.env.DATABASE_URL;
  if (!base) return;
  const adminUrl = new URL(base);
  adminUrl.pathname = '/postgres';
  let admin = new pg.Client({ connectionString: adminUrl.toString() });
  try {
    await admin.connect();
  } catch {
    admin = new pg.Client({ connectionString: base });
    await admin.connect();
  }
  try {
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE starts_with(datname, $1) ORDER BY datname`,
      [`${E2E_DATABASE_PREFIX}${decodeURIComponent(new URL(base).pathname.slice(1)) || 'postgres'}_`],
    );
    const inUse: string[] = [];
    for (const { datname } of rows) {
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${datname.replace(/"/g, '""')}"`);
      } catch (error) {
        // Still in use, maybe by another test run on the same server: the next teardown gets it.
        if ((error as { code?: string }).code === '55006') inUse.push(datname);
        else throw error;
      }
    }
    if (rows.length > inUse.length)
      console.log(`[e2e] dropped ${rows.length - inUse.length} leftover database(s)`);
    if (inUse.length > 0)
      console.log(`[e2e] left ${inUse.length} database(s) still in use: ${inUse.join(', ')}`);
  } finally {
    await admin.end();
  }
}
