import type { Allocation, EngineLine, EngineLot, MarketRules } from './award.types.js';
import { compareIds, type RankedOffer } from './scoring.js';

/** What happened to one valid offer during allocation, with the facts its explanation needs. */
export type AllocationDecision =
  | {
      kind: 'AWARDED';
      quantityMilli: number;
      /**
       * What stopped the award at this quantity: the offer itself, what the line still needed
       * after its other awards, or what the lot still held after its other awards.
       */
      limitedBy: 'OFFER' | 'LINE_NEED' | 'LOT_STOCK';
    }
  | {
      kind: 'LINE_FILLED';
      /** HIGHER_RANKED: every offer awarded on the line ranks above this one. */
      by: 'HIGHER_RANKED' | 'OTHER_OFFERS';
    }
  | {
      kind: 'SUPPLIER_CAP';
      maxSuppliers: number;
      /** Every offer holding a place ranks above this one. */
      byHigherRanked: boolean;
    }
  | {
      kind: 'STOCK_ALREADY_AWARDED';
      /**
       * EARLIER_LINE: greedy v1 served an earlier-posted line first. BETTER_LINE: the optimum
       * (exact path) gave the lot to other lines, where it covers more of the demand or scores
       * higher. OTHER_LINE: to other lines (a repaired allocation: no claim why). SAME_LINE: to
       * the cooperative's higher-ranked offer on this line; SAME_LINE_OTHER: to its other (not
       * higher-ranked) offer on this line.
       */
      takenBy: 'EARLIER_LINE' | 'BETTER_LINE' | 'OTHER_LINE' | 'SAME_LINE' | 'SAME_LINE_OTHER';
    }
  | { kind: 'BELOW_MIN_AWARD'; possibleMilli: number; minimumMilli: number };

export interface GreedyResult {
  /** In processing order (line by line, offers by rank). */
  allocations: Allocation[];
  /** One decision for every ranked (valid) offer, by offer id. */
  decisions: Map<string, AllocationDecision>;
}

/**
 * Greedy v1 (engine version greedy-1; now the fallback of the optimiser and the baseline of the
 * benchmark): lines are served in the order they were posted; each line takes its offers best
 * rank first, each as much as it can give, until the line is filled. A lot offered to several
 * lines is drawn down as it goes, so it is never promised twice.
 *
 * For every offer:
 *   award = min(what the line still needs, what the offer offers, what is left in its lot)
 * unless the line is already filled, already has `maxSuppliersPerLine` suppliers, the lot is
 * used up by earlier awards, or the award would be below the commodity's minimum without
 * completing the line (a delivery too small to be worth the trip).
 */
export function allocateGreedy(
  lines: readonly EngineLine[],
  rankedByLine: ReadonlyMap<string, readonly RankedOffer[]>,
  lots: readonly EngineLot[],
  rules: MarketRules,
): GreedyResult {
  const lotLeft = new Map(lots.map((lot) => [lot.id, lot.availableMilli]));
  const linesDrawingOnLot = new Map<string, Set<string>>();
  const allocations: Allocation[] = [];
  const decisions = new Map<string, AllocationDecision>();

  for (const line of [...lines].sort(byProcessingOrder)) {
    const minimumMilli = rules.minAwardMilli[line.commodityCode] ?? 0;
    let need = line.quantityMilli;
    let suppliers = 0;

    for (const { offer } of rankedByLine.get(line.id) ?? []) {
      const left = lotLeft.get(offer.stockLotId) ?? 0;

      // Line-wide reasons first: they would stop any offer, not only this one.
      if (need === 0) {
        decisions.set(offer.id, { kind: 'LINE_FILLED', by: 'HIGHER_RANKED' });
        continue;
      }
      if (suppliers >= rules.maxSuppliersPerLine) {
        decisions.set(offer.id, {
          kind: 'SUPPLIER_CAP',
          maxSuppliers: rules.maxSuppliersPerLine,
          byHigherRanked: true,
        });
        continue;
      }
      if (left === 0) {
        // Valid offers have stock at the start of the batch, so earlier awards took it.
        const takers = linesDrawingOnLot.get(offer.stockLotId);
        const takenBy = takers && [...takers].some((id) => id !== line.id) ? 'EARLIER_LINE' : 'SAME_LINE';
        decisions.set(offer.id, { kind: 'STOCK_ALREADY_AWARDED', takenBy });
        continue;
      }

      const quantityMilli = Math.min(need, offer.quantityMilli, left);
      if (quantityMilli < minimumMilli && quantityMilli < need) {
        decisions.set(offer.id, { kind: 'BELOW_MIN_AWARD', possibleMilli: quantityMilli, minimumMilli });
        continue;
      }

      // Said in the explanation when the offer is not taken in full.
      const limitedBy =
        quantityMilli === offer.quantityMilli ? 'OFFER' : quantityMilli === need ? 'LINE_NEED' : 'LOT_STOCK';
      need -= quantityMilli;
      suppliers += 1;
      lotLeft.set(offer.stockLotId, left - quantityMilli);
      const takers = linesDrawingOnLot.get(offer.stockLotId) ?? new Set<string>();
      linesDrawingOnLot.set(offer.stockLotId, takers.add(line.id));

      allocations.push({
        offerId: offer.id,
        lineId: line.id,
        stockLotId: offer.stockLotId,
        cooperativeId: offer.cooperativeId,
        quantityMilli,
        unitPrice: offer.unitPrice,
      });
      decisions.set(offer.id, { kind: 'AWARDED', quantityMilli, limitedBy });
    }
  }

  return { allocations, decisions };
}

/** Earlier-posted lines first; the id makes the order total. */
export function byProcessingOrder(a: EngineLine, b: EngineLine): number {
  return a.order !== b.order ? a.order - b.order : compareIds(a.id, b.id);
}
