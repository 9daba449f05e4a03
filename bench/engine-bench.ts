import { cpus } from 'node:os';
import type { AwardInput, AwardResult } from '../libs/award/src/index.js';
import { ENGINE_VERSION, evaluateBatch, evaluateBatchGreedy } from '../libs/award/src/index.js';
import { lpInstanceOf, solveLpReference, solveMipReference } from '../libs/award/src/testing/lp-reference.js';
import { evaluateCheapestWholeLine } from './baselines.js';
import {
  generateMarket,
  kotaBlitarSpec,
  largeRegencySpec,
  loadCatalog,
  nationalDaySpecs,
  type MarketSpec,
} from './generator.js';

/**
 * Engine benchmark: per scenario, time of `evaluateBatch` per batch (one market's closing), and
 * quality against the HiGHS LP optimum of the same batch (split rules relaxed: an upper bound),
 * next to two baselines: the common "whole line to the cheapest valid offer that can cover it"
 * rule and the v1 greedy. The national day is generated market by market and each market is
 * discarded after use, so memory stays bounded.
 */

export type ScenarioName = 'kota-blitar' | 'kota-blitar-no-split-rules' | 'large-regency' | 'national-day';

export interface EngineBenchOptions {
  /** Smaller national day (64 markets, 3,750 kitchens) and fewer repetitions. */
  quick?: boolean;
  seed?: number;
  scenarios?: ScenarioName[];
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

export interface Distribution {
  median: number;
  p95: number;
  max: number;
  total: number;
}

export interface MethodQuality {
  /** Mean over batches of Σ awarded/demanded ÷ lines: the share of a line covered, on average. */
  lineCoverage: number;
  /** Σ awarded ÷ Σ demanded over all batches. */
  quantityCoverage: number;
  /** objective ÷ HiGHS LP optimum over the batches solved by HiGHS: mean and worst. */
  objectiveVsLp: { mean: number; min: number } | null;
}

export interface ScenarioResult {
  name: ScenarioName;
  description: string;
  batches: number;
  lines: number;
  offers: number;
  /** evaluateBatch wall-clock time per batch, ms. */
  engineMs: Distribution;
  /** evaluateBatch CPU time (user + system) per batch, ms: less sensitive to other load. */
  engineCpuMs: Distribution;
  greedyMs: Distribution;
  paths: Record<string, number>;
  components: number;
  exactComponents: number;
  repairedComponents: number;
  fallbackComponents: number;
  /** HiGHS MIP (split rules included) on a few batches: engine objective ÷ MIP optimum. */
  engineVsMip: { batches: number; mean: number; min: number; mipVsLp: number } | null;
  /**
   * The MIP gap, before (repair only, `localSearch: false`) and after the local search, on the
   * batches whose MIP HiGHS solved to optimality within the time limit; `vsBoundMin` is the worst
   * engine ÷ HiGHS's proven bound over every sampled batch (a pessimistic figure).
   */
  mipGap: {
    sampled: number;
    optimal: number;
    timeLimitSeconds: number;
    /** Repair only (`localSearch: false, branchAndBound: false`). */
    before: GapFigures;
    /** optimal-3: repair and local search (`branchAndBound: false`). */
    localSearch: GapFigures;
    /** optimal-4: then the branch and bound, one round (`sharedSearchWork: false`). */
    branchAndBound: GapFigures;
    /** The engine as it is (optimal-5: then the second round with the batch's unspent search work). */
    after: GapFigures;
  } | null;
  engine: MethodQuality;
  greedy: MethodQuality;
  wholeLine: MethodQuality;
  /** Over the HiGHS-solved batches: line coverage of the LP optimum (the most any rule reaches). */
  lpLineCoverage: number | null;
  /** Over the same batches: the engine's line coverage (comparable with lpLineCoverage). */
  engineLineCoverageOnLpBatches: number | null;
  lpBatches: number;
  /** Largest relative difference between the engine's own LP bound and HiGHS's optimum. */
  lpBoundMaxRelativeDifference: number | null;
  /** Where the engine ran exact: largest relative difference of its objective to HiGHS's. */
  exactMaxRelativeDifference: number | null;
  generationSeconds: number;
  highsSeconds: number;
  wallSeconds: number;
}

export interface GapFigures {
  mean: number;
  min: number;
  worstGap: number;
  vsBoundMin: number;
  /** Batches (MIP optimal) where the allocation is within 0.01% of the MIP optimum. */
  within001: number;
  engineMsP50: number;
  engineMsP95: number;
}

export interface EngineBenchResult {
  engineVersion: string;
  startedAt: string;
  machine: { cpu: string; cores: number; node: string };
  options: { quick: boolean; seed: number };
  scenarios: ScenarioResult[];
  wallSeconds: number;
}

function distribution(values: number[]): Distribution {
  if (values.length === 0) return { median: 0, p95: 0, max: 0, total: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
  return {
    median: at(0.5),
    p95: at(0.95),
    max: sorted[sorted.length - 1],
    total: values.reduce((s, v) => s + v, 0),
  };
}

function gapFigures(g: { ratios: number[]; vsBound: number[]; ms: number[] }): GapFigures {
  const times = distribution(g.ms);
  const min = g.ratios.length ? Math.min(...g.ratios) : NaN;
  return {
    mean: g.ratios.length ? g.ratios.reduce((s, r) => s + r, 0) / g.ratios.length : NaN,
    min,
    worstGap: 1 - min,
    vsBoundMin: Math.min(...g.vsBound),
    within001: g.ratios.filter((r) => r >= 1 - 1e-4).length,
    engineMsP50: times.median,
    engineMsP95: times.p95,
  };
}

class QualityAccumulator {
  private shares = 0;
  private lines = 0;
  private demanded = 0;
  private awarded = 0;
  private ratios: number[] = [];
  add(result: Pick<AwardResult, 'lines'>, lpObjective: number | null, objective: number): void {
    for (const o of result.lines) {
      this.shares += o.awardedMilli / o.demandedMilli;
      this.demanded += o.demandedMilli;
      this.awarded += o.awardedMilli;
    }
    this.lines += result.lines.length;
    if (lpObjective !== null && lpObjective > 0) this.ratios.push(objective / lpObjective);
  }
  result(): MethodQuality {
    return {
      lineCoverage: this.lines ? this.shares / this.lines : 1,
      quantityCoverage: this.demanded ? this.awarded / this.demanded : 1,
      objectiveVsLp: this.ratios.length
        ? {
            mean: this.ratios.reduce((s, r) => s + r, 0) / this.ratios.length,
            min: Math.min(...this.ratios),
          }
        : null,
    };
  }
}

async function runScenario(
  name: ScenarioName,
  description: string,
  specs: Iterable<MarketSpec>,
  lpSample: (index: number) => boolean,
  log: (line: string) => void,
  extra: { relaxRules?: boolean; mipSample?: (index: number) => boolean; mipTimeLimitSeconds?: number } = {},
): Promise<ScenarioResult> {
  const catalog = loadCatalog();
  const started = performance.now();
  const engineMs: number[] = [];
  const engineCpuMs: number[] = [];
  const greedyMs: number[] = [];
  const paths: Record<string, number> = {};
  const quality = {
    engine: new QualityAccumulator(),
    greedy: new QualityAccumulator(),
    wholeLine: new QualityAccumulator(),
  };
  let lines = 0;
  let offers = 0;
  let batches = 0;
  let components = 0;
  let exactComponents = 0;
  let repairedComponents = 0;
  let fallbackComponents = 0;
  const mipRatios: number[] = [];
  const gap = {
    before: { ratios: [] as number[], vsBound: [] as number[], ms: [] as number[] },
    localSearch: { ratios: [] as number[], vsBound: [] as number[], ms: [] as number[] },
    branchAndBound: { ratios: [] as number[], vsBound: [] as number[], ms: [] as number[] },
    after: { ratios: [] as number[], vsBound: [] as number[], ms: [] as number[] },
    sampled: 0,
  };
  const mipVsLp: number[] = [];
  let generationMs = 0;
  let highsMs = 0;
  let lpShares = 0;
  let engineLpShares = 0;
  let lpLines = 0;
  let lpBatches = 0;
  let lpBoundDiff: number | null = null;
  let exactDiff: number | null = null;

  let index = 0;
  for (const spec of specs) {
    let t = performance.now();
    const generated: AwardInput = generateMarket(spec, catalog);
    const input: AwardInput = extra.relaxRules
      ? { ...generated, rules: { maxSuppliersPerLine: 1_000_000, minAwardMilli: {} } }
      : generated;
    generationMs += performance.now() - t;

    const cpu = process.cpuUsage();
    t = performance.now();
    const result = evaluateBatch(input);
    engineMs.push(performance.now() - t);
    const used = process.cpuUsage(cpu);
    engineCpuMs.push((used.user + used.system) / 1000);

    t = performance.now();
    const greedy = evaluateBatchGreedy(input);
    greedyMs.push(performance.now() - t);
    const wholeLine = evaluateCheapestWholeLine(input);

    let lpObjective: number | null = null;
    if (lpSample(index)) {
      t = performance.now();
      const lp = await solveLpReference(lpInstanceOf(input, result));
      highsMs += performance.now() - t;
      if (lp.status === 'Optimal') {
        lpObjective = lp.objective;
        lpBatches++;
        lpShares += lp.coverage;
        lpLines += input.lines.length;
        for (const o of result.lines) engineLpShares += o.awardedMilli / o.demandedMilli;
        const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
        if (result.solver?.lpBound != null)
          lpBoundDiff = Math.max(lpBoundDiff ?? 0, rel(result.solver.lpBound, lp.objective));
        if (result.path === 'exact')
          exactDiff = Math.max(exactDiff ?? 0, rel(result.objective, lp.objective));
        if (extra.mipSample?.(index)) {
          const minimum = input.lines.map((l) => input.rules.minAwardMilli[l.commodityCode] ?? 0);
          t = performance.now();
          const mip = await solveMipReference(
            lpInstanceOf(input, result),
            minimum,
            input.rules.maxSuppliersPerLine,
            extra.mipTimeLimitSeconds ?? 60,
          );
          highsMs += performance.now() - t;
          t = performance.now();
          const repairedOnly = evaluateBatch(input, { localSearch: false, branchAndBound: false });
          gap.before.ms.push(performance.now() - t);
          t = performance.now();
          const previous = evaluateBatch(input, { branchAndBound: false });
          gap.localSearch.ms.push(performance.now() - t);
          t = performance.now();
          const oneRound = evaluateBatch(input, { sharedSearchWork: false });
          gap.branchAndBound.ms.push(performance.now() - t);
          gap.after.ms.push(engineMs[engineMs.length - 1]);
          gap.sampled++;
          gap.before.vsBound.push(repairedOnly.objective / mip.bound);
          gap.localSearch.vsBound.push(previous.objective / mip.bound);
          gap.branchAndBound.vsBound.push(oneRound.objective / mip.bound);
          gap.after.vsBound.push(result.objective / mip.bound);
          if (mip.status === 'Optimal') {
            gap.before.ratios.push(repairedOnly.objective / mip.objective);
            gap.localSearch.ratios.push(previous.objective / mip.objective);
            gap.branchAndBound.ratios.push(oneRound.objective / mip.objective);
            gap.after.ratios.push(result.objective / mip.objective);
          }
          log(
            `  ${spec.id}: MIP ${mip.status}, engine/MIP ${(result.objective / mip.objective).toFixed(6)} (repair only ${(repairedOnly.objective / mip.objective).toFixed(6)}, optimal-3 ${(previous.objective / mip.objective).toFixed(6)}, optimal-4 ${(oneRound.objective / mip.objective).toFixed(6)})`,
          );
          if (mip.status === 'Optimal') {
            mipRatios.push(result.objective / mip.objective);
            mipVsLp.push(mip.objective / lp.objective);
          }
        }
      } else {
        log(`  ${spec.id}: HiGHS ${lp.status}`);
      }
    }
    quality.engine.add(result, lpObjective, result.objective);
    quality.greedy.add(greedy, lpObjective, greedy.objective);
    quality.wholeLine.add(wholeLine, lpObjective, wholeLine.objective);

    paths[result.path] = (paths[result.path] ?? 0) + 1;
    components += result.solver?.components ?? 0;
    exactComponents += result.solver?.exactComponents ?? 0;
    repairedComponents += result.solver?.repairedComponents ?? 0;
    fallbackComponents += result.solver?.fallbackComponents ?? 0;
    lines += input.lines.length;
    offers += input.offers.length;
    batches++;
    index++;
    if (batches % 50 === 0) log(`  ${name}: ${batches} batches, ${offers.toLocaleString('en')} offers`);
  }

  return {
    name,
    description,
    batches,
    lines,
    offers,
    engineMs: distribution(engineMs),
    engineCpuMs: distribution(engineCpuMs),
    greedyMs: distribution(greedyMs),
    paths,
    components,
    exactComponents,
    repairedComponents,
    fallbackComponents,
    engineVsMip: mipRatios.length
      ? {
          batches: mipRatios.length,
          mean: mipRatios.reduce((s, r) => s + r, 0) / mipRatios.length,
          min: Math.min(...mipRatios),
          mipVsLp: mipVsLp.reduce((s, r) => s + r, 0) / mipVsLp.length,
        }
      : null,
    mipGap: gap.sampled
      ? {
          sampled: gap.sampled,
          optimal: gap.after.ratios.length,
          timeLimitSeconds: extra.mipTimeLimitSeconds ?? 60,
          before: gapFigures(gap.before),
          localSearch: gapFigures(gap.localSearch),
          branchAndBound: gapFigures(gap.branchAndBound),
          after: gapFigures(gap.after),
        }
      : null,
    engine: quality.engine.result(),
    greedy: quality.greedy.result(),
    wholeLine: quality.wholeLine.result(),
    lpLineCoverage: lpLines ? lpShares / lpLines : null,
    engineLineCoverageOnLpBatches: lpLines ? engineLpShares / lpLines : null,
    lpBatches,
    lpBoundMaxRelativeDifference: lpBoundDiff,
    exactMaxRelativeDifference: exactDiff,
    generationSeconds: generationMs / 1000,
    highsSeconds: highsMs / 1000,
    wallSeconds: (performance.now() - started) / 1000,
  };
}

export async function runEngineBench(options: EngineBenchOptions = {}): Promise<EngineBenchResult> {
  const quick = options.quick ?? false;
  const seed = options.seed ?? 2026;
  const log = options.log ?? (() => {});
  const wanted = new Set<ScenarioName>(
    options.scenarios ?? ['kota-blitar', 'kota-blitar-no-split-rules', 'large-regency', 'national-day'],
  );
  const started = performance.now();
  const startedAt = new Date().toISOString();

  // Warm up the JIT (as a long-running worker would be) so the first measured batches are not
  // outliers: small markets, then one large one, with seeds the scenarios do not use.
  const catalog = loadCatalog();
  for (let i = 0; i < 20; i++) evaluateBatch(generateMarket(kotaBlitarSpec(seed + 999 + i), catalog));
  evaluateBatch(generateMarket(largeRegencySpec(seed + 999), catalog));

  const scenarios: ScenarioResult[] = [];
  if (wanted.has('kota-blitar')) {
    const n = quick ? 10 : 30;
    log(`kota-blitar: ${n} market days`);
    scenarios.push(
      await runScenario(
        'kota-blitar',
        `Kota Blitar: 11 kitchens × ~20 lines, 21 cooperatives (seed coordinates); ${n} days`,
        Array.from({ length: n }, (_, i) => kotaBlitarSpec(seed + i)),
        () => true,
        log,
        // The MIP gap on every batch (at least 30 without --quick), before and after the search.
        { mipSample: (i) => i < (quick ? 3 : 30), mipTimeLimitSeconds: quick ? 10 : 60 },
      ),
    );
  }
  if (wanted.has('kota-blitar-no-split-rules')) {
    const n = quick ? 10 : 30;
    log(`kota-blitar-no-split-rules: ${n} market days`);
    scenarios.push(
      await runScenario(
        'kota-blitar-no-split-rules',
        `The same Kota Blitar days with the split rules off (no supplier cap, no minimum award): the LP optimum is the optimum`,
        Array.from({ length: n }, (_, i) => kotaBlitarSpec(seed + i)),
        () => true,
        log,
        { relaxRules: true },
      ),
    );
  }
  if (wanted.has('large-regency')) {
    const n = quick ? 2 : 4;
    log(`large-regency: ${n} market days`);
    scenarios.push(
      await runScenario(
        'large-regency',
        `Large regency: 300 kitchens, 400 cooperatives, ≈30,000 offers; ${n} days`,
        Array.from({ length: n }, (_, i) => largeRegencySpec(seed + i)),
        () => true,
        log,
      ),
    );
  }
  if (wanted.has('national-day')) {
    const markets = quick ? 64 : 514;
    const kitchens = quick ? 3750 : 30000;
    const sample = quick ? 6 : 20;
    const every = Math.floor(markets / sample);
    log(`national-day: ${markets} markets, ${kitchens} kitchens (HiGHS on ${sample})`);
    scenarios.push(
      await runScenario(
        'national-day',
        `National day: ${kitchens.toLocaleString('en')} kitchens in ${markets} regency markets, one batch per market, generated and discarded one at a time; HiGHS on ${sample} markets`,
        nationalDaySpecs(markets, kitchens, seed),
        (i) => i % every === 0 && i / every < sample,
        log,
      ),
    );
  }
  return {
    engineVersion: ENGINE_VERSION,
    startedAt,
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.version },
    options: { quick, seed },
    scenarios,
    wallSeconds: (performance.now() - started) / 1000,
  };
}

/** The results as a plain-text table (two parts: speed, quality). */
export function formatEngineBench(result: EngineBenchResult): string {
  const pct = (v: number | null | undefined) => (v == null ? '—' : `${(100 * v).toFixed(2)}%`);
  const ratio = (q: MethodQuality) =>
    q.objectiveVsLp ? `${q.objectiveVsLp.mean.toFixed(5)} (min ${q.objectiveVsLp.min.toFixed(5)})` : '—';
  const ms = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
  const rows: string[][] = [
    [
      'scenario',
      'batches',
      'lines',
      'offers',
      'engine ms median',
      'p95',
      'max',
      'total s',
      'cpu ms median',
      'cpu p95',
      'cpu total s',
      'greedy ms median',
      'batch paths',
      'components exact/repaired/fallback',
    ],
  ];
  for (const s of result.scenarios) {
    rows.push([
      s.name,
      String(s.batches),
      s.lines.toLocaleString('en'),
      s.offers.toLocaleString('en'),
      ms(s.engineMs.median),
      ms(s.engineMs.p95),
      ms(s.engineMs.max),
      (s.engineMs.total / 1000).toFixed(1),
      ms(s.engineCpuMs.median),
      ms(s.engineCpuMs.p95),
      (s.engineCpuMs.total / 1000).toFixed(1),
      ms(s.greedyMs.median),
      Object.entries(s.paths)
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
      `${s.exactComponents}/${s.repairedComponents}/${s.fallbackComponents}`,
    ]);
  }
  const quality: string[][] = [
    ['scenario', 'method', 'line coverage', 'qty coverage', 'objective / LP optimum (mean, worst)'],
  ];
  for (const s of result.scenarios) {
    quality.push([
      s.name,
      'LP optimum (no split rules)',
      pct(s.lpLineCoverage),
      '',
      `on the ${s.lpBatches} batches solved by HiGHS (engine there: ${pct(s.engineLineCoverageOnLpBatches)} line coverage)`,
    ]);
    quality.push([
      '',
      `engine ${result.engineVersion}`,
      pct(s.engine.lineCoverage),
      pct(s.engine.quantityCoverage),
      ratio(s.engine),
    ]);
    quality.push([
      '',
      'greedy v1',
      pct(s.greedy.lineCoverage),
      pct(s.greedy.quantityCoverage),
      ratio(s.greedy),
    ]);
    quality.push([
      '',
      'whole line to cheapest',
      pct(s.wholeLine.lineCoverage),
      pct(s.wholeLine.quantityCoverage),
      ratio(s.wholeLine),
    ]);
    if (s.engineVsMip) {
      quality.push([
        '',
        'engine vs HiGHS MIP (split rules in)',
        '',
        '',
        `${s.engineVsMip.mean.toFixed(5)} (min ${s.engineVsMip.min.toFixed(5)}) on ${s.engineVsMip.batches} batches; MIP optimum / LP = ${s.engineVsMip.mipVsLp.toFixed(5)}`,
      ]);
    }
    quality.push([
      '',
      'engine LP bound vs HiGHS',
      '',
      '',
      `max rel. diff ${s.lpBoundMaxRelativeDifference?.toExponential(1) ?? '—'}; exact path vs HiGHS ${s.exactMaxRelativeDifference?.toExponential(1) ?? '—'}`,
    ]);
  }
  const gapTable: string[][] = [
    [
      'scenario',
      'allocation',
      'batches (MIP optimal)',
      'engine/MIP mean',
      'min',
      'worst gap',
      'within 0.01%',
      'engine/MIP bound min',
      'engine ms p50',
      'p95',
    ],
  ];
  for (const s of result.scenarios) {
    if (!s.mipGap) continue;
    for (const [label, g] of [
      ['repair only', s.mipGap.before],
      ['optimal-3: + local search', s.mipGap.localSearch],
      ['optimal-4: + branch and bound (before)', s.mipGap.branchAndBound],
      [`${result.engineVersion}: + second round, shared search work (after)`, s.mipGap.after],
    ] as const) {
      gapTable.push([
        s.name,
        label,
        `${s.mipGap.sampled} (${s.mipGap.optimal}, limit ${s.mipGap.timeLimitSeconds} s)`,
        g.mean.toFixed(6),
        g.min.toFixed(6),
        `${(100 * g.worstGap).toFixed(4)}%`,
        `${g.within001}/${s.mipGap.optimal}`,
        g.vsBoundMin.toFixed(6),
        ms(g.engineMsP50),
        ms(g.engineMsP95),
      ]);
    }
  }
  const render = (table: string[][]) => {
    const widths = table[0].map((_, c) => Math.max(...table.map((r) => (r[c] ?? '').length)));
    return table
      .map((r) =>
        r
          .map((cell, c) => (cell ?? '').padEnd(widths[c]))
          .join('  ')
          .trimEnd(),
      )
      .join('\n');
  };
  const notes = result.scenarios
    .map(
      (s) =>
        `${s.name}: ${s.description}. Wall ${s.wallSeconds.toFixed(0)} s (generation ${s.generationSeconds.toFixed(0)} s, HiGHS ${s.highsSeconds.toFixed(0)} s).`,
    )
    .join('\n');
  const gapPart = gapTable.length > 1 ? `MIP gap (split rules in)\n${render(gapTable)}\n\n` : '';
  return `${render(rows)}\n\n${render(quality)}\n\n${gapPart}${notes}\nMachine: ${result.machine.cpu}, ${result.machine.cores} cores, Node ${result.machine.node}. Bench wall time ${result.wallSeconds.toFixed(0)} s.`;
}
