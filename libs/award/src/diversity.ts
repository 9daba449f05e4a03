import type { AwardResult, DiversityRule, EngineLine } from './award.types.js';
import { FILL_WEIGHT } from './optimal-allocation.js';
import type { RankedOffer } from './scoring.js';

/**
 * Bonuses tried, largest first: added to the total of an offer from a cooperative new to the
 * line's kitchen, so the optimiser leans towards new suppliers. The first solve whose true
 * objective stays within the tolerance is kept; the optimum is kept when none does.
 */
export const DIVERSITY_BONUSES: readonly number[] = [0.3, 0.1, 0.03, 0.01];

/** The same ranking with new suppliers' totals raised by `bonus` (ranks, shown scores unchanged). */
export function withNewSupplierBonus(
  lines: readonly EngineLine[],
  rankedByLine: ReadonlyMap<string, RankedOffer[]>,
  rule: DiversityRule,
  bonus: number,
): Map<string, RankedOffer[]> {
  const boosted = new Map<string, RankedOffer[]>();
  for (const line of lines) {
    const ranked = rankedByLine.get(line.id) ?? [];
    boosted.set(
      line.id,
      ranked.map((r) =>
        isNewSupplier(rule, line.kitchenId, r.offer.cooperativeId) ? { ...r, total: r.total + bonus } : r,
      ),
    );
  }
  return boosted;
}

export function isNewSupplier(
  rule: DiversityRule,
  kitchenId: string | undefined,
  cooperativeId: string,
): boolean {
  if (kitchenId === undefined) return false;
  return !(rule.suppliedThisCycle[kitchenId] ?? []).includes(cooperativeId);
}

/** Σ awarded/demanded over lines, the first part of `AwardResult.objective`. */
export function coverageOf(result: AwardResult): number {
  let coverage = 0;
  for (const line of result.lines) coverage += line.awardedMilli / line.demandedMilli;
  return coverage;
}

/** The objective without its coverage part: the quantity-weighted score. */
export function scorePartOf(result: AwardResult): number {
  return result.objective - FILL_WEIGHT * coverageOf(result);
}

/** Distinct (kitchen, cooperative) pairs awarded in this result that are new this cycle. */
export function newSupplierPairs(
  result: AwardResult,
  lines: readonly EngineLine[],
  rule: DiversityRule,
): number {
  const kitchenOf = new Map(lines.map((l) => [l.id, l.kitchenId]));
  const pairs = new Set<string>();
  for (const a of result.allocations) {
    const kitchenId = kitchenOf.get(a.lineId);
    if (kitchenId !== undefined && isNewSupplier(rule, kitchenId, a.cooperativeId)) {
      pairs.add(`${kitchenId}/${a.cooperativeId}`);
    }
  }
  return pairs.size;
}

/**
 * Whether `candidate` may replace `optimum`: every line covered at least as much in total, the
 * score part at most `tolerance` of the optimum's below it, and strictly more new pairs.
 * Coverage is compared as exact sums of milli quotients with a rounding allowance far below
 * one thousandth of a unit.
 */
export function acceptable(
  candidate: AwardResult,
  optimum: AwardResult,
  lines: readonly EngineLine[],
  rule: DiversityRule,
): boolean {
  const EPSILON = 1e-9;
  if (coverageOf(candidate) < coverageOf(optimum) - EPSILON) return false;
  const floor = scorePartOf(optimum) * (1 - rule.tolerance);
  if (scorePartOf(candidate) < floor - EPSILON) return false;
  return newSupplierPairs(candidate, lines, rule) > newSupplierPairs(optimum, lines, rule);
}
