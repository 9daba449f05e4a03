/**
 * `npm start` on a fresh clone: install, build (server and browser app), find or start Postgres and
 * Redis, migrate, seed, then run the API (which serves the browser app at /) and the worker until
 * Ctrl-C, and print the one URL a person opens with the demo logins. Plain JavaScript: it runs before anything is built.
 *
 * Environment: PORT (default 3000); DATABASE_URL / REDIS_URL to use your own servers (otherwise
 * see scripts/local-services.mjs); SEED_PASSWORD for the demo users' password.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const say = (message) => console.log(`[start] ${message}`);

/** Runs a command to completion with inherited output; rejects on failure. */
function runStep(command, args, env = process.env) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0
        ? resolve()
        : reject(new Error(`${command} ${args.join(' ')} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

let services = null;
const children = new Map();
let stopping = false;

/**
 * Stops the apps first (SIGTERM; each stops within its SHUTDOWN_TIMEOUT_MS, else we kill it),
 * then the services we started, Redis last: a worker never outlives its Redis and so never
 * spams ECONNREFUSED. The apps and a private redis-server run in their own process groups,
 * so the terminal's Ctrl-C reaches only this launcher, which then stops them in this order.
 */
async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  if (children.size > 0) say('stopping the API and the worker ...');
  const exits = [...children.values()].map(
    (child) =>
      new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 12_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  );
  await Promise.all(exits);
  if (services) {
    await services.stop();
    services = null;
  }
  process.exit(code);
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void shutdown(0));

/** Spawns a long-running app, prefixing each line of its output. */
function startApp(name, script, env) {
  const child = spawn(process.execPath, [script], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  // Own process group (see shutdown); if this launcher dies without shutdown, still stop it.
  process.once('exit', () => child.kill('SIGTERM'));
  const prefix = `[${name}]`.padEnd(9);
  createInterface({ input: child.stdout }).on('line', (line) => process.stdout.write(`${prefix}${line}\n`));
  createInterface({ input: child.stderr }).on('line', (line) => process.stderr.write(`${prefix}${line}\n`));
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (stopping) return;
    say(`${name} exited (${signal ?? `code ${code}`}); stopping everything`);
    void shutdown(code || 1);
  });
  children.set(name, child);
  return child;
}

async function waitForGraphql(url, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !stopping) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
        signal: AbortSignal.timeout(2000),
      });
      const body = await response.json();
      if (body?.data?.__typename) return true;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

async function demoLogins(env) {
  const { loadKotaBlitarSeed } = await import(
    pathToFileURL(join(ROOT, 'dist/libs/database/src/seed/seed-kota-blitar.js')).href
  );
  const { loadConfig } = await import(pathToFileURL(join(ROOT, 'dist/libs/core/src/app-config.js')).href);
  const { seedPassword } = loadConfig(env);
  if (seedPassword === null) return null;
  const seed = loadKotaBlitarSeed();
  const withUser = (kind, count) =>
    seed.organizations.filter((o) => o.kind === kind && o.user).slice(0, count);
  const rows = [
    ['admin', seed.admin.email, ''],
    ...withUser('CITY_OFFICE', 1).map((o) => ['coordinator', o.user.email, o.name]),
    ...withUser('KITCHEN', 2).map((o) => ['kitchen', o.user.email, o.name]),
    ...withUser('COOPERATIVE', 2).map((o) => ['cooperative', o.user.email, o.name]),
  ];
  return { rows, password: env.SEED_PASSWORD ? '(your SEED_PASSWORD)' : seedPassword };
}

try {
  const started = Date.now();
  if (!existsSync(join(ROOT, 'node_modules'))) {
    say('node_modules is missing: npm ci');
    await runStep(npm, ['ci', '--no-audit', '--no-fund']);
  }
  say('building (npm run build)');
  await runStep(npm, ['run', 'build', '--silent']);

  const { ensureServices } = await import('./local-services.mjs');
  services = await ensureServices({ purpose: 'start', log: say });
  const port = process.env.PORT || '3000';
  const env = {
    ...process.env,
    DATABASE_URL: services.databaseUrl,
    REDIS_URL: services.redisUrl,
    PORT: port,
  };

  await runStep(process.execPath, ['dist/scripts/migrate.js'], env);
  await runStep(process.execPath, ['dist/scripts/seed.js'], env);

  startApp('api', 'dist/apps/api/src/main.js', env);
  startApp('worker', 'dist/apps/worker/src/main.js', env);

  const url = `http://localhost:${port}/`;
  if (await waitForGraphql(`http://127.0.0.1:${port}/graphql`, 60_000)) {
    const logins = await demoLogins(env).catch((error) => ({ error }));
    const lines = [
      '',
      `Pasar Gizi is running (ready in ${((Date.now() - started) / 1000).toFixed(1)} s).`,
      `  Open ${url} in a browser (phone or desktop). The GraphQL API is at /graphql on the same address.`,
    ];
    if (logins?.error) {
      lines.push(`  (could not list the demo logins: ${logins.error.message}; see the seed output above)`);
    } else if (logins) {
      lines.push(`  Demo logins, password ${logins.password}:`);
      for (const [role, email, organization] of logins.rows) {
        lines.push(`    ${role.padEnd(12)} ${email.padEnd(36)} ${organization}`);
      }
    } else {
      lines.push('  No demo users (production without SEED_PASSWORD).');
    }
    lines.push('  Ctrl-C stops the API, the worker and any database/Redis started for this run.', '');
    console.log(lines.join('\n'));
  } else if (!stopping) {
    say(`the API did not answer at ${url} within 60 s; still waiting (see [api] output above)`);
  }
} catch (error) {
  console.error(`[start] ${error.message}`);
  await shutdown(1);
}
