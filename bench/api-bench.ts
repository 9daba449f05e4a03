/**
 * Through-the-API measurements: the running API + worker (built, in child processes) on this
 * machine's Postgres and Redis, driven over HTTP by concurrent clients, next to the ceiling of
 * the same rows inserted straight into Postgres with `pg`. Also Kota Blitar's whole day from
 * the moment bidding closes to every order CONFIRMED.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpus } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDataSource } from '../libs/database/src/data-source.js';
import { findProjectRoot, seedKotaBlitar } from '../libs/database/src/seed/seed-kota-blitar.js';
import { CLOCK_TICKS, postgresTicks, processTicks } from './process-cpu.js';

export const PASSWORD = 'pasargizi-bench';
export const WARDS_WITH_KITCHENS = [
  'kepanjenkidul',
  'sentul',
  'bendo',
  'pakunden',
  'tlumpu',
  'sukorejo',
  'tanjungsari',
  'gedog',
  'sananwetan',
  'rembang',
  'bendogerit',
];
export const COOPERATIVE_WARDS = [
  'kepanjenkidul',
  'ngadirejo',
  'sentul',
  'kauman',
  'tanggung',
  'bendo',
  'kepanjenlor',
  'pakunden',
  'blitar',
  'tlumpu',
  'turi',
  'karangsari',
  'sukorejo',
  'tanjungsari',
  'gedog',
  'plosokerep',
  'klampok',
  'sananwetan',
  'rembang',
  'karangtengah',
  'bendogerit',
];
const DAY_COMMODITIES = [
  'RICE_MEDIUM',
  'RICE_PREMIUM',
  'EGG',
  'CHICKEN',
  'CATFISH',
  'TOFU',
  'TEMPEH',
  'GREEN_BEAN',
  'SPINACH',
  'WATER_SPINACH',
  'CARROT',
  'CABBAGE',
  'LONG_BEAN',
  'POTATO',
  'SHALLOT',
  'GARLIC',
  'COOKING_OIL',
  'BANANA',
  'ORANGE',
  'WATERMELON',
];

export interface LatencyFigures {
  requests: number;
  rows: number;
  seconds: number;
  rowsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export interface ApiBenchResult {
  concurrency: number;
  submitOffer: LatencyFigures;
  submitOffersBatch20: LatencyFigures;
  postgresCeiling: LatencyFigures;
  /** `{ __typename }` through our API (every plugin and middleware, no resolver, no database). */
  trivialQuery: LatencyFigures;
  /** The same query with a cooperative's bearer token: plus token check and the user lookup. */
  trivialQuerySignedIn: LatencyFigures;
  /** `{ ping }` on the smallest Nest + Apollo express app (bench/bare-nest-app.ts). */
  bareNestApollo: LatencyFigures;
  apiToCeilingRatio: number;
  batchApiToCeilingRatio: number;
  /** submitOffer throughput / trivial query throughput through our API, same run. */
  submitOfferToTrivialRatio: number;
  /**
   * CPU milliseconds per offer during the submitOffer phase, from /proc: where the machine's
   * cores went (the API process, every postgres process, the worker, and this driver itself).
   * Their sum bounds the rate the machine can carry: cores × 1000 / sum offers/s.
   */
  submitOfferCpuMsPerOffer: { api: number; postgres: number; worker: number; client: number; cores: number };
  kotaBlitarDay: {
    demands: number;
    lines: number;
    offers: number;
    orders: number;
    closeToAllConfirmedMs: number;
  };
  bootMs: { api: number; worker: number };
}

interface CpuReading {
  api: number;
  worker: number;
  postgres: number;
  clientMs: number;
}

function cpuNow(apiPid: number, workerPid: number): CpuReading {
  const own = process.cpuUsage();
  return {
    api: processTicks(apiPid),
    worker: processTicks(workerPid),
    postgres: postgresTicks(),
    clientMs: (own.user + own.system) / 1000,
  };
}

function cpuPerOffer(
  before: CpuReading,
  after: CpuReading,
  offers: number,
): ApiBenchResult['submitOfferCpuMsPerOffer'] {
  const ms = (ticks: number) => (ticks * 1000) / CLOCK_TICKS / offers;
  return {
    api: ms(after.api - before.api),
    postgres: ms(after.postgres - before.postgres),
    worker: ms(after.worker - before.worker),
    client: (after.clientMs - before.clientMs) / offers,
    cores: cpus().length,
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Runs `total` tasks with `concurrency` workers; returns latency figures. */
async function drive(
  total: number,
  concurrency: number,
  rowsPerTask: number,
  task: (index: number) => Promise<boolean>,
): Promise<LatencyFigures> {
  const latencies: number[] = [];
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const index = next++;
        const t0 = performance.now();
        const ok = await task(index).catch(() => false);
        latencies.push(performance.now() - t0);
        if (!ok) errors++;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const rows = (total - errors) * rowsPerTask;
  return {
    requests: total,
    rows,
    seconds,
    rowsPerSecond: rows / seconds,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    errors,
  };
}

export class Client {
  constructor(private readonly url: string) {}
  async call<T = any>(
    query: string,
    variables: Record<string, unknown>,
    token?: string,
  ): Promise<{ data?: T; errors?: { message: string }[] }> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as { data?: T; errors?: { message: string }[] };
  }
  async ok<T = any>(query: string, variables: Record<string, unknown>, token?: string): Promise<T> {
    const result = await this.call<T>(query, variables, token);
    if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
    return result.data as T;
  }
  async login(email: string): Promise<string> {
    return (
      await this.ok(`mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, {
        i: { email, password: PASSWORD },
      })
    ).login.accessToken;
  }
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, everyMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error('timed out');
}

export function startProcess(
  root: string,
  script: string,
  env: NodeJS.ProcessEnv,
  readyPattern: RegExp,
  nodeArgs: string[] = [],
): Promise<{ child: ChildProcess; ms: number }> {
  const started = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, join(root, script)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    // Only the last 4 kB are kept (for the exit message); the ready line is looked for until
    // seen. Keeping and re-scanning every request log line made the driver itself the bottleneck.
    let output = '';
    let ready = false;
    const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000));
    child.stdout!.on('data', (chunk: Buffer) => {
      keep(chunk);
      if (!ready && readyPattern.test(output)) {
        ready = true;
        resolve({ child, ms: performance.now() - started });
      }
    });
    child.stderr!.on('data', keep);
    if (process.env.BENCH_ECHO) child.stdout!.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${output.slice(-2000)}`)));
  });
}

export async function runApiBench(options: {
  databaseUrl: string;
  redisUrl: string;
  concurrency?: number;
  offers?: number;
  log?: (line: string) => void;
}): Promise<ApiBenchResult> {
  const log = options.log ?? (() => undefined);
  const concurrency = options.concurrency ?? 50;
  const offerCount = options.offers ?? 6000;
  const root = findProjectRoot();
  // Derived from the database given, so engineers sharing one Postgres do not drop each other's.
  const benchDbName = `${new URL(options.databaseUrl).pathname.slice(1) || 'pasar_gizi'}_bench`.replace(
    /[^a-z0-9_]/gi,
    '_',
  );
  const adminUrl = new URL(options.databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${benchDbName} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${benchDbName}`);
  await admin.end();
  const dbUrl = new URL(options.databaseUrl);
  dbUrl.pathname = `/${benchDbName}`;
  const databaseUrl = dbUrl.toString();
  const dataSource = createDataSource(databaseUrl);
  await dataSource.initialize();
  await dataSource.runMigrations();
  await seedKotaBlitar(dataSource, { demoPassword: PASSWORD });
  await dataSource.destroy();

  const port = 3900 + Math.floor(Math.random() * 90);
  const env = {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    REDIS_URL: options.redisUrl,
    PORT: String(port),
    QUEUE_PREFIX: `bench-${Date.now()}`,
    OUTBOX_POLL_MS: '20',
  };
  log('starting API and worker');
  // BENCH_API_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof": profile the API under this load.
  const apiNodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const api = await startProcess(root, 'dist/apps/api/src/main.js', env, /API ready/, apiNodeArgs);
  const worker = await startProcess(root, 'dist/apps/worker/src/main.js', env, /worker ready/);
  const client = new Client(`http://127.0.0.1:${port}/graphql`);
  // The API's pool and the ceiling's pool together stay under Postgres' 100 connections.
  const db = new pg.Pool({ connectionString: databaseUrl, max: Math.min(40, concurrency) });
  try {
    const kitchens = await Promise.all(
      WARDS_WITH_KITCHENS.map((ward) => client.login(`sppg.${ward}@pasargizi.test`)),
    );
    const cooperatives = await Promise.all(
      COOPERATIVE_WARDS.map((ward) => client.login(`kkmp.${ward}@pasargizi.test`)),
    );

    // Open demand far from closing, for the throughput phases: 11 kitchens x 20 lines.
    const farClose = new Date(Date.now() + 3600_000).toISOString();
    const deliveryDate = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const postDemand = `mutation($i: PostDemandInput!) { postDemand(input: $i) { id lines { id commodity { code } } } }`;
    const lineIds: { id: string; commodity: string }[] = [];
    for (const token of kitchens) {
      const data = await client.ok(
        postDemand,
        {
          i: {
            deliveryDate,
            biddingClosesAt: farClose,
            lines: DAY_COMMODITIES.map((code) => ({ commodityCode: code, quantity: 100 })),
          },
        },
        token,
      );
      lineIds.push(
        ...data.postDemand.lines.map((l: { id: string; commodity: { code: string } }) => ({
          id: l.id,
          commodity: l.commodity.code,
        })),
      );
    }
    // Lots: each cooperative has several lots per commodity, so (line, lot) pairs are plentiful.
    const lotsPerCommodity = Math.ceil((offerCount * 3) / (lineIds.length * cooperatives.length)) + 1;
    const addLot = `mutation($i: StockLotInput!) { addStockLot(input: $i) { id } }`;
    const lots: { cooperative: number; commodity: string; id: string; coopId?: string }[] = [];
    await Promise.all(
      cooperatives.map(async (token, cooperative) => {
        for (const commodity of DAY_COMMODITIES) {
          for (let n = 0; n < lotsPerCommodity; n++) {
            const data = await client.ok(
              addLot,
              { i: { commodityCode: commodity, quantity: 100000, grade: 'A', source: 'OWN' } },
              token,
            );
            lots.push({ cooperative, commodity, id: data.addStockLot.id });
          }
        }
      }),
    );
    // Deterministic pairs, each used once: (line, lot of the same commodity).
    const pairs: { cooperative: number; lineId: string; lotId: string }[] = [];
    const lotsBy = new Map<string, typeof lots>();
    for (const lot of lots)
      lotsBy.set(`${lot.cooperative}/${lot.commodity}`, [
        ...(lotsBy.get(`${lot.cooperative}/${lot.commodity}`) ?? []),
        lot,
      ]);
    for (let n = 0; n < lotsPerCommodity; n++)
      for (let c = 0; c < cooperatives.length; c++)
        for (const line of lineIds)
          pairs.push({
            cooperative: c,
            lineId: line.id,
            lotId: lotsBy.get(`${c}/${line.commodity}`)![n]!.id,
          });
    log(`${lineIds.length} open lines, ${lots.length} lots, ${pairs.length} offer pairs`);

    const submitOffer = `mutation($i: OfferInput!) { submitOffer(input: $i) { id } }`;
    const single = pairs.slice(0, offerCount);
    log(`submitOffer x ${single.length}, ${concurrency} clients`);
    const cpuBefore = cpuNow(api.child.pid!, worker.child.pid!);
    const submitOfferFigures = await drive(single.length, concurrency, 1, async (index) => {
      const pair = single[index]!;
      const result = await client.call(
        submitOffer,
        {
          i: {
            demandLineId: pair.lineId,
            stockLotId: pair.lotId,
            quantity: 10,
            unitPrice: 13000 + (index % 500),
          },
        },
        cooperatives[pair.cooperative],
      );
      return !result.errors;
    });

    const submitOfferCpu = cpuPerOffer(cpuBefore, cpuNow(api.child.pid!, worker.child.pid!), single.length);

    // submitOffers in batches of 20 from one cooperative each.
    const remaining = pairs.slice(offerCount);
    const byCooperative = new Map<number, typeof remaining>();
    for (const pair of remaining)
      byCooperative.set(pair.cooperative, [...(byCooperative.get(pair.cooperative) ?? []), pair]);
    const batches: { cooperative: number; pairs: typeof remaining }[] = [];
    for (const [cooperative, list] of byCooperative)
      for (let i = 0; i + 20 <= list.length; i += 20)
        batches.push({ cooperative, pairs: list.slice(i, i + 20) });
    const batchCount = Math.min(batches.length, Math.ceil(offerCount / 20));
    log(`submitOffers x ${batchCount} batches of 20`);
    const submitOffers = `mutation($i: [OfferInput!]!) { submitOffers(input: $i) { id } }`;
    const batchFigures = await drive(batchCount, concurrency, 20, async (index) => {
      const batch = batches[index]!;
      const result = await client.call(
        submitOffers,
        {
          i: batch.pairs.map((pair, k) => ({
            demandLineId: pair.lineId,
            stockLotId: pair.lotId,
            quantity: 10,
            unitPrice: 13000 + k,
          })),
        },
        cooperatives[batch.cooperative],
      );
      return !result.errors;
    });

    // Trivial-query ceilings: what any request through our API costs, and the bare framework.
    const trivial = JSON.stringify({ query: '{ __typename }' });
    const post = async (url: string, body: string, token?: string) => {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body,
      });
      const json = (await response.json()) as { errors?: unknown[] };
      return response.ok && !json.errors;
    };
    log(`trivial query x ${offerCount}`);
    const trivialFigures = await drive(offerCount, concurrency, 1, () =>
      post(`http://127.0.0.1:${port}/graphql`, trivial),
    );
    log(`trivial query signed in x ${offerCount}`);
    const trivialSignedInFigures = await drive(offerCount, concurrency, 1, (index) =>
      post(`http://127.0.0.1:${port}/graphql`, trivial, cooperatives[index % cooperatives.length]),
    );
    const barePort = port + 100;
    const bare = await startProcess(
      root,
      'dist/bench/bare-nest-app.js',
      { ...env, PORT: String(barePort) },
      /bare ready/,
    );
    let bareFigures: LatencyFigures;
    try {
      log(`bare Nest + Apollo x ${offerCount}`);
      const ping = JSON.stringify({ query: '{ ping }' });
      bareFigures = await drive(offerCount, concurrency, 1, () =>
        post(`http://127.0.0.1:${barePort}/graphql`, ping),
      );
    } finally {
      bare.child.kill('SIGTERM');
    }

    // The ceiling: the same kind of row, inserted straight into Postgres at the same concurrency.
    const sample = (
      await db.query(`SELECT demand_line_id, demand_id, cooperative_id, stock_lot_id FROM offer LIMIT 1`)
    ).rows[0];
    log(`postgres ceiling x ${offerCount}`);
    const ceiling = await drive(offerCount, concurrency, 1, async (index) => {
      await db.query(
        `INSERT INTO offer (demand_line_id, demand_id, cooperative_id, stock_lot_id, quantity, unit_price, grade, status)
         VALUES ($1, $2, $3, $4, 10, $5, 'A', 'WITHDRAWN')`,
        [sample.demand_line_id, sample.demand_id, sample.cooperative_id, sample.stock_lot_id, 13000 + index],
      );
      return true;
    });

    // Kota Blitar's day: 11 kitchens x 20 lines closing together, offers from all 21 cooperatives.
    log("Kota Blitar's day: close -> all orders confirmed");
    const dayDate = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const closesAt = new Date(Date.now() + 20_000);
    const dayLines: { id: string; commodity: string }[] = [];
    const demandIds: string[] = [];
    for (const token of kitchens) {
      const data = await client.ok(
        postDemand,
        {
          i: {
            deliveryDate: dayDate,
            biddingClosesAt: closesAt.toISOString(),
            lines: DAY_COMMODITIES.map((code) => ({
              commodityCode: code,
              quantity: code.startsWith('RICE') ? 350 : 120,
            })),
          },
        },
        token,
      );
      demandIds.push(data.postDemand.id);
      dayLines.push(
        ...data.postDemand.lines.map((l: { id: string; commodity: { code: string } }) => ({
          id: l.id,
          commodity: l.commodity.code,
        })),
      );
    }
    let dayOffers = 0;
    await Promise.all(
      cooperatives.map(async (token, cooperative) => {
        const mine = dayLines.filter((_, index) => (index + cooperative) % 3 === 0);
        for (let i = 0; i < mine.length; i += 20) {
          const chunk = mine.slice(i, i + 20);
          await client.ok(
            submitOffers,
            {
              i: chunk.map((line, k) => ({
                demandLineId: line.id,
                stockLotId: lotsBy.get(`${cooperative}/${line.commodity}`)![0]!.id,
                quantity: 150,
                unitPrice: 12000 + ((cooperative * 37 + k * 11) % 900),
              })),
            },
            token,
          );
          dayOffers += chunk.length;
        }
      }),
    );
    await waitFor(async () => Date.now() >= closesAt.getTime(), 60_000, 5);
    const closeMoment = closesAt.getTime();
    await waitFor(
      async () => {
        const { rows } = await db.query(
          `SELECT count(*)::int AS n FROM demand_request WHERE id = ANY($1) AND status IN ('OPEN','EVALUATING')`,
          [demandIds],
        );
        return rows[0].n === 0;
      },
      60_000,
      5,
    );
    const confirmedMs = Date.now() - closeMoment;
    const orders = (
      await db.query(
        `SELECT count(*)::int AS n FROM purchase_order WHERE demand_id = ANY($1) AND status = 'CONFIRMED'`,
        [demandIds],
      )
    ).rows[0].n as number;

    return {
      concurrency,
      submitOffer: submitOfferFigures,
      submitOffersBatch20: batchFigures,
      postgresCeiling: ceiling,
      trivialQuery: trivialFigures,
      trivialQuerySignedIn: trivialSignedInFigures,
      bareNestApollo: bareFigures,
      submitOfferToTrivialRatio: submitOfferFigures.rowsPerSecond / trivialFigures.rowsPerSecond,
      submitOfferCpuMsPerOffer: submitOfferCpu,
      apiToCeilingRatio: submitOfferFigures.rowsPerSecond / ceiling.rowsPerSecond,
      batchApiToCeilingRatio: batchFigures.rowsPerSecond / ceiling.rowsPerSecond,
      kotaBlitarDay: {
        demands: demandIds.length,
        lines: dayLines.length,
        offers: dayOffers,
        orders,
        closeToAllConfirmedMs: confirmedMs,
      },
      bootMs: { api: Math.round(api.ms), worker: Math.round(worker.ms) },
    };
  } finally {
    await db.end();
    api.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
  }
}

/** The API part as a table, figures rounded for reading (the JSON keeps them exact). */
export function formatApiBench(result: ApiBenchResult): string {
  const row = (name: string, figures: LatencyFigures, unit: string) =>
    `${name.padEnd(34)}${String(figures.requests).padStart(9)}${String(figures.rows).padStart(9)}${figures.rowsPerSecond
      .toFixed(0)
      .padStart(
        12,
      )} ${unit.padEnd(10)}${figures.p50Ms.toFixed(1).padStart(9)}${figures.p99Ms.toFixed(1).padStart(9)}${String(figures.errors).padStart(8)}`;
  const day = result.kotaBlitarDay;
  return [
    `${'measurement'.padEnd(34)}${'requests'.padStart(9)}${'rows'.padStart(9)}${'throughput'.padStart(12)} ${''.padEnd(10)}${'p50 ms'.padStart(9)}${'p99 ms'.padStart(9)}${'errors'.padStart(8)}`,
    row('submitOffer (HTTP, 1 offer)', result.submitOffer, 'offers/s'),
    row('submitOffers (HTTP, 20 offers)', result.submitOffersBatch20, 'offers/s'),
    row('ceiling: INSERT with pg', result.postgresCeiling, 'rows/s'),
    row('ceiling: { __typename } (our API)', result.trivialQuery, 'req/s'),
    row('  same, signed in', result.trivialQuerySignedIn, 'req/s'),
    row('ceiling: bare Nest+Apollo query', result.bareNestApollo, 'req/s'),
    '',
    `API / INSERT ceiling: submitOffer ${result.apiToCeilingRatio.toFixed(2)}, submitOffers ${result.batchApiToCeilingRatio.toFixed(2)}`,
    `submitOffer / trivial query (same run): ${result.submitOfferToTrivialRatio.toFixed(2)}; our trivial query / bare Nest+Apollo: ${(result.trivialQuery.rowsPerSecond / result.bareNestApollo.rowsPerSecond).toFixed(2)}`,
    cpuLine(result),
    `Kota Blitar day: ${day.demands} demands, ${day.lines} lines, ${day.offers} offers -> ${day.orders} orders; close to all CONFIRMED ${day.closeToAllConfirmedMs} ms`,
    `Boot: API ${result.bootMs.api} ms, worker ${result.bootMs.worker} ms (process start to ready, loaded machine)`,
  ].join('\n');
}

/** Where one submitOffer's CPU went, and the rate the machine's cores could carry at that cost. */
function cpuLine(result: ApiBenchResult): string {
  const cpu = result.submitOfferCpuMsPerOffer;
  if (!cpu) return 'submitOffer CPU per offer: not measured';
  const sum = cpu.api + cpu.postgres + cpu.worker + cpu.client;
  const withoutClient = cpu.api + cpu.postgres + cpu.worker;
  return (
    `submitOffer CPU per offer: API ${cpu.api.toFixed(2)} ms, Postgres ${cpu.postgres.toFixed(2)} ms, worker ${cpu.worker.toFixed(2)} ms, ` +
    `this driver ${cpu.client.toFixed(2)} ms -> ${cpu.cores} cores carry at most ${((cpu.cores * 1000) / sum).toFixed(0)} offers/s ` +
    `(${((cpu.cores * 1000) / withoutClient).toFixed(0)} with the clients elsewhere; an API core alone ${(1000 / cpu.api).toFixed(0)}/s)`
  );
}
