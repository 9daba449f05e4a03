import { DomainError } from '../../core/src/domain-error.js';

export interface Weights {
  price: number;
  quality: number;
  distance: number;
  reliability: number;
}

export const DEFAULT_WEIGHTS: Weights = { price: 0.5, quality: 0.3, distance: 0.1, reliability: 0.1 };

/** Each weight >= 0, sum > 0; returned scaled to sum 1 so totals stay in [0, 1]. */
export function normaliseWeights(weights: Weights): Weights {
  const values = [weights.price, weights.quality, weights.distance, weights.reliability];
  if (values.some((value) => typeof value !== 'number' || !Number.isFinite(value) || value < 0)) {
    throw DomainError.badInput(
      'Scoring weights must be numbers of zero or more',
      'Bobot penilaian harus angka nol atau lebih',
      { field: 'weights' },
    );
  }
  const sum = values.reduce((a, b) => a + b, 0);
  if (sum <= 0) {
    throw DomainError.badInput(
      'Scoring weights must not all be zero',
      'Bobot penilaian tidak boleh semuanya nol',
      { field: 'weights' },
    );
  }
  return {
    price: weights.price / sum,
    quality: weights.quality / sum,
    distance: weights.distance / sum,
    reliability: weights.reliability / sum,
  };
}
