/**
 * The browser client on a weak phone: first-load JavaScript (gzip), time until the kitchen's
 * home shows its data on a throttled connection (1.6 Mbps down, 150 ms RTT, 4× CPU slowdown,
 * cold cache, no service worker yet), and how many GraphQL requests that screen makes.
 * Needs the built app (dist/web) and Debian's Chromium (CHROMIUM_PATH overrides /usr/bin/chromium).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import pg from 'pg';
import { chromium } from 'playwright-core';
import { createDataSource } from '../libs/database/src/data-source.js';
import { findProjectRoot, seedKotaBlitar } from '../libs/database/src/seed/seed-kota-blitar.js';

const PASSWORD = 'pasargizi-bench';
const KITCHEN = 'sppg.sentul@pasargizi.test';

export interface ClientBenchResult {
  firstLoadJsGzipBytes: number;
  firstLoadCssGzipBytes: number;
  kitchenHomeReadyMs: { runs: number[]; median: number };
  kitchenHomeGraphqlRequests: number;
  throttling: { downloadKbps: number; uploadKbps: number; rttMs: number; cpuSlowdown: number };
}

/** The scripts and styles index.html loads at once (entry, modulepreloads, stylesheets), gzipped. */
export function firstLoadSizes(webDir: string): { js: number; css: number } {
  const html = readFileSync(join(webDir, 'index.html'), 'utf8');
  const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1]);
  const gz = (path: string) => gzipSync(readFileSync(join(webDir, path)), { level: 9 }).length;
  return {
    js: assets.filter((a) => a.endsWith('.js')).reduce((sum, a) => sum + gz(a), 0),
    css: assets.filter((a) => a.endsWith('.css')).reduce((sum, a) => sum + gz(a), 0),
  };
}

function startApi(root: string, env: NodeJS.ProcessEnv): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(root, 'dist/apps/api/src/main.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/API ready/.test(output)) resolve(child);
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`API exited with ${code}:\n${output.slice(-2000)}`)));
  });
}

export async function runClientBench(options: {
  databaseUrl: string;
  redisUrl: string;
  runs?: number;
  log?: (line: string) => void;
}): Promise<ClientBenchResult> {
  const log = options.log ?? (() => undefined);
  const root = findProjectRoot();
  const webDir = join(root, 'dist/web');
  if (!existsSync(join(webDir, 'index.html'))) throw new Error('dist/web is missing: npm run build');
  const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  const sizes = firstLoadSizes(webDir);

  const dbName = 'pasar_gizi_bench_client';
  const adminUrl = new URL(options.databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const dbUrl = new URL(options.databaseUrl);
  dbUrl.pathname = `/${dbName}`;
  const dataSource = createDataSource(dbUrl.toString());
  await dataSource.initialize();
  await dataSource.runMigrations();
  await seedKotaBlitar(dataSource, { demoPassword: PASSWORD });
  await dataSource.destroy();

  const port = 41000 + Math.floor(Math.random() * 8000);
  const origin = `http://127.0.0.1:${port}`;
  log('client bench: starting the API');
  const api = await startApi(root, {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: dbUrl.toString(),
    REDIS_URL: options.redisUrl,
    PORT: String(port),
    QUEUE_PREFIX: `bench-client-${Date.now()}`,
  });
  const browser = await chromium.launch({ executablePath: chromiumPath, args: ['--no-sandbox'] });
  const throttling = { downloadKbps: 1600, uploadKbps: 750, rttMs: 150, cpuSlowdown: 4 };
  try {
    // A kitchen with something on its home: one open demand for tomorrow.
    const call = async (query: string, variables: Record<string, unknown>, token?: string) => {
      const response = await fetch(`${origin}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    };
    const login = (
      await call(
        `mutation($i: LoginInput!) { login(input: $i) { accessToken user { id name email role organization { id name kind regionCode } } } }`,
        { i: { email: KITCHEN, password: PASSWORD } },
      )
    ).login;
    await call(
      `mutation($i: PostDemandInput!) { postDemand(input: $i) { id } }`,
      {
        i: {
          deliveryDate: new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10),
          biddingClosesAt: new Date(Date.now() + 3_600_000).toISOString(),
          lines: [{ commodityCode: 'RICE_MEDIUM', quantity: 100 }],
        },
      },
      login.accessToken,
    );

    const runs: number[] = [];
    let graphqlRequests = 0;
    for (let run = 0; run < (options.runs ?? 3); run++) {
      // A fresh context each run: cold HTTP cache, no service worker, signed in (as after a login).
      const context = await browser.newContext({
        viewport: { width: 360, height: 640 },
        isMobile: true,
        serviceWorkers: 'block',
      });
      // A string: this file is compiled without the DOM library.
      await context.addInitScript(
        `localStorage.setItem('pg.token', ${JSON.stringify(JSON.stringify(login.accessToken))});` +
          `localStorage.setItem('pg.user', ${JSON.stringify(JSON.stringify(login.user))});`,
      );
      const page = await context.newPage();
      const cdp = await context.newCDPSession(page);
      await cdp.send('Network.enable');
      await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
      await cdp.send('Network.emulateNetworkConditions', {
        offline: false,
        latency: throttling.rttMs,
        downloadThroughput: (throttling.downloadKbps * 1000) / 8,
        uploadThroughput: (throttling.uploadKbps * 1000) / 8,
      });
      await cdp.send('Emulation.setCPUThrottlingRate', { rate: throttling.cpuSlowdown });
      let requests = 0;
      page.on('request', (request) => {
        if (new URL(request.url()).pathname === '/graphql') requests++;
      });
      await page.goto(`${origin}/dapur`, { waitUntil: 'commit' });
      // Ready: the home's data is on screen (the "needs action" card lists the open demand).
      await page.locator('.attention li').first().waitFor({ timeout: 60_000 });
      const readyMs = (await page.evaluate('performance.now()')) as number;
      // Let late requests (if any) show up before counting.
      await page.waitForTimeout(1500);
      runs.push(Math.round(readyMs));
      graphqlRequests = Math.max(graphqlRequests, requests);
      await context.close();
      log(
        `client bench: run ${run + 1}: home ready in ${Math.round(readyMs)} ms, ${requests} GraphQL requests`,
      );
    }
    const sorted = [...runs].sort((a, b) => a - b);
    return {
      firstLoadJsGzipBytes: sizes.js,
      firstLoadCssGzipBytes: sizes.css,
      kitchenHomeReadyMs: { runs, median: sorted[Math.floor(sorted.length / 2)] },
      kitchenHomeGraphqlRequests: graphqlRequests,
      throttling,
    };
  } finally {
    await browser.close();
    api.kill('SIGTERM');
  }
}

export function formatClientBench(result: ClientBenchResult): string {
  const t = result.throttling;
  const row = (name: string, value: string, goal: string) =>
    `${name.padEnd(46)}${value.padStart(12)}   ${goal}`;
  return [
    row('measurement', 'value', 'goal'),
    row('first-load JS (gzip)', `${(result.firstLoadJsGzipBytes / 1024).toFixed(1)} KB`, '<= 150 KB'),
    row('first-load CSS (gzip)', `${(result.firstLoadCssGzipBytes / 1024).toFixed(1)} KB`, ''),
    row('kitchen home ready, throttled (median)', `${result.kitchenHomeReadyMs.median} ms`, '<= 3000 ms'),
    row('GraphQL requests of the kitchen home', String(result.kitchenHomeGraphqlRequests), '<= 3'),
    `Throttling: ${t.downloadKbps / 1000} Mbps down, ${t.uploadKbps / 1000} Mbps up, ${t.rttMs} ms RTT, ${t.cpuSlowdown}x CPU slowdown; cold cache; runs ${result.kitchenHomeReadyMs.runs.join(', ')} ms`,
  ].join('\n');
}
