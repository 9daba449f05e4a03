/**
 * `npm run bench` (builds, then runs dist/bench/run-bench.js). Flags:
 *   --only engine   only the award engine (sizes, quality against the optimum)
 *   --only api      only the running system: submitOffer / submitOffers over HTTP, the Postgres
 *                   ceiling, and Kota Blitar's day from close to every order CONFIRMED
 *   --only trade    only the Trade Center's fair-share allotment (1,000 pledges; 50 shipments)
 *   --only diversity  10 days of Kota Blitar with and without the diversity objective
 *   --only scale    the two-replica run: Kota Blitar's day through 1 API + 1 worker, then 2 APIs
 *                   behind a round-robin proxy + 2 workers (throughput, same awards, no copies)
 *   --only client   the browser client: first-load JS (gzip), the kitchen home's time to data
 *                   on a throttled phone (1.6 Mbps, 150 ms RTT, 4x CPU), its GraphQL requests
 *   --only live     live updates: an order's status change (dispatchOrder) to a marketActivity
 *                   subscriber, p50/p95/p99 over hundreds of changes (goal p99 <= 250 ms)
 *   --only notify   notification fan-out: a day's events through the outbox → notifications/s
 *   --quick         smaller national day (64 markets, 3,750 kitchens) and fewer repetitions
 *   --seed N        seed of the synthetic markets (default 2026)
 * Prints a table and writes bench/results/latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { pathToFileURL } from 'node:url';
import { formatApiBench, runApiBench, type ApiBenchResult } from './api-bench.js';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import { formatEngineBench, runEngineBench, type EngineBenchResult } from './engine-bench.js';
import { formatTradeBench, runTradeBench, type TradeBenchResult } from './trade-bench.js';

import { formatDiversityBench, runDiversityBench, type DiversityBenchResult } from './diversity-bench.js';

import { formatClientBench, runClientBench, type ClientBenchResult } from './client-bench.js';
import { formatLiveBench, runLiveBench, type LiveBenchResult } from './live-bench.js';
import { formatNotifyBench, runNotifyBench, type NotifyBenchResult } from './notify-bench.js';
import { formatScaleBench, runScaleBench, type ScaleBenchResult } from './scale-bench.js';

const PARTS = ['engine', 'diversity', 'api', 'scale', 'trade', 'client', 'live', 'notify'] as const;
type Part = (typeof PARTS)[number];

function parseArgs(argv: string[]): { only: Part[]; quick: boolean; seed?: number } {
  let only: Part[] = [...PARTS];
  let quick = false;
  let seed: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') quick = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg.includes('=') ? arg.split('=')[1] : argv[++i];
      const parts = (value ?? '').split(',');
      for (const p of parts)
        if (!PARTS.includes(p as Part))
          throw new Error(`--only: unknown part "${p}" (known: ${PARTS.join(', ')})`);
      only = parts as Part[];
    } else if (arg === '--seed') seed = Number(argv[++i]);
    else throw new Error(`unknown argument ${arg}`);
  }
  return { only, quick, seed };
}

/** The offer path now next to the figures kept from before the lean-offer-path work. */
export function formatOfferPathBeforeAfter(now: ApiBenchResult): string {
  const lines = ['Offer path, before (bench/results/reference-2026-12-03-offer-path-*.json) and this run:'];
  const describe = (name: string, api: ApiBenchResult) => {
    const trivial = api.trivialQuery
      ? (api.submitOffer.rowsPerSecond / api.trivialQuery.rowsPerSecond).toFixed(2)
      : '-';
    const cpu = api.submitOfferCpuMsPerOffer
      ? `; CPU ms/offer API ${api.submitOfferCpuMsPerOffer.api.toFixed(2)}, Postgres ${api.submitOfferCpuMsPerOffer.postgres.toFixed(2)}`
      : '';
    return `  ${name.padEnd(10)} submitOffer ${api.submitOffer.rowsPerSecond.toFixed(1)} offers/s, p99 ${api.submitOffer.p99Ms.toFixed(0)} ms, ${api.submitOffer.errors} errors; / INSERT ceiling ${api.apiToCeilingRatio.toFixed(2)}; / trivial query ${trivial}${cpu}`;
  };
  for (const [name, file] of [
    ['before', 'reference-2026-12-03-offer-path-before.json'],
    ['after', 'reference-2026-12-03-offer-path-after.json'],
  ] as const) {
    const path = join(repoRoot(), 'bench/results', file);
    if (existsSync(path))
      lines.push(describe(name, (JSON.parse(readFileSync(path, 'utf8')) as { api: ApiBenchResult }).api));
  }
  lines.push(describe('this run', now));
  return lines.join('\n');
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

/** Runs `part` against Postgres and Redis found (or started) as `npm test` finds them, then stops what it started. */
async function withServices<T>(
  part: (found: { databaseUrl: string; redisUrl: string }) => Promise<T>,
): Promise<T> {
  const services = await import(pathToFileURL(join(repoRoot(), 'scripts/local-services.mjs')).href);
  const found = (await services.ensureServices({
    purpose: 'test',
    log: (line: string) => console.error(line),
  })) as { databaseUrl: string; redisUrl: string; stop: () => Promise<void> };
  try {
    return await part({ databaseUrl: found.databaseUrl, redisUrl: found.redisUrl });
  } finally {
    await found.stop();
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const results: {
    engine?: EngineBenchResult;
    trade?: TradeBenchResult;
    diversity?: DiversityBenchResult;
    api?: ApiBenchResult;
    client?: ClientBenchResult;
    live?: LiveBenchResult;
    notify?: NotifyBenchResult;
    scale?: ScaleBenchResult;
    machine?: Record<string, unknown>;
  } = {
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      node: process.version,
      at: new Date().toISOString(),
    },
  };
  if (args.only.includes('engine')) {
    results.engine = await runEngineBench({
      quick: args.quick,
      seed: args.seed,
      log: (line) => console.error(line),
    });
    console.log(`\nEngine benchmark${args.quick ? ' (--quick)' : ''}\n`);
    console.log(formatEngineBench(results.engine));
  }
  if (args.only.includes('trade')) {
    results.trade = runTradeBench({ quick: args.quick, seed: args.seed });
    console.log(`\nTrade Center allotment (pure fair shares)${args.quick ? ' (--quick)' : ''}\n`);
    console.log(formatTradeBench(results.trade));
  }
  if (args.only.includes('diversity')) {
    results.diversity = runDiversityBench({ seed: args.seed });
    console.log('\nDiversity objective (distinct suppliers per kitchen per 10-day cycle)\n');
    console.log(formatDiversityBench(results.diversity));
  }
  if (args.only.includes('api')) {
    // The same discovery as npm start / npm test: DATABASE_URL, else local, else embedded.
    results.api = await withServices((found) =>
      runApiBench({ ...found, offers: args.quick ? 1000 : 5000, log: (line) => console.error(line) }),
    );
    console.log('\nThrough the API (50 concurrent clients)\n');
    console.log(formatApiBench(results.api));
    console.log(`\n${formatOfferPathBeforeAfter(results.api)}`);
  }
  if (args.only.includes('scale')) {
    results.scale = await withServices((found) =>
      runScaleBench({
        ...found,
        log: (line) => console.error(line),
      }),
    );
    console.log('\nScale-out: the two-replica run\n');
    console.log(formatScaleBench(results.scale));
  }
  if (args.only.includes('client')) {
    results.client = await withServices((found) =>
      runClientBench({
        ...found,
        runs: args.quick ? 1 : 3,
        log: (line) => console.error(line),
      }),
    );
    console.log('\nThe browser client (kitchen home on a throttled phone)\n');
    console.log(formatClientBench(results.client));
  }
  if (args.only.includes('live')) {
    results.live = await withServices((found) =>
      runLiveBench({
        ...found,
        changes: args.quick ? 100 : 300,
        log: (line) => console.error(line),
      }),
    );
    console.log('\nLive updates (graphql-ws through Redis pub/sub)\n');
    console.log(formatLiveBench(results.live));
  }
  if (args.only.includes('notify')) {
    results.notify = await withServices((found) =>
      runNotifyBench({
        ...found,
        moments: args.quick ? 50 : 150,
        alerts: args.quick ? 100 : 300,
        log: (line) => console.error(line),
      }),
    );
    console.log('\nNotification fan-out (commit of the events → every notification stored)\n');
    console.log(formatNotifyBench(results.notify));
  }
  const file = join(repoRoot(), 'bench/results/latest.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(results, null, 2) + '\n');
  console.log(`\nWrote ${file}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
