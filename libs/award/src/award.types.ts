import type { QualityGrade } from '../../core/src/grade.js';

/**
 * Input and output of the award engine. Everything here is plain data: the engine is pure,
 * so the worker loads these from the database, calls `evaluateBatch`, and writes the result
 * back in one transaction.
 *
 * Quantities are integer thousandths of the commodity's base unit ("milli").
 * Prices are whole rupiah as `bigint`.
 */

/** How a kitchen weighs the four sub-scores; already normalised to sum 1 by the caller. */
export interface ScoringWeights {
  price: number;
  quality: number;
  distance: number;
  reliability: number;
}

export interface GeoPoint {
  latitude: number;
  longitude: number;
}

/** One line of a kitchen's demand: a commodity, how much, and the kitchen's conditions. */
export interface EngineLine {
  id: string;
  demandId: string;
  commodityCode: string;
  quantityMilli: number;
  /** The kitchen's ceiling price per base unit; null = no ceiling. */
  maxUnitPrice: bigint | null;
  /** Worst grade the kitchen accepts; null = any grade. */
  minGrade: QualityGrade | null;
  weights: ScoringWeights;
  kitchenLocation: GeoPoint | null;
  /** Processing priority: smaller first (earlier posted). Ties are broken by id. */
  order: number;
  /** The commodity's base unit, for explanations only ("kg", "L", "butir"). Default "unit". */
  baseUnit?: string;
  /** ISO date the goods are due; a lot expiring before it cannot serve the line. Absent = not checked. */
  deliveryDate?: string;
  /** The kitchen that posted the line; needed only by the diversity objective. */
  kitchenId?: string;
}

/** A cooperative's sealed offer on one line, backed by one of its stock lots. */
export interface EngineOffer {
  id: string;
  lineId: string;
  cooperativeId: string;
  stockLotId: string;
  quantityMilli: number;
  unitPrice: bigint;
  grade: QualityGrade;
  /** Epoch milliseconds; an earlier offer wins a tie. */
  submittedAt: number;
  cooperativeLocation: GeoPoint | null;
  cooperativeSuspended: boolean;
  /** Receipt history: lines the cooperative delivered that kitchens inspected, and how many passed. */
  reliability: { acceptedLines: number; receivedLines: number };
  /**
   * The legal ceiling (HET) of the offer's commodity in the market on the delivery date; an offer
   * above it is invalid whatever the kitchen's own ceiling. Absent or null: no HET applies.
   */
  hetUnitPrice?: bigint | null;
  /**
   * Certificates the market requires for this commodity that the producer (the consignor of
   * consigned or BUMN stock, else the cooperative) does not hold valid on the delivery date
   * (see `eligibility.ts`). Absent, null or no kinds: nothing is missing.
   */
  certificateGap?: CertificateGap | null;
}

/** What an offer's producer lacks, in the words its explanation needs. */
export interface CertificateGap {
  /** Certificate kinds missing, e.g. ["HALAL", "NKV"]. */
  missing: readonly string[];
  producerName: string;
  /** The delivery date (YYYY-MM-DD) the certificates had to be valid on. */
  onDate: string;
}

/** A stock lot, with what is left to promise at the moment of evaluation. */
export interface EngineLot {
  id: string;
  commodityCode: string;
  cooperativeId: string;
  availableMilli: number;
  /** ISO date the lot's food expires; null or absent = does not expire. */
  expiresOn?: string | null;
}

/** The market's policy (one regency), set by its coordinator. */
export interface MarketRules {
  /** A line is split over at most this many offers. Default 3. */
  maxSuppliersPerLine: number;
  /**
   * Smallest award worth a delivery, by commodity code; absent = 0. One award per line may be
   * smaller, and only if the line ends up completely covered (the delivery that completes it).
   */
  minAwardMilli: Record<string, number>;
  /** Optional: prefer cooperatives that have not yet supplied a kitchen this funding cycle. */
  diversity?: DiversityRule | null;
}

/**
 * The diversity objective (BGN's "at least 15 suppliers per kitchen"): among allocations whose
 * coverage is not lower than the optimum's and whose score part is within `tolerance` of the
 * optimum's (0.01 = at most 1% worse), prefer the one that gives more lines to cooperatives
 * that have not yet supplied the line's kitchen this cycle.
 */
export interface DiversityRule {
  /** Share of the optimum's score part that may be given up, in (0, 1). */
  tolerance: number;
  /** Per kitchen id: cooperatives whose goods it already received (or was awarded) this cycle. */
  suppliedThisCycle: Readonly<Record<string, readonly string[]>>;
}

/** What the diversity objective did (present when it was on). */
export interface DiversityReport {
  applied: boolean;
  /** Bonus added to new suppliers' totals in the accepted solve (0 when not applied). */
  bonus: number;
  /** (kitchen, cooperative) pairs awarded that were new this cycle: optimum vs result. */
  newPairsAtOptimum: number;
  newPairs: number;
  /** Score part (objective minus coverage) of the optimum and of the result. */
  scoreAtOptimum: number;
  score: number;
}

export interface AwardInput {
  lines: EngineLine[];
  offers: EngineOffer[];
  lots: EngineLot[];
  rules: MarketRules;
}

/**
 * How hard the engine may work on one component (one commodity's lots and lines that are linked
 * by offers) before it gives up on the optimum and allocates that component with the v1 greedy,
 * which never breaks a rule. Not market policy: an operational safety net.
 */
export interface AwardOptions {
  /**
   * Deterministic budget in work units (one unit = one arc scanned or one heap pop of the flow
   * solver, summed over the LP solve and every repair round). Default 4,000,000 ≈ 200 ms on one
   * core of the reference machine (2-core VM, Node 20); see bench/. Being a count and not a clock,
   * the same input gives the same output on any machine.
   */
  workBudgetPerComponent?: number;
  /**
   * Optional wall-clock budget per component in milliseconds, checked as well as the work budget.
   * Off by default because it makes the output depend on the machine's speed and load.
   */
  timeBudgetMsPerComponent?: number | null;
  /** Re-solves with offending offers excluded before falling back to trimming. Default 6. */
  maxRepairRounds?: number;
  /**
   * How the repair re-solves once offending offers are excluded: 'incremental' continues from
   * the previous solve (cancels the excluded awards' flow and searches again: fast, near-optimal),
   * 'full' solves the LP with the exclusions from scratch (exact for the restricted LP, slower).
   * Default 'incremental'.
   */
  repairResolve?: 'incremental' | 'full';
  /**
   * Where the split rules bind, improve the repaired allocation by a deterministic local search
   * (re-allocating one line, or two lines sharing a lot, at a time) within the same work budget.
   * Default true; false gives the allocation as repaired (kept to measure the search in bench/).
   */
  localSearch?: boolean;
  /**
   * Where the split rules bind, then search the component's optimum exactly by branch and bound
   * (see branch-and-bound.ts), from the allocation found so far, within `branchAndBoundWork`
   * work units (and what is left of the component's budget). Default true; false gives the
   * optimal-3 allocation (kept to measure the search in bench/ and in the tests).
   */
  branchAndBound?: boolean;
  /**
   * Work units the branch and bound may spend per component in its first round. Default 150,000.
   * What a component does not spend (its LP optimum keeps the rules, its coverage is the bound's,
   * or its search finished early) is pooled over the batch for the second round (`sharedSearchWork`).
   */
  branchAndBoundWork?: number;
  /**
   * A second round of the search for the components still open after the first (coverage below
   * the LP bound's, not proven), with what the batch's components left of their search
   * allowances, shared evenly. Default true; false gives the optimal-4 allocation (kept to
   * measure it in bench/ and in the tests).
   */
  sharedSearchWork?: boolean;
}

/** A later round for lines that lost their supplier (a cooperative declined, a delivery failed). */
export interface ReawardInput extends AwardInput {
  /**
   * Cooperatives left out of this round (typically the one that declined): their offers and lots
   * are dropped before evaluation, as if the caller had filtered them.
   */
  excludeCooperativeIds?: readonly string[];
}

/** Why an offer is not considered at all. Checked in this order; the first failing reason wins. */
export type InvalidReason =
  | 'MISSING_CERTIFICATE'
  | 'ABOVE_HET'
  | 'ABOVE_CEILING'
  | 'BELOW_MIN_GRADE'
  | 'NO_STOCK'
  | 'COOPERATIVE_SUSPENDED'
  | 'EXPIRES_BEFORE_DELIVERY'
  | 'COMMODITY_MISMATCH'
  | 'UNKNOWN_LINE';

/** Why a valid offer got nothing (the facts behind each are in the explanation). */
export type UnawardedReason = 'LINE_FILLED' | 'STOCK_ALREADY_AWARDED' | 'SUPPLIER_CAP' | 'BELOW_MIN_AWARD';

/**
 * What the engine decided about one offer. An invalid offer has every score 0, total 0,
 * rank 0 (it is not ranked) and awardedMilli 0.
 */
export interface OfferEvaluationResult {
  offerId: string;
  lineId: string;
  valid: boolean;
  invalidReason: InvalidReason | null;
  priceScore: number;
  qualityScore: number;
  distanceScore: number;
  reliabilityScore: number;
  total: number;
  /** 1 = best among the line's valid offers; 0 for an invalid offer. */
  rank: number;
  awardedMilli: number;
  /** Set only for a valid offer that was awarded nothing. */
  unawardedReason: UnawardedReason | null;
  explanation: { en: string; id: string };
}

/** Quantity promised from one offer (and so from its stock lot) to its line. */
export interface Allocation {
  offerId: string;
  lineId: string;
  stockLotId: string;
  cooperativeId: string;
  quantityMilli: number;
  unitPrice: bigint;
}

export interface LineOutcome {
  lineId: string;
  demandedMilli: number;
  awardedMilli: number;
}

/**
 * Which algorithm produced the allocation:
 * - `exact`: the LP optimum (min-cost flow) already kept the split rules, so it is optimal;
 * - `repaired`: the LP optimum broke a split rule on some line; offending awards were excluded and
 *   the flow re-solved (then trimmed and topped up if needed). Feasible, `lpBound` bounds the gap;
 * - `greedy-fallback`: at least one component ran out of budget and was allocated by the v1 greedy;
 * - `greedy`: the whole batch was allocated by the v1 greedy (`evaluateBatchGreedy`, kept for
 *   comparison).
 */
export type AwardPath = 'exact' | 'repaired' | 'greedy-fallback' | 'greedy';

/** What the optimiser did; absent on `greedy` results. Deterministic (no clock readings). */
export interface SolverReport {
  /** Independent sub-problems: one commodity's lots and lines connected by valid offers. */
  components: number;
  exactComponents: number;
  repairedComponents: number;
  fallbackComponents: number;
  /** Re-solves done by the repair, over all components. */
  repairRounds: number;
  /**
   * Repaired components where a simple feasible allocation (greedy v1 or whole line to the
   * cheapest offer, each topped up) beat the repaired flow and was kept instead.
   */
  simpleAllocationWins: number;
  /** Moves the local search after the repair made (each strictly improved the allocation). */
  localSearchMoves: number;
  /** Nodes the branch and bound explored, over all components where the split rules bind. */
  branchAndBoundNodes: number;
  /** Components where the branch and bound found a better allocation than the search before it. */
  branchAndBoundWins: number;
  /**
   * Components where the split rules bind whose coverage is proven optimal: equal to the LP
   * bound's, or the branch and bound finished.
   */
  provenOptimalComponents: number;
  /**
   * Objective (same formula as `AwardResult.objective`) of the LP relaxation without the split
   * rules: no allocation of this batch can score higher. Null when a component ran out of budget
   * before its LP finished.
   */
  lpBound: number | null;
  /** Work units spent (see `AwardOptions.workBudgetPerComponent`). */
  work: number;
}

export interface AwardResult {
  engineVersion: string;
  /** Sorted by lineId, then rank; invalid offers last on their line, by id. */
  evaluations: OfferEvaluationResult[];
  /** Sorted by lineId, then the offer's rank. */
  allocations: Allocation[];
  /** Sorted by lineId. */
  lines: LineOutcome[];
  path: AwardPath;
  /**
   * How good the award is, to compare allocation strategies on the same batch:
   *
   *   objective = 1e6 · Σ_lines awarded/demanded  +  Σ_allocations (quantity/demanded of its line) · offer total
   *
   * The first sum (coverage: each line counts by the share of it that is covered, so a small
   * line counts as much as a big one) is what the engine maximises first; the second (each
   * line's covered share weighted by the scores of the offers covering it, at most 1 per line)
   * breaks ties between allocations of equal coverage. For lines up to 1,000 base units the
   * weighted sum orders allocations exactly as that lexicographic rule does.
   */
  objective: number;
  /** Present on optimiser results (`evaluateBatch`, `reaward`). */
  solver?: SolverReport;
  /** Present when the market's diversity objective was on. */
  diversity?: DiversityReport;
  /**
   * `reaward` only: offers left out before evaluation (excluded cooperatives, lines with nothing
   * left to award), sorted. They have no evaluation in this result.
   */
  skippedOfferIds?: string[];
}
