import type {
  EngineLine,
  EngineLot,
  EngineOffer,
  GeoPoint,
  MarketRules,
  ScoringWeights,
} from '../award.types.js';
import { EARTH_RADIUS_KM } from '../scoring.js';

/** Test data builders: a day in Kota Blitar, with sensible defaults a test overrides. */

export const DEFAULT_WEIGHTS: ScoringWeights = { price: 0.5, quality: 0.3, distance: 0.1, reliability: 0.1 };

/** SPPG kitchen in Kota Blitar. */
export const KITCHEN: GeoPoint = { latitude: -8.0983, longitude: 112.1681 };

/** A point `km` due north: along a meridian the haversine distance is exactly R·Δφ. */
export function northOf(point: GeoPoint, km: number): GeoPoint {
  return { latitude: point.latitude + (km / EARTH_RADIUS_KM) * (180 / Math.PI), longitude: point.longitude };
}

export const NEW_COOPERATIVE = { acceptedLines: 0, receivedLines: 0 };

export function kg(kilograms: number): number {
  return Math.round(kilograms * 1000);
}

export function aLine(overrides: Partial<EngineLine> & { id: string }): EngineLine {
  return {
    demandId: `demand-${overrides.id}`,
    commodityCode: 'BERAS',
    quantityMilli: kg(100),
    maxUnitPrice: null,
    minGrade: null,
    weights: DEFAULT_WEIGHTS,
    kitchenLocation: KITCHEN,
    order: 1,
    baseUnit: 'kg',
    ...overrides,
  };
}

export function aLot(overrides: Partial<EngineLot> & { id: string; cooperativeId: string }): EngineLot {
  return { commodityCode: 'BERAS', availableMilli: kg(1000), ...overrides };
}

/** An offer; by default backed by a lot `lot-<offer id>` of cooperative `coop-<offer id>`. */
export function anOffer(overrides: Partial<EngineOffer> & { id: string; lineId: string }): EngineOffer {
  return {
    cooperativeId: `coop-${overrides.id}`,
    stockLotId: `lot-${overrides.id}`,
    quantityMilli: kg(100),
    unitPrice: 13_000n,
    grade: 'A',
    submittedAt: Date.UTC(2025, 0, 6, 1, 0, 0),
    cooperativeLocation: northOf(KITCHEN, 1),
    cooperativeSuspended: false,
    reliability: NEW_COOPERATIVE,
    ...overrides,
  };
}

/** The lot each default offer points at, with plenty of stock unless told otherwise. */
export function lotFor(offer: EngineOffer, overrides: Partial<EngineLot> = {}): EngineLot {
  return aLot({ id: offer.stockLotId, cooperativeId: offer.cooperativeId, ...overrides });
}

export function rules(overrides: Partial<MarketRules> = {}): MarketRules {
  return { maxSuppliersPerLine: 3, minAwardMilli: {}, ...overrides };
}
