/**
 * One database per e2e test file, cloned from a template that global-setup migrated and seeded
 * once (Kota Blitar, demo users with TEST_DEMO_PASSWORD). Cloning takes tens of milliseconds.
 *
 *   const database = await createDatabaseFromTemplate();   // in beforeAll
 *   ... boot the app with DATABASE_URL = database.url ...
 *   await database.drop();                                  // in afterAll
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { loadConfig } from '../../libs/core/src/app-config.js';

/** Password of every seeded user in the template (admin@pasargizi.test, koordinator@..., sppg.*, kkmp.*). */
export const TEST_DEMO_PASSWORD = 'pasargizi-test-password';
export const E2E_DATABASE_PREFIX = 'pg_e2e_';

/** The server the tests use: DATABASE_URL (npm test sets it), else the configured default. */
export function baseDatabaseUrl(): string {
  return process.env.DATABASE_URL || loadConfig().databaseUrl;
}

export function databaseUrl(name: string, base: string = baseDatabaseUrl()): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

export function templateDatabaseName(base: string = baseDatabaseUrl()): string {
  const name = decodeURIComponent(new URL(base).pathname.slice(1)) || 'postgres';
  return `${name}_template`;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A connection for CREATE/DROP DATABASE: the `postgres` database, else the base database. */
export async function connectAdmin(base: string = baseDatabaseUrl()): Promise<pg.Client> {
  for (const url of [databaseUrl('postgres', base), base]) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000 });
    client.on('error', () => undefined);
    try {
      await client.connect();
      return client;
    } catch (error) {
      await client.end().catch(() => undefined);
      if ((error as { code?: string }).code !== '3D000' || url === base) throw error;
    }
  }
  throw new Error('unreachable');
}

/** Drops a database, ending the sessions still connected to it first. */
export async function dropDatabase(admin: pg.Client, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(name)}`);
      return;
    } catch (error) {
      // 55006 object_in_use: "database ... is being accessed by other users" (a session reconnected).
      if ((error as { code?: string }).code !== '55006' || attempt >= 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
    }
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A fresh, migrated and seeded database of its own for one test file. */
export async function createDatabaseFromTemplate(): Promise<{
  url: string;
  name: string;
  drop(): Promise<void>;
}> {
  const base = baseDatabaseUrl();
  const template = templateDatabaseName(base);
  // Named after the run's own database, so a teardown of another run on the same server
  // (another DATABASE_URL) never touches ours.
  const name = `${E2E_DATABASE_PREFIX}${templateDatabaseName(base).replace(/_template$/, '')}_${randomBytes(6).toString('hex')}`;
  const admin = await connectAdmin(base);
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(template)}`);
        break;
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code === '3D000') {
          throw new Error(
            `No template database ${template}: run e2e tests through jest's e2e project (global-setup creates it)`,
            {
              cause: error,
            },
          );
        }
        // Another clone of the same template in progress can briefly count as "being accessed".
        if (code !== '55006' || attempt >= 20) throw error;
        await sleep(50 * attempt);
      }
    }
  } finally {
    await admin.end();
  }
  let dropped = false;
  return {
    url: databaseUrl(name, base),
    name,
    async drop() {
      if (dropped) return;
      dropped = true;
      const client = await connectAdmin(base);
      try {
        await dropDatabase(client, name);
      } finally {
        await client.end();
      }
    },
  };
}
