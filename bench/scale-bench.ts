/**
 * `npm run bench -- --only scale`: the two-replica run. Kota Blitar's day (bench/scale-day.ts)
 * first through one API process and one worker, then through two API processes behind a
 * round-robin proxy and two workers, each on a fresh database with the same seed. Prints the
 * throughput of both, whether the awards are the same, the duplicate counts, and where the CPU
 * went while the offers came in (Postgres backends, the API processes), read from /proc.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { cpus } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDataSource } from '../libs/database/src/data-source.js';
import { findProjectRoot, seedKotaBlitar } from '../libs/database/src/seed/seed-kota-blitar.js';
import { CLOCK_TICKS, postgresTicks, processTicks } from './process-cpu.js';
import { startRoundRobinProxy } from './round-robin-proxy.js';
import { runScaleDay, SCALE_DAY_PASSWORD, type ScaleDayOutcome } from './scale-day.js';

export interface ScaleRunFigures extends Omit<ScaleDayOutcome, 'awards'> {
  apis: number;
  workers: number;
  /** Per API process: the connections the proxy gave it. */
  connections: number[];
  /** Share of the machine's CPU (all cores) while the offers came in. */
  cpuShare: { postgres: number; apis: number; workers: number; cores: number };
  /** Postgres CPU-seconds per accepted offer, and what one core of it would carry. */
  postgresCpuMsPerOffer: number;
  /** Wall time per market moment decided (close, evaluate, orders), one after another. */
  msPerMarketMoment: number;
}

export interface ScaleBenchResult {
  single: ScaleRunFigures;
  replicated: ScaleRunFigures;
  throughputRatio: number;
  sameAwards: boolean;
  noDuplicates: boolean;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function startProcess(
  root: string,
  script: string,
  env: NodeJS.ProcessEnv,
  ready: RegExp,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(root, script)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) resolve(child);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${output.slice(-2000)}`)));
  });
}

async function freshDatabase(baseUrl: string, name: string): Promise<string> {
  const adminUrl = new URL(baseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  const dataSource = createDataSource(url.toString());
  await dataSource.initialize();
  await dataSource.runMigrations();
  await seedKotaBlitar(dataSource, { demoPassword: SCALE_DAY_PASSWORD });
  await dataSource.destroy();
  return url.toString();
}

async function runDeployment(options: {
  databaseUrl: string;
  redisUrl: string;
  apis: number;
  workers: number;
  log: (line: string) => void;
}): Promise<{ figures: ScaleRunFigures; awards: string[] }> {
  const root = findProjectRoot();
  const base = {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: options.databaseUrl,
    REDIS_URL: options.redisUrl,
    QUEUE_PREFIX: `bench-scale-${Date.now()}`,
    OUTBOX_POLL_MS: '20',
    // Two API pools of 20 and two workers' 10 stay under Postgres' 100 connections.
    DATABASE_POOL_SIZE: '20',
    LOG_LEVEL: 'warn',
  };
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  try {
    for (let i = 0; i < options.apis; i++) {
      const port = await freePort();
      ports.push(port);
      children.push(
        await startProcess(
          root,
          'dist/apps/api/src/main.js',
          { ...base, PORT: String(port), LOG_LEVEL: 'info' },
          /API ready/,
        ),
      );
    }
    const apiPids = children.map((child) => child.pid!);
    const workerPids: number[] = [];
    for (let i = 0; i < options.workers; i++) {
      const child = await startProcess(
        root,
        'dist/apps/worker/src/main.js',
        { ...base, LOG_LEVEL: 'info' },
        /worker ready/,
      );
      children.push(child);
      workerPids.push(child.pid!);
    }
    const proxy = options.apis > 1 ? await startRoundRobinProxy(ports) : null;
    const url = `http://127.0.0.1:${proxy?.port ?? ports[0]}/graphql`;
    let sample: { at: number; pg: number; apis: number; workers: number } | null = null;
    let cpuShare = { postgres: 0, apis: 0, workers: 0, cores: cpus().length };
    let postgresCpuMs = 0;
    const read = () => ({
      at: performance.now(),
      pg: postgresTicks(),
      apis: apiPids.reduce((sum, pid) => sum + processTicks(pid), 0),
      workers: workerPids.reduce((sum, pid) => sum + processTicks(pid), 0),
    });
    try {
      const outcome = await runScaleDay({
        url,
        databaseUrl: options.databaseUrl,
        log: options.log,
        onOffers: (phase) => {
          if (phase === 'start') sample = read();
          else if (sample) {
            const end = read();
            const capacityTicks = ((end.at - sample.at) / 1000) * CLOCK_TICKS * cpus().length;
            cpuShare = {
              postgres: (end.pg - sample.pg) / capacityTicks,
              apis: (end.apis - sample.apis) / capacityTicks,
              workers: (end.workers - sample.workers) / capacityTicks,
              cores: cpus().length,
            };
            postgresCpuMs = ((end.pg - sample.pg) / CLOCK_TICKS) * 1000;
          }
        },
      });
      const { awards, ...rest } = outcome;
      return {
        awards,
        figures: {
          ...rest,
          apis: options.apis,
          workers: options.workers,
          connections: proxy?.connections ?? [1],
          cpuShare,
          postgresCpuMsPerOffer: postgresCpuMs / Math.max(1, outcome.offers - outcome.offerErrors),
          msPerMarketMoment: outcome.closeToDecidedMs / outcome.demands,
        },
      };
    } finally {
      await proxy?.close();
    }
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function runScaleBench(options: {
  databaseUrl: string;
  redisUrl: string;
  log?: (line: string) => void;
}): Promise<ScaleBenchResult> {
  const log = options.log ?? (() => undefined);
  log('scale: one API process and one worker');
  const single = await runDeployment({
    databaseUrl: await freshDatabase(options.databaseUrl, 'pasar_gizi_bench_scale_1'),
    redisUrl: options.redisUrl,
    apis: 1,
    workers: 1,
    log,
  });
  log('scale: two API processes behind a round-robin proxy and two workers');
  const replicated = await runDeployment({
    databaseUrl: await freshDatabase(options.databaseUrl, 'pasar_gizi_bench_scale_2'),
    redisUrl: options.redisUrl,
    apis: 2,
    workers: 2,
    log,
  });
  const noCopies = (figures: ScaleRunFigures) => Object.values(figures.duplicates).every((n) => n === 0);
  return {
    single: single.figures,
    replicated: replicated.figures,
    throughputRatio: replicated.figures.offersPerSecond / single.figures.offersPerSecond,
    sameAwards:
      JSON.stringify(single.awards) === JSON.stringify(replicated.awards) &&
      single.figures.ordersTotal === replicated.figures.ordersTotal,
    noDuplicates: noCopies(single.figures) && noCopies(replicated.figures),
  };
}

const pct = (share: number) => `${(share * 100).toFixed(0)}%`;

export function formatScaleBench(result: ScaleBenchResult): string {
  const row = (label: string, f: ScaleRunFigures) =>
    `${label.padEnd(26)} ${f.offersPerSecond.toFixed(0).padStart(6)} offers/s  p50 ${f.offerP50Ms.toFixed(0)} ms  p99 ${f.offerP99Ms.toFixed(0)} ms  ` +
    `${f.orders} orders, Rp ${f.ordersTotal}; ${f.msPerMarketMoment.toFixed(0)} ms per market moment; ` +
    `CPU (of ${f.cpuShare.cores} cores) Postgres ${pct(f.cpuShare.postgres)}, API ${pct(f.cpuShare.apis)}, workers ${pct(f.cpuShare.workers)}; ` +
    `Postgres ${f.postgresCpuMsPerOffer.toFixed(2)} CPU-ms/offer`;
  return [
    `Kota Blitar day: ${result.single.demands} demands, ${result.single.lines} lines, ${result.single.offers} offers (submitOffer, 50 clients)`,
    row('1 API + 1 worker', result.single),
    row(`2 APIs (proxy ${result.replicated.connections.join('/')}) + 2 workers`, result.replicated),
    `throughput ratio 2:1 = ${result.throughputRatio.toFixed(2)}; same awards and totals: ${result.sameAwards ? 'yes' : 'NO'}; duplicates: ${result.noDuplicates ? 'none' : JSON.stringify([result.single.duplicates, result.replicated.duplicates])}`,
  ].join('\n');
}
