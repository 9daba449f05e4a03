import { gradeAtLeast, type QualityGrade } from '../../core/src/grade.js';
import type { EngineLine, EngineLot, EngineOffer, GeoPoint, InvalidReason } from './award.types.js';
import { isAboveHet } from './eligibility.js';

/** Quality sub-score by grade. */
export const QUALITY_SCORE: Readonly<Record<QualityGrade, number>> = { A: 1.0, B: 0.8, C: 0.6 };

/** Mean earth radius (IUGG), for great-circle distances. */
export const EARTH_RADIUS_KM = 6371.0088;

/** Distances are floored at 1 km: within a kilometre every cooperative is "next door". */
export const MIN_DISTANCE_KM = 1;

export interface SubScores {
  price: number;
  quality: number;
  distance: number;
  reliability: number;
}

/** A valid offer with its scores and its place on the line. */
export interface RankedOffer {
  offer: EngineOffer;
  scores: SubScores;
  total: number;
  /** 1 = best. */
  rank: number;
}

/**
 * Why an offer may not be considered, or null if it may. Checked in a fixed order and the
 * first failing rule wins, so a cooperative is told the most basic problem first.
 */
export function invalidReasonOf(
  offer: EngineOffer,
  line: EngineLine | undefined,
  lot: EngineLot | undefined,
): InvalidReason | null {
  if (!line) return 'UNKNOWN_LINE';
  if (lot && lot.commodityCode !== line.commodityCode) return 'COMMODITY_MISMATCH';
  if (offer.cooperativeSuspended) return 'COOPERATIVE_SUSPENDED';
  if (expiresBeforeDelivery(line, lot)) return 'EXPIRES_BEFORE_DELIVERY';
  if (offer.certificateGap && offer.certificateGap.missing.length > 0) return 'MISSING_CERTIFICATE';
  if (isAboveHet(offer.unitPrice, offer.hetUnitPrice)) return 'ABOVE_HET';
  if (line.maxUnitPrice !== null && offer.unitPrice > line.maxUnitPrice) return 'ABOVE_CEILING';
  if (line.minGrade !== null && !gradeAtLeast(offer.grade, line.minGrade)) return 'BELOW_MIN_GRADE';
  if (!hasStockBehind(offer, lot)) return 'NO_STOCK';
  return null;
}

/** ISO dates compare as strings: a lot expiring the day before delivery cannot be delivered fresh. */
export function expiresBeforeDelivery(line: EngineLine, lot: EngineLot | undefined): boolean {
  return Boolean(lot?.expiresOn && line.deliveryDate && lot.expiresOn < line.deliveryDate);
}

/** An offer needs a lot of the offering cooperative's own with something left to promise. */
export function hasStockBehind(offer: EngineOffer, lot: EngineLot | undefined): lot is EngineLot {
  return lot !== undefined && lot.cooperativeId === offer.cooperativeId && lot.availableMilli > 0;
}

/** Great-circle (haversine) distance in km. */
export function haversineKm(from: GeoPoint, to: GeoPoint): number {
  const rad = Math.PI / 180;
  const dLat = (to.latitude - from.latitude) * rad;
  const dLon = (to.longitude - from.longitude) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(from.latitude * rad) * Math.cos(to.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.sqrt(Math.min(1, h)));
}

/** Delivery distance as scored (at least 1 km), or null when either location is unknown. */
export function scoredDistanceKm(offer: EngineOffer, line: EngineLine): number | null {
  if (!offer.cooperativeLocation || !line.kitchenLocation) return null;
  return Math.max(MIN_DISTANCE_KM, haversineKm(offer.cooperativeLocation, line.kitchenLocation));
}

/**
 * A new cooperative starts at 0.9 and one bad day moves it little: (accepted + 9) / (received + 10).
 * Accepted is clamped to [0, received] so bad history data cannot push the score outside [0, 1].
 */
export function reliabilityScore(history: EngineOffer['reliability']): number {
  const received = Math.max(0, history.receivedLines);
  const accepted = Math.min(received, Math.max(0, history.acceptedLines));
  return (accepted + 9) / (received + 10);
}

/**
 * Scores and ranks the valid offers of one line. Price and distance are relative to the best
 * valid offer on the same line, so they are computed over the whole set together.
 */
export function rankLineOffers(line: EngineLine, validOffers: readonly EngineOffer[]): RankedOffer[] {
  if (validOffers.length === 0) return [];

  const lowestPrice = validOffers.reduce(
    (low, o) => (o.unitPrice < low ? o.unitPrice : low),
    validOffers[0].unitPrice,
  );
  const distances = validOffers.map((o) => scoredDistanceKm(o, line));
  const knownDistances = distances.filter((d): d is number => d !== null);
  const nearest = knownDistances.length > 0 ? Math.min(...knownDistances) : null;

  const scored = validOffers.map((offer, i) => {
    const distance = distances[i];
    const scores: SubScores = {
      // A free offer (price 0) is the cheapest possible; avoid dividing by zero.
      price: offer.unitPrice === 0n ? 1 : Number(lowestPrice) / Number(offer.unitPrice),
      quality: QUALITY_SCORE[offer.grade],
      // Without both locations we cannot tell distance apart, so nobody is penalised for it.
      distance: distance === null || nearest === null ? 1 : nearest / distance,
      reliability: reliabilityScore(offer.reliability),
    };
    return { offer, scores, total: weightedTotal(scores, line), rank: 0 };
  });

  scored.sort(compareByRank);
  scored.forEach((s, i) => (s.rank = i + 1));
  return scored;
}

function weightedTotal(s: SubScores, line: EngineLine): number {
  const w = line.weights;
  return w.price * s.price + w.quality * s.quality + w.distance * s.distance + w.reliability * s.reliability;
}

/** Ranking order: higher total first, then the earlier offer, then the smaller id. */
export function compareByRank(
  a: { total: number; offer: EngineOffer },
  b: { total: number; offer: EngineOffer },
): number {
  if (a.total !== b.total) return a.total > b.total ? -1 : 1;
  if (a.offer.submittedAt !== b.offer.submittedAt) return a.offer.submittedAt - b.offer.submittedAt;
  return compareIds(a.offer.id, b.offer.id);
}

/** Plain code-unit comparison: locale-independent, so every machine sorts the same way. */
export function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
