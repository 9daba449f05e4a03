import { coordinates, type Actor } from '../../identity/src/actor.js';
import type {
  DemandRequestEntity,
  DemandStatus,
  OfferEntity,
} from '../../database/src/entities/market.entity.js';

/** A demand whose offers have been evaluated: only then may anyone but the bidder see prices. */
const EVALUATED: readonly DemandStatus[] = ['AWARDED', 'PARTIALLY_AWARDED', 'UNFILLED'];

export function isEvaluated(demand: DemandRequestEntity): boolean {
  return EVALUATED.includes(demand.status);
}

/** The demand's kitchen and the coordinators of its market see every offer once evaluated. */
export function seesEveryOffer(actor: Actor, demand: DemandRequestEntity): boolean {
  return actor.organizationId === demand.kitchenId || coordinates(actor, demand.marketCode);
}

/**
 * Sealed bids. Before evaluation nobody but the offering cooperative sees an offer's price.
 * After it, the kitchen and the coordinators of the region see every offer; another
 * cooperative sees only a winning price (an awarded offer), never a losing one.
 */
export function canSeeOfferPrice(actor: Actor, offer: OfferEntity, demand: DemandRequestEntity): boolean {
  if (actor.organizationId === offer.cooperativeId) return true;
  if (!isEvaluated(demand)) return false;
  if (seesEveryOffer(actor, demand)) return true;
  return (
    actor.role === 'COOPERATIVE_OPERATOR' &&
    (offer.status === 'AWARDED' || offer.status === 'PARTIALLY_AWARDED')
  );
}

/** Who may see an offer at all (its quantity, lot and status). */
export function canSeeOffer(actor: Actor, offer: OfferEntity, demand: DemandRequestEntity): boolean {
  if (actor.organizationId === offer.cooperativeId) return true;
  return isEvaluated(demand) && seesEveryOffer(actor, demand);
}

/** What a cooperative owes its consignor per unit: its own business and its coordinators'. */
export function visibleUnitCost(
  actor: Actor,
  lot: { cooperativeId: string; marketCode: string; unitCost: bigint | null },
): bigint | null {
  return actor.organizationId === lot.cooperativeId || coordinates(actor, lot.marketCode)
    ? lot.unitCost
    : null;
}
