import type { Allocation, AwardInput, AwardResult, LineOutcome } from '../libs/award/src/index.js';
import { FILL_WEIGHT, rankLineOffers } from '../libs/award/src/index.js';
import { byProcessingOrder } from '../libs/award/src/greedy-allocation.js';
import { compareIds, invalidReasonOf } from '../libs/award/src/scoring.js';

/**
 * The common manual rule, as a baseline: lines in posting order, each awarded entirely to the
 * cheapest valid offer that can cover the whole line from what is left in its lot (ties: the
 * earlier offer, then the smaller id), else nothing. Validity and scores are the engine's, so
 * the objective is comparable.
 */
export interface BaselineResult {
  allocations: Allocation[];
  /** Sorted by lineId. */
  lines: LineOutcome[];
  objective: number;
}

export function evaluateCheapestWholeLine(input: AwardInput): BaselineResult {
  const lineById = new Map(input.lines.map((l) => [l.id, l]));
  const lotById = new Map(input.lots.map((l) => [l.id, l]));
  const validByLine = new Map<string, AwardInput['offers']>();
  for (const offer of input.offers) {
    if (invalidReasonOf(offer, lineById.get(offer.lineId), lotById.get(offer.stockLotId)) !== null) continue;
    const list = validByLine.get(offer.lineId) ?? [];
    validByLine.set(offer.lineId, list);
    list.push(offer);
  }
  const lotLeft = new Map(input.lots.map((l) => [l.id, l.availableMilli]));
  const totalOf = new Map<string, number>();
  const allocations: Allocation[] = [];
  for (const line of [...input.lines].sort(byProcessingOrder)) {
    const valid = validByLine.get(line.id) ?? [];
    for (const r of rankLineOffers(line, valid)) totalOf.set(r.offer.id, r.total);
    const q = line.quantityMilli;
    const best = valid
      .filter((o) => o.quantityMilli >= q && (lotLeft.get(o.stockLotId) ?? 0) >= q)
      .sort(
        (a, b) =>
          (a.unitPrice < b.unitPrice ? -1 : a.unitPrice > b.unitPrice ? 1 : 0) ||
          a.submittedAt - b.submittedAt ||
          compareIds(a.id, b.id),
      )[0];
    if (!best) continue;
    lotLeft.set(best.stockLotId, lotLeft.get(best.stockLotId)! - q);
    allocations.push({
      offerId: best.id,
      lineId: line.id,
      stockLotId: best.stockLotId,
      cooperativeId: best.cooperativeId,
      quantityMilli: q,
      unitPrice: best.unitPrice,
    });
  }
  allocations.sort((a, b) => compareIds(a.lineId, b.lineId));
  const awarded = new Map(allocations.map((a) => [a.lineId, a.quantityMilli]));
  const lines = [...input.lines]
    .sort((a, b) => compareIds(a.id, b.id))
    .map((l) => ({ lineId: l.id, demandedMilli: l.quantityMilli, awardedMilli: awarded.get(l.id) ?? 0 }));
  let objective = 0;
  for (const o of lines) objective += (FILL_WEIGHT * o.awardedMilli) / o.demandedMilli;
  for (const a of allocations)
    objective += (a.quantityMilli / lineById.get(a.lineId)!.quantityMilli) * totalOf.get(a.offerId)!;
  return { allocations, lines, objective };
}

/** Coverage figures of any result: mean share of a line covered, and share of the quantity. */
export function coverageOf(result: Pick<AwardResult, 'lines'>): { lineShare: number; quantityShare: number } {
  let shares = 0;
  let demanded = 0;
  let awarded = 0;
  for (const o of result.lines) {
    shares += o.awardedMilli / o.demandedMilli;
    demanded += o.demandedMilli;
    awarded += o.awardedMilli;
  }
  const n = result.lines.length;
  return { lineShare: n === 0 ? 1 : shares / n, quantityShare: demanded === 0 ? 1 : awarded / demanded };
}
