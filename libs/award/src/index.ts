export * from './award.types.js';
export {
  evaluateBatch,
  evaluateBatchGreedy,
  reaward,
  ENGINE_VERSION,
  GREEDY_ENGINE_VERSION,
  DEFAULT_MARKET_RULES,
  AwardInputError,
} from './award-engine.js';
export { allocateGreedy, type AllocationDecision, type GreedyResult } from './greedy-allocation.js';
export {
  allocateOptimal,
  DEFAULT_AWARD_OPTIONS,
  FILL_WEIGHT,
  type OptimalAllocation,
} from './optimal-allocation.js';
export {
  QUALITY_SCORE,
  EARTH_RADIUS_KM,
  MIN_DISTANCE_KM,
  haversineKm,
  reliabilityScore,
  rankLineOffers,
  type RankedOffer,
  type SubScores,
} from './scoring.js';
export { formatQuantity, formatRupiah, formatScore, type Explanation } from './explanations.js';
export {
  missingCertificates,
  producerOf,
  isAboveHet,
  type HeldCertificate,
  type CertificateRequirement,
} from './eligibility.js';
