/**
 * The diversity objective (issue 9, BGN's "at least 15 suppliers per kitchen"): ten simulated
 * days of the Kota Blitar scenario (11 kitchens, 21 cooperatives, a new menu and new offers every
 * day), awarded once with the plain optimum and once with the market's diversity objective, which
 * remembers who supplied each kitchen in the cycle. Reports distinct suppliers per kitchen after
 * the ten days, what it cost in score (the objective's score part, coverage being never lower)
 * and in engine time.
 */
import { evaluateBatch } from '../libs/award/src/award-engine.js';
import type { AwardResult } from '../libs/award/src/award.types.js';
import { coverageOf, scorePartOf } from '../libs/award/src/diversity.js';
import { generateMarket, kotaBlitarSpec, loadCatalog } from './generator.js';

export interface DiversityRun {
  distinctPerKitchen: { mean: number; min: number; max: number };
  /** Mean distinct suppliers per kitchen after each day of the cycle (cumulative). */
  meanAfterDay: number[];
  /** Mean day (1-based) on which a kitchen reached 15 distinct suppliers; null if one never did. */
  meanDayReaching15: number | null;
  kitchensMeetingRule: number;
  score: number;
  coverage: number;
  engineMsPerDay: number;
  daysDiversityApplied: number;
}

export interface DiversityBenchResult {
  days: number;
  kitchens: number;
  tolerance: number;
  minSuppliersPerKitchen: number;
  without: DiversityRun;
  with: DiversityRun;
}

export function runDiversityBench(
  options: { seed?: number; tolerance?: number; days?: number } = {},
): DiversityBenchResult {
  const seed = options.seed ?? 2026;
  const tolerance = options.tolerance ?? 0.01;
  const days = options.days ?? 10;
  const catalog = loadCatalog();
  const inputs = Array.from({ length: days }, (_, day) =>
    generateMarket(kotaBlitarSpec(seed + day), catalog),
  );
  const run = (diverse: boolean): DiversityRun => {
    const supplied = new Map<string, Set<string>>();
    let score = 0;
    let coverage = 0;
    let ms = 0;
    let applied = 0;
    const meanAfterDay: number[] = [];
    const reached = new Map<string, number>();
    const kitchens = [...new Set(inputs.flatMap((i) => i.lines.map((l) => l.kitchenId!)))];
    for (const [dayIndex, input] of inputs.entries()) {
      const suppliedThisCycle = Object.fromEntries([...supplied].map(([k, coops]) => [k, [...coops]]));
      const rules = diverse ? { ...input.rules, diversity: { tolerance, suppliedThisCycle } } : input.rules;
      const started = performance.now();
      const result: AwardResult = evaluateBatch({ ...input, rules });
      ms += performance.now() - started;
      if (result.diversity?.applied) applied++;
      score += scorePartOf(result);
      coverage += coverageOf(result) / result.lines.length;
      const kitchenOf = new Map(input.lines.map((l) => [l.id, l.kitchenId!]));
      for (const a of result.allocations) {
        const kitchen = kitchenOf.get(a.lineId)!;
        supplied.set(kitchen, (supplied.get(kitchen) ?? new Set()).add(a.cooperativeId));
      }
      const sizes = kitchens.map((k) => supplied.get(k)?.size ?? 0);
      meanAfterDay.push(sizes.reduce((a, b) => a + b, 0) / sizes.length);
      kitchens.forEach((k, i) => {
        if (sizes[i]! >= 15 && !reached.has(k)) reached.set(k, dayIndex + 1);
      });
    }
    const counts = kitchens.map((k) => supplied.get(k)?.size ?? 0);
    return {
      distinctPerKitchen: {
        mean: counts.reduce((a, b) => a + b, 0) / counts.length,
        min: Math.min(...counts),
        max: Math.max(...counts),
      },
      meanAfterDay,
      meanDayReaching15:
        reached.size === kitchens.length
          ? [...reached.values()].reduce((a, b) => a + b, 0) / reached.size
          : null,
      kitchensMeetingRule: counts.filter((c) => c >= 15).length,
      score,
      coverage: coverage / days,
      engineMsPerDay: ms / days,
      daysDiversityApplied: applied,
    };
  };
  const without = run(false);
  const withDiversity = run(true);
  return {
    days,
    kitchens: new Set(inputs[0]!.lines.map((l) => l.kitchenId)).size,
    tolerance,
    minSuppliersPerKitchen: 15,
    without,
    with: withDiversity,
  };
}

export function formatDiversityBench(result: DiversityBenchResult): string {
  const row = (name: string, r: DiversityRun) =>
    [
      name.padEnd(24),
      `${r.distinctPerKitchen.mean.toFixed(1)} (${r.distinctPerKitchen.min}–${r.distinctPerKitchen.max})`.padEnd(
        18,
      ),
      `${r.kitchensMeetingRule}/${result.kitchens}`.padEnd(10),
      [1, 2, 3, 5]
        .map((d) => r.meanAfterDay[d - 1]?.toFixed(1) ?? '—')
        .join(' / ')
        .padEnd(24),
      (r.meanDayReaching15 === null ? '—' : r.meanDayReaching15.toFixed(1)).padEnd(9),
      `${(100 * r.coverage).toFixed(2)}%`.padEnd(10),
      r.score.toFixed(2).padEnd(10),
      r.engineMsPerDay.toFixed(0).padEnd(8),
      `${r.daysDiversityApplied}/${result.days}`,
    ].join(' ');
  const cost = 1 - result.with.score / result.without.score;
  return [
    `${result.days} days of Kota Blitar, diversity tolerance ${(100 * result.tolerance).toFixed(1)}% of the score`,
    [
      'award'.padEnd(24),
      'suppliers/kitchen'.padEnd(18),
      '>= 15'.padEnd(10),
      'after day 1 / 2 / 3 / 5'.padEnd(24),
      'day >=15'.padEnd(9),
      'coverage'.padEnd(10),
      'score'.padEnd(10),
      'ms/day'.padEnd(8),
      'applied',
    ].join(' '),
    row('optimum (no diversity)', result.without),
    row('with diversity', result.with),
    `score given up over the ${result.days} days: ${(100 * cost).toFixed(2)}%; engine time ×${(result.with.engineMsPerDay / result.without.engineMsPerDay).toFixed(2)}`,
  ].join('\n');
}
