/**
 * The Trade Center's fair-share allotment (libs/trade, pure): one shipment with 1,000 pledges
 * (goal: 50 ms), and a regency-wide contract of 50 shipments, each pledged by every cooperative
 * of a large regency. Synthetic pledges from a seeded generator; timings are wall clock of the
 * pure function (the database writes of an allotment are measured by the e2e tests, not here).
 */
import { allotFairShares, type FairShareInput, type FairSharePledge } from '../libs/trade/src/fair-share.js';

export interface TradeBenchScenario {
  name: string;
  description: string;
  shipments: number;
  pledgesPerShipment: number;
  runs: number;
  ms: { median: number; p95: number; max: number; total: number };
  goalMs: number | null;
  allottedExact: boolean;
}

export interface TradeBenchResult {
  scenarios: TradeBenchScenario[];
}

/** mulberry32: small, seeded, good enough for synthetic pledges. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shipment(
  rand: () => number,
  pledges: number,
  cooperatives: number,
  quantityMilli: number,
): FairShareInput {
  const list: FairSharePledge[] = [];
  for (let i = 0; i < pledges; i++) {
    const cooperative = i % cooperatives;
    list.push({
      pledgeId: `p${i}`,
      cooperativeId: `c${cooperative}`,
      stockLotId: `l${i}`,
      pledgedMilli: 1000 * Math.floor(50 + rand() * 2000) + Math.floor(rand() * 1000),
      grade: rand() < 0.05 ? 'C' : rand() < 0.5 ? 'A' : 'B',
      commodityCode: 'RICE_MEDIUM',
      lotExpiresOn: rand() < 0.03 ? '2026-01-01' : null,
      lotAvailableMilli: 1000 * Math.floor(rand() * 2500),
      cooperativeSuspended: false,
      reliability: 0.5 + rand() / 2,
      pledgedAt: Math.floor(rand() * 86_400_000),
    });
  }
  return {
    quantityMilli,
    commodityCode: 'RICE_MEDIUM',
    minGrade: 'B',
    consolidateByDate: '2026-12-20',
    maxShareMilli: Math.floor(quantityMilli * 0.25),
    baseUnit: 'kg',
    pledges: list,
  };
}

function stats(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
  return {
    median: at(0.5),
    p95: at(0.95),
    max: sorted[sorted.length - 1]!,
    total: values.reduce((s, v) => s + v, 0),
  };
}

function measure(inputs: FairShareInput[], runs: number): { ms: number[]; exact: boolean } {
  const ms: number[] = [];
  let exact = true;
  for (let run = 0; run < runs; run++) {
    const started = performance.now();
    for (const input of inputs) {
      const result = allotFairShares(input);
      const total = result.pledges.reduce((sum, p) => sum + p.allottedMilli, 0);
      if (total !== result.totalMilli || total > input.quantityMilli) exact = false;
    }
    ms.push(performance.now() - started);
  }
  return { ms, exact };
}

export function runTradeBench(options: { quick: boolean; seed?: number }): TradeBenchResult {
  const rand = random(options.seed ?? 2026);
  const runs = options.quick ? 30 : 200;
  // Warm the JIT so the first measured run is not the compile.
  measure([shipment(rand, 1000, 300, 400_000_000)], 20);

  const one = [shipment(rand, 1000, 300, 400_000_000)];
  const single = measure(one, runs);
  const regency = Array.from({ length: 50 }, () => shipment(rand, 400, 400, 200_000_000));
  const wide = measure(regency, options.quick ? 5 : 30);
  return {
    scenarios: [
      {
        name: 'one shipment, 1,000 pledges',
        description: '1,000 pledges from 300 cooperatives for 400 t, cap 25%, ~5% below grade, ~3% expiring',
        shipments: 1,
        pledgesPerShipment: 1000,
        runs,
        ms: stats(single.ms),
        goalMs: 50,
        allottedExact: single.exact,
      },
      {
        name: 'regency-wide contract, 50 shipments',
        description: '50 shipments of 200 t, each pledged by 400 cooperatives (20,000 pledges in all)',
        shipments: 50,
        pledgesPerShipment: 400,
        runs: options.quick ? 5 : 30,
        ms: stats(wide.ms),
        goalMs: null,
        allottedExact: wide.exact,
      },
    ],
  };
}

export function formatTradeBench(result: TradeBenchResult): string {
  const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(2));
  const rows = [
    ['scenario', 'shipments', 'pledges/shipment', 'runs', 'ms median', 'p95', 'max', 'goal', 'totals exact'],
    ...result.scenarios.map((s) => [
      s.name,
      String(s.shipments),
      s.pledgesPerShipment.toLocaleString('en'),
      String(s.runs),
      ms(s.ms.median),
      ms(s.ms.p95),
      ms(s.ms.max),
      s.goalMs === null ? '—' : `≤ ${s.goalMs} ms ${s.ms.p95 <= s.goalMs ? 'met' : 'MISSED'}`,
      s.allottedExact ? 'yes' : 'NO',
    ]),
  ];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const table = rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
  return `${table}\n\n${result.scenarios.map((s) => `${s.name}: ${s.description}.`).join('\n')}`;
}
