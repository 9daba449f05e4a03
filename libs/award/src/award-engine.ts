import type {
  Allocation,
  AwardInput,
  AwardOptions,
  AwardPath,
  AwardResult,
  DiversityReport,
  DiversityRule,
  EngineLine,
  EngineOffer,
  LineOutcome,
  MarketRules,
  OfferEvaluationResult,
  ReawardInput,
  SolverReport,
} from './award.types.js';
import {
  acceptable,
  DIVERSITY_BONUSES,
  newSupplierPairs,
  scorePartOf,
  withNewSupplierBonus,
} from './diversity.js';
import { explainInvalidOffer, explainRankedOffer } from './explanations.js';
import { allocateGreedy, type AllocationDecision } from './greedy-allocation.js';
import { allocateOptimal, FILL_WEIGHT } from './optimal-allocation.js';
import { compareIds, invalidReasonOf, rankLineOffers, type RankedOffer } from './scoring.js';

/** Stored with every evaluation, so an award can always be traced to the rules that made it. */
export const ENGINE_VERSION = 'optimal-5';

/** Version stamped on results of `evaluateBatchGreedy` (the v1 allocation). */
export const GREEDY_ENGINE_VERSION = 'greedy-1';

export const DEFAULT_MARKET_RULES: Readonly<MarketRules> = Object.freeze({
  maxSuppliersPerLine: 3,
  minAwardMilli: Object.freeze({}) as Record<string, number>,
});

/** Thrown when the caller hands the engine data that breaks its contract (a bug upstream, not a user error). */
export class AwardInputError extends Error {
  override name = 'AwardInputError';
}

/**
 * Evaluates one batch (one market, one closing moment): checks every offer, scores and ranks
 * the valid ones per line, then allocates the lines' quantities optimally (see
 * `optimal-allocation.ts`): as much of the demand covered as possible, each line counting by the
 * share of it covered, then the best quantity-weighted score, within every offer's quantity,
 * every lot's stock and the market's split rules. Pure, synchronous and deterministic: the same
 * input gives the same output, whatever order its arrays come in.
 */
export function evaluateBatch(input: AwardInput, options: AwardOptions = {}): AwardResult {
  const optimum = evaluate(input, (lines, rankedByLine) =>
    allocateOptimal(lines, rankedByLine, input.lots, input.rules, options),
  );
  const rule = input.rules.diversity;
  if (!rule) return optimum;
  return preferNewSuppliers(input, options, optimum, rule);
}

/**
 * The market's diversity objective: re-solves with new suppliers' totals raised (largest bonus
 * first) and keeps the first allocation that covers as much, scores within the tolerance of the
 * optimum (measured with the true totals) and brings more new suppliers; else the optimum.
 */
function preferNewSuppliers(
  input: AwardInput,
  options: AwardOptions,
  optimum: AwardResult,
  rule: DiversityRule,
): AwardResult {
  const report: DiversityReport = {
    applied: false,
    bonus: 0,
    newPairsAtOptimum: newSupplierPairs(optimum, input.lines, rule),
    newPairs: 0,
    scoreAtOptimum: scorePartOf(optimum),
    score: scorePartOf(optimum),
  };
  report.newPairs = report.newPairsAtOptimum;
  for (const bonus of DIVERSITY_BONUSES) {
    const candidate = evaluate(input, (lines, rankedByLine) =>
      allocateOptimal(
        lines,
        withNewSupplierBonus(lines, rankedByLine, rule, bonus),
        input.lots,
        input.rules,
        options,
      ),
    );
    if (acceptable(candidate, optimum, input.lines, rule)) {
      // The LP bound of a boosted solve bounds the boosted objective, not the true one.
      if (candidate.solver && optimum.solver) candidate.solver.lpBound = optimum.solver.lpBound;
      return {
        ...candidate,
        diversity: {
          ...report,
          applied: true,
          bonus,
          newPairs: newSupplierPairs(candidate, input.lines, rule),
          score: scorePartOf(candidate),
        },
      };
    }
  }
  return { ...optimum, diversity: report };
}

/**
 * The v1 evaluation: same checks and scores, allocated by greedy v1 (lines in posting order, each
 * taking its best offers first). Kept as the optimiser's fallback and as the benchmark's baseline;
 * its results say `path: 'greedy'` and `engineVersion: 'greedy-1'`.
 */
export function evaluateBatchGreedy(input: AwardInput): AwardResult {
  return evaluate(input, (lines, rankedByLine) => ({
    ...allocateGreedy(lines, rankedByLine, input.lots, input.rules),
    report: null,
  }));
}

/**
 * Re-award: allocates what is still missing on some lines (a cooperative declined, a delivery
 * failed) to the offers still standing. The caller passes each line with `quantityMilli` = its
 * remaining need, the offers still standing and each lot's current availability (stock already
 * promised elsewhere subtracted). Offers and lots of `excludeCooperativeIds` are left out, and so
 * are lines with nothing left to award (quantity 0) with their offers; those offers are listed in
 * `skippedOfferIds`. Otherwise exactly `evaluateBatch`: scores are relative to the offers still
 * standing.
 */
export function reaward(input: ReawardInput, options: AwardOptions = {}): AwardResult {
  const excluded = new Set(input.excludeCooperativeIds ?? []);
  const lines = input.lines.filter((l) => l.quantityMilli !== 0);
  const openLines = new Set(lines.map((l) => l.id));
  const finishedLines = new Set(input.lines.filter((l) => l.quantityMilli === 0).map((l) => l.id));
  const skipped: string[] = [];
  const offers = input.offers.filter((o) => {
    const keep = !excluded.has(o.cooperativeId) && (openLines.has(o.lineId) || !finishedLines.has(o.lineId));
    if (!keep) skipped.push(o.id);
    return keep;
  });
  const lots = input.lots.filter((lot) => !excluded.has(lot.cooperativeId));
  const result = evaluateBatch({ lines, offers, lots, rules: input.rules }, options);
  return { ...result, skippedOfferIds: skipped.sort(compareIds) };
}

type Allocator = (
  lines: readonly EngineLine[],
  rankedByLine: ReadonlyMap<string, RankedOffer[]>,
) => {
  allocations: Allocation[];
  decisions: Map<string, AllocationDecision>;
  report: SolverReport | null;
};

function evaluate(input: AwardInput, allocate: Allocator): AwardResult {
  assertWellFormed(input);
  const { lines, offers, lots } = input;
  const lineById = new Map(lines.map((l) => [l.id, l]));
  const lotById = new Map(lots.map((l) => [l.id, l]));

  // 1. Which offers may be considered at all.
  const validOffersByLine = new Map<string, EngineOffer[]>();
  const invalid: OfferEvaluationResult[] = [];
  for (const offer of offers) {
    const line = lineById.get(offer.lineId);
    const lot = lotById.get(offer.stockLotId);
    const reason = invalidReasonOf(offer, line, lot);
    if (reason === null) {
      const valid = validOffersByLine.get(offer.lineId) ?? [];
      validOffersByLine.set(offer.lineId, valid);
      valid.push(offer);
    } else {
      invalid.push(notConsidered(offer, explainInvalidOffer(reason, offer, line, lot), reason));
    }
  }

  // 2. Score and rank the valid offers of each line against each other.
  const rankedByLine = new Map<string, RankedOffer[]>();
  for (const line of lines) {
    rankedByLine.set(line.id, rankLineOffers(line, validOffersByLine.get(line.id) ?? []));
  }

  // 3. Give each line's quantity to offers.
  const { allocations, decisions, report } = allocate(lines, rankedByLine);

  const ranked: OfferEvaluationResult[] = [];
  for (const line of lines) {
    const lineRanked = rankedByLine.get(line.id)!;
    for (const r of lineRanked) {
      const decision = decisions.get(r.offer.id)!;
      const pricePosition = 1 + lineRanked.filter((o) => o.offer.unitPrice < r.offer.unitPrice).length;
      ranked.push(rankedEvaluation(r, line, lineRanked.length, pricePosition, decision));
    }
  }

  const rankOf = new Map(ranked.map((e) => [e.offerId, e.rank]));
  const totalOf = new Map(ranked.map((e) => [e.offerId, e.total]));
  const sortedAllocations = [...allocations].sort(
    (a, b) => compareIds(a.lineId, b.lineId) || rankOf.get(a.offerId)! - rankOf.get(b.offerId)!,
  );
  const outcomes = lineOutcomes(lines, allocations);

  const result: AwardResult = {
    engineVersion: report ? ENGINE_VERSION : GREEDY_ENGINE_VERSION,
    evaluations: [...ranked, ...invalid].sort(byLineThenRank),
    allocations: sortedAllocations,
    lines: outcomes,
    path: report ? pathOf(report) : 'greedy',
    objective: objective(outcomes, sortedAllocations, totalOf),
  };
  if (report) result.solver = report;
  return result;
}

function pathOf(report: SolverReport): AwardPath {
  if (report.fallbackComponents > 0) return 'greedy-fallback';
  if (report.repairedComponents > 0) return 'repaired';
  return 'exact';
}

function rankedEvaluation(
  r: RankedOffer,
  line: EngineLine,
  rankedCount: number,
  pricePosition: number,
  decision: AllocationDecision,
): OfferEvaluationResult {
  const awarded = decision.kind === 'AWARDED';
  return {
    offerId: r.offer.id,
    lineId: line.id,
    valid: true,
    invalidReason: null,
    priceScore: r.scores.price,
    qualityScore: r.scores.quality,
    distanceScore: r.scores.distance,
    reliabilityScore: r.scores.reliability,
    total: r.total,
    rank: r.rank,
    awardedMilli: awarded ? decision.quantityMilli : 0,
    unawardedReason: awarded ? null : decision.kind,
    explanation: explainRankedOffer({
      offer: r.offer,
      line,
      rank: r.rank,
      rankedCount,
      pricePosition,
      decision,
    }),
  };
}

/** An invalid offer is not ranked: every score 0, rank 0, nothing awarded. */
function notConsidered(
  offer: EngineOffer,
  explanation: OfferEvaluationResult['explanation'],
  reason: NonNullable<OfferEvaluationResult['invalidReason']>,
): OfferEvaluationResult {
  return {
    offerId: offer.id,
    lineId: offer.lineId,
    valid: false,
    invalidReason: reason,
    priceScore: 0,
    qualityScore: 0,
    distanceScore: 0,
    reliabilityScore: 0,
    total: 0,
    rank: 0,
    awardedMilli: 0,
    unawardedReason: null,
    explanation,
  };
}

/** By line, then rank; invalid offers (rank 0) after the ranked ones, by id. */
function byLineThenRank(a: OfferEvaluationResult, b: OfferEvaluationResult): number {
  return (
    compareIds(a.lineId, b.lineId) ||
    Number(a.valid === false) - Number(b.valid === false) ||
    a.rank - b.rank ||
    compareIds(a.offerId, b.offerId)
  );
}

function lineOutcomes(lines: readonly EngineLine[], allocations: readonly Allocation[]): LineOutcome[] {
  const awarded = new Map<string, number>();
  for (const a of allocations) awarded.set(a.lineId, (awarded.get(a.lineId) ?? 0) + a.quantityMilli);
  return [...lines]
    .sort((a, b) => compareIds(a.id, b.id))
    .map((l) => ({ lineId: l.id, demandedMilli: l.quantityMilli, awardedMilli: awarded.get(l.id) ?? 0 }));
}

/** See `AwardResult.objective`. Summed in a fixed order so the float is reproducible. */
function objective(
  outcomes: readonly LineOutcome[],
  sortedAllocations: readonly Allocation[],
  totalOf: ReadonlyMap<string, number>,
): number {
  const demandOf = new Map(outcomes.map((o) => [o.lineId, o.demandedMilli]));
  let value = 0;
  for (const o of outcomes) value += (FILL_WEIGHT * o.awardedMilli) / o.demandedMilli;
  for (const a of sortedAllocations)
    value += (a.quantityMilli / demandOf.get(a.lineId)!) * totalOf.get(a.offerId)!;
  return value;
}

/**
 * The engine trusts the service layer for business validation (that is what invalid reasons
 * are for) but refuses data that would make its arithmetic or its promises wrong.
 */
function assertWellFormed({ lines, offers, lots, rules }: AwardInput): void {
  const fail = (message: string): never => {
    throw new AwardInputError(message);
  };
  assertUniqueIds('line', lines, fail);
  assertUniqueIds('offer', offers, fail);
  assertUniqueIds('lot', lots, fail);

  for (const l of lines) {
    if (!isPositiveMilli(l.quantityMilli)) fail(`line ${l.id}: quantityMilli must be a positive integer`);
    if (!Number.isFinite(l.order)) fail(`line ${l.id}: order must be a finite number`);
    const w = l.weights;
    for (const k of ['price', 'quality', 'distance', 'reliability'] as const) {
      if (!Number.isFinite(w[k]) || w[k] < 0) fail(`line ${l.id}: weight ${k} must be a finite number >= 0`);
    }
    if (l.maxUnitPrice !== null && l.maxUnitPrice < 0n)
      fail(`line ${l.id}: maxUnitPrice may not be negative`);
  }
  for (const o of offers) {
    if (!isPositiveMilli(o.quantityMilli)) fail(`offer ${o.id}: quantityMilli must be a positive integer`);
    if (o.unitPrice < 0n) fail(`offer ${o.id}: unitPrice may not be negative`);
    if (!Number.isFinite(o.submittedAt)) fail(`offer ${o.id}: submittedAt must be a finite number`);
  }
  for (const l of lots) {
    if (!Number.isSafeInteger(l.availableMilli) || l.availableMilli < 0) {
      fail(`lot ${l.id}: availableMilli must be an integer >= 0`);
    }
  }
  if (rules.diversity && !(rules.diversity.tolerance > 0 && rules.diversity.tolerance < 1)) {
    fail('rules: diversity.tolerance must be a number in (0, 1)');
  }
  if (!Number.isSafeInteger(rules.maxSuppliersPerLine) || rules.maxSuppliersPerLine < 1) {
    fail('rules: maxSuppliersPerLine must be an integer >= 1');
  }
  for (const [code, min] of Object.entries(rules.minAwardMilli)) {
    if (!Number.isSafeInteger(min) || min < 0)
      fail(`rules: minAwardMilli of ${code} must be an integer >= 0`);
  }
}

function isPositiveMilli(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}

function assertUniqueIds(kind: string, items: readonly { id: string }[], fail: (m: string) => never): void {
  const seen = new Set<string>();
  for (const { id } of items) {
    if (seen.has(id)) fail(`duplicate ${kind} id ${id}`);
    seen.add(id);
  }
}
