import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AwardInput, AwardOptions, AwardResult } from '../libs/award/src/index.js';
import { evaluateBatch } from '../libs/award/src/index.js';
import { lpInstanceOf, solveMipReference } from '../libs/award/src/testing/lp-reference.js';
import { generateMarket, kotaBlitarSpec, loadCatalog, nationalDaySpecs } from './generator.js';

/**
 * Quick check of the award engine against HiGHS's MIP optimum on the engine bench's 30 Kota
 * Blitar days, commodity by commodity (a commodity's lines never share a lot with another's, so
 * the batch's optimum is the sum of the commodities' and each small MIP is proven fast). The MIP
 * results are cached (`--cache`, default /tmp/award-mip-cache.json) so reruns take seconds.
 *
 *   node dist/bench/award-gap.js [--days 30] [--only 2042,2053] [--limit 120] [--options '{"sharedSearchWork":false}']
 *   node dist/bench/award-gap.js --national 40   (engine only: work and CPU against optimal-4)
 *
 * Build: `npx tsc -p tsconfig.build.json` (it is part of bench/). Not part of `npm run bench`.
 */

interface CachedMip {
  status: string;
  objective: number;
  bound: number;
}

function parse(argv: string[]) {
  const out = {
    days: 30,
    only: null as number[] | null,
    limit: 120,
    cache: '/tmp/award-mip-cache.json',
    options: {} as AwardOptions,
    verbose: false,
    /** Instead: the first N markets of the national day, engine only (work and CPU). */
    national: 0,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--days') out.days = Number(argv[++i]);
    else if (a === '--only') out.only = argv[++i].split(',').map(Number);
    else if (a === '--limit') out.limit = Number(argv[++i]);
    else if (a === '--cache') out.cache = argv[++i];
    else if (a === '--options') out.options = JSON.parse(argv[++i]) as AwardOptions;
    else if (a === '--verbose') out.verbose = true;
    else if (a === '--national') out.national = Number(argv[++i]);
    else throw new Error(`unknown argument ${a}`);
  }
  return out;
}

function subBatch(input: AwardInput, result: AwardResult, code: string) {
  const lines = input.lines.filter((l) => l.commodityCode === code);
  const lineIds = new Set(lines.map((l) => l.id));
  const offers = input.offers.filter((o) => lineIds.has(o.lineId));
  const offerIds = new Set(offers.map((o) => o.id));
  const lots = input.lots.filter((l) => l.commodityCode === code);
  const sub: AwardInput = { lines, offers, lots, rules: input.rules };
  const subResult = { ...result, evaluations: result.evaluations.filter((e) => offerIds.has(e.offerId)) };
  return { sub, subResult, lineIds };
}

/** The engine's objective restricted to some lines (same formula as AwardResult.objective). */
function objectiveOn(input: AwardInput, result: AwardResult, lineIds: Set<string>): number {
  const q = new Map(input.lines.map((l) => [l.id, l.quantityMilli]));
  const total = new Map(result.evaluations.map((e) => [e.offerId, e.total]));
  let value = 0;
  for (const a of result.allocations) {
    if (!lineIds.has(a.lineId)) continue;
    value += (a.quantityMilli / q.get(a.lineId)!) * (1e6 + total.get(a.offerId)!);
  }
  return value;
}

async function main() {
  const args = parse(process.argv.slice(2));
  const cache: Record<string, CachedMip> = existsSync(args.cache)
    ? (JSON.parse(readFileSync(args.cache, 'utf8')) as Record<string, CachedMip>)
    : {};
  const catalog = loadCatalog();
  // Warm-up as the bench does, so CPU times are comparable.
  for (let i = 0; i < 5; i++) evaluateBatch(generateMarket(kotaBlitarSpec(2026 + 999 + i), catalog));
  if (args.national > 0) {
    let m = 0;
    const rows: { cpu: number; work: number; base: number; baseWork: number; gain: number }[] = [];
    for (const spec of nationalDaySpecs(514, 30000, 2026)) {
      if (m++ >= args.national) break;
      const input = generateMarket(spec, catalog);
      let c = process.cpuUsage();
      const base = evaluateBatch(input, { sharedSearchWork: false });
      let u = process.cpuUsage(c);
      const baseCpu = (u.user + u.system) / 1000;
      c = process.cpuUsage();
      const result = evaluateBatch(input, args.options);
      u = process.cpuUsage(c);
      rows.push({
        cpu: (u.user + u.system) / 1000,
        work: result.solver!.work,
        base: baseCpu,
        baseWork: base.solver!.work,
        gain: (result.objective - base.objective) / 1e6,
      });
    }
    const sum = (k: keyof (typeof rows)[number]) => rows.reduce((s, r) => s + r[k], 0);
    console.log(
      `national first ${rows.length}: cpu ${sum('base').toFixed(0)} -> ${sum('cpu').toFixed(0)} ms, work ${(sum('baseWork') / 1e6).toFixed(1)} -> ${(sum('work') / 1e6).toFixed(1)} M, coverage gain ${sum('gain').toFixed(3)} lines`,
    );
    return;
  }
  const seeds = args.only ?? Array.from({ length: args.days }, (_, i) => 2026 + i);
  let within = 0;
  let proven = 0;
  let ratioSum = 0;
  let worst = 1;
  const cpu: number[] = [];
  const work: number[] = [];
  for (const seed of seeds) {
    const spec = kotaBlitarSpec(seed);
    const input = generateMarket(spec, catalog);
    const c0 = process.cpuUsage();
    const result = evaluateBatch(input, args.options);
    const used = process.cpuUsage(c0);
    cpu.push((used.user + used.system) / 1000);
    work.push(result.solver?.work ?? 0);
    const codes = [...new Set(input.lines.map((l) => l.commodityCode))].sort();
    let mipSum = 0;
    let allProven = true;
    const bad: string[] = [];
    for (const code of codes) {
      const { sub, subResult, lineIds } = subBatch(input, result, code);
      const key = `${spec.id}:${code}`;
      let mip = cache[key];
      if (!mip) {
        const minimum = sub.lines.map((l) => sub.rules.minAwardMilli[l.commodityCode] ?? 0);
        const m = await solveMipReference(
          lpInstanceOf(sub, subResult),
          minimum,
          sub.rules.maxSuppliersPerLine,
          args.limit,
        );
        mip = { status: m.status, objective: m.objective, bound: m.bound };
        cache[key] = mip;
        writeFileSync(args.cache, JSON.stringify(cache));
      }
      if (mip.status !== 'Optimal') allProven = false;
      mipSum += mip.objective;
      const engine = objectiveOn(input, result, lineIds);
      const diff = mip.objective - engine;
      if (diff > 100 || args.verbose)
        bad.push(
          `${code} ${diff >= 0 ? '-' : '+'}${(Math.abs(diff) / 1e6).toFixed(4)} lines${mip.status === 'Optimal' ? '' : ` (MIP ${mip.status})`}`,
        );
    }
    const ratio = result.objective / mipSum;
    if (allProven) {
      proven++;
      ratioSum += ratio;
      worst = Math.min(worst, ratio);
      if (ratio >= 1 - 1e-4) within++;
    }
    console.log(
      `${spec.id}: ${allProven ? 'proven' : 'OPEN  '} engine/MIP ${ratio.toFixed(6)} gap ${(100 * (1 - ratio)).toFixed(4)}% ${ratio >= 1 - 1e-4 ? 'ok ' : 'BAD'} work ${(result.solver!.work / 1e6).toFixed(2)}M cpu ${cpu[cpu.length - 1].toFixed(0)} ms bb ${result.solver!.branchAndBoundNodes} nodes  ${bad.join('; ')}`,
    );
  }
  const sorted = (v: number[]) => [...v].sort((a, b) => a - b);
  const q = (v: number[], p: number) => sorted(v)[Math.min(v.length - 1, Math.ceil(p * v.length) - 1)];
  console.log(
    `within 0.01%: ${within}/${proven} proven (of ${seeds.length}); mean ${(ratioSum / proven).toFixed(6)}, worst gap ${(100 * (1 - worst)).toFixed(4)}%; cpu p50/p95/total ${q(cpu, 0.5).toFixed(0)}/${q(cpu, 0.95).toFixed(0)}/${cpu.reduce((s, x) => s + x, 0).toFixed(0)} ms; work p50/p95/total ${(q(work, 0.5) / 1e6).toFixed(2)}/${(q(work, 0.95) / 1e6).toFixed(2)}/${(work.reduce((s, x) => s + x, 0) / 1e6).toFixed(1)} M`,
  );
}

await main();
