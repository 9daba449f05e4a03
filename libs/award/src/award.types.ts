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
}

/** A stock lot, with what is left to promise at the moment of evaluation. */
export interface EngineLot {
  id: string;
  commodityCode: string;
  cooperativeId: string;
  availableMilli: number;
}

/** The market's policy (one regency), set by its coordinator. */
export interface MarketRules {
  /** A line is split over at most this many offers. Default 3. */
  maxSuppliersPerLine: number;
  /** Smallest award worth a delivery, by commodity code; absent = 0. */
  minAwardMilli: Record<string, number>;
}

export interface AwardInput {
  lines: EngineLine[];
  offers: EngineOffer[];
  lots: EngineLot[];
  rules: MarketRules;
}

/** Why an offer is not considered at all. Checked in this order; the first failing reason wins. */
export type InvalidReason =
  | 'ABOVE_CEILING'
  | 'BELOW_MIN_GRADE'
  | 'NO_STOCK'
  | 'COOPERATIVE_SUSPENDED'
  | 'COMMODITY_MISMATCH'
  | 'UNKNOWN_LINE';

/** Why a valid offer got nothing. */
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

export interface AwardResult {
  engineVersion: string;
  /** Sorted by lineId, then rank; invalid offers last on their line, by id. */
  evaluations: OfferEvaluationResult[];
  /** Sorted by lineId, then the offer's rank. */
  allocations: Allocation[];
  /** Sorted by lineId. */
  lines: LineOutcome[];
  path: 'greedy';
  /**
   * How good the award is, to compare allocation strategies on the same batch:
   * Σ over lines of 1e6 · awarded/demanded + Σ over the line's allocations of
   * (quantity/demanded) · offer total. The score part of a line is at most 1, so filling
   * demand always outweighs scoring better.
   */
  objective: number;
}
