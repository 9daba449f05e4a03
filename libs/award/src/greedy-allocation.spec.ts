import { evaluateBatchGreedy } from './award-engine.js';
import type { AwardResult, OfferEvaluationResult } from './award.types.js';
import { aLine, aLot, anOffer, kg, lotFor, rules } from './testing/builders.js';

function evaluationOf(result: AwardResult, offerId: string): OfferEvaluationResult {
  const found = result.evaluations.find((e) => e.offerId === offerId);
  if (!found) throw new Error(`no evaluation for ${offerId}`);
  return found;
}

function awarded(result: AwardResult): Record<string, number> {
  return Object.fromEntries(result.allocations.map((a) => [a.offerId, a.quantityMilli]));
}

// The v1 greedy stays available (the optimiser's fallback, the benchmark's baseline): these are
// its hand-checked cases, run through `evaluateBatchGreedy`. The optimiser's are in
// optimal-allocation.spec.ts.
describe('greedy allocation (v1)', () => {
  describe('a lot offered to two kitchens', () => {
    // Koperasi Sukorejo has one 60 kg lot of rice and offers 50 kg of it to each of two kitchens.
    const earlier = aLine({ id: 'z-posted-first', order: 1, quantityMilli: kg(50) });
    const later = aLine({ id: 'a-posted-second', order: 2, quantityMilli: kg(50) });
    const lot = aLot({ id: 'lot-sukorejo', cooperativeId: 'coop-sukorejo', availableMilli: kg(60) });
    const toEarlier = anOffer({
      id: 'o1',
      lineId: earlier.id,
      cooperativeId: 'coop-sukorejo',
      stockLotId: lot.id,
      quantityMilli: kg(50),
    });
    const toLater = anOffer({
      id: 'o2',
      lineId: later.id,
      cooperativeId: 'coop-sukorejo',
      stockLotId: lot.id,
      quantityMilli: kg(50),
    });

    it('is never promised beyond what it holds, and the earlier-posted line is served first', () => {
      const result = evaluateBatchGreedy({
        lines: [later, earlier],
        offers: [toLater, toEarlier],
        lots: [lot],
        rules: rules(),
      });
      expect(awarded(result)).toEqual({ o1: kg(50), o2: kg(10) });
      expect(evaluationOf(result, 'o2').explanation.en).toBe(
        'Awarded 10 kg of 50 kg offered; ranked 1 of 1 (price: 1st cheapest of 1). Only 10 kg was left in the stock lot.',
      );
      expect(result.lines).toEqual([
        { lineId: 'a-posted-second', demandedMilli: kg(50), awardedMilli: kg(10) },
        { lineId: 'z-posted-first', demandedMilli: kg(50), awardedMilli: kg(50) },
      ]);
    });

    it("tells the later kitchen's offer the stock is gone when the first line took it all", () => {
      const small = { ...lot, availableMilli: kg(40) };
      const result = evaluateBatchGreedy({
        lines: [later, earlier],
        offers: [toLater, toEarlier],
        lots: [small],
        rules: rules(),
      });
      expect(awarded(result)).toEqual({ o1: kg(40) });
      expect(evaluationOf(result, 'o2')).toMatchObject({
        valid: true,
        awardedMilli: 0,
        unawardedReason: 'STOCK_ALREADY_AWARDED',
      });
      expect(evaluationOf(result, 'o2').explanation.en).toContain(
        'already awarded to an earlier-posted line',
      );
    });

    it('serves lines with the same posting order by id', () => {
      const sameOrder = [
        { ...earlier, order: 5 },
        { ...later, order: 5 },
      ];
      const result = evaluateBatchGreedy({
        lines: sameOrder,
        offers: [toEarlier, toLater],
        lots: [lot],
        rules: rules(),
      });
      expect(awarded(result)).toEqual({ o2: kg(50), o1: kg(10) });
    });

    it('lets the next offer of the later line make up for the lost stock', () => {
      const backup = anOffer({ id: 'o3', lineId: later.id, unitPrice: 14_000n, quantityMilli: kg(100) });
      const result = evaluateBatchGreedy({
        lines: [later, earlier],
        offers: [toLater, toEarlier, backup],
        lots: [lot, lotFor(backup)],
        rules: rules(),
      });
      expect(awarded(result)).toEqual({ o1: kg(50), o2: kg(10), o3: kg(40) });
    });
  });

  it('splits a line over several offers when the best offer is small', () => {
    const line = aLine({ id: 'l', quantityMilli: kg(100) });
    const best = anOffer({ id: 'best', lineId: 'l', unitPrice: 12_000n, quantityMilli: kg(20) });
    const second = anOffer({ id: 'second', lineId: 'l', unitPrice: 12_500n, quantityMilli: kg(100) });
    const third = anOffer({ id: 'third', lineId: 'l', unitPrice: 13_000n, quantityMilli: kg(100) });
    const result = evaluateBatchGreedy({
      lines: [line],
      offers: [third, second, best],
      lots: [best, second, third].map((o) => lotFor(o)),
      rules: rules(),
    });
    expect(result.allocations.map((a) => [a.offerId, a.quantityMilli])).toEqual([
      ['best', kg(20)],
      ['second', kg(80)],
    ]);
    expect(evaluationOf(result, 'second').explanation.en).toContain('The kitchen needed only 80 kg more.');
    expect(evaluationOf(result, 'third')).toMatchObject({ awardedMilli: 0, unawardedReason: 'LINE_FILLED' });
    expect(result.lines).toEqual([{ lineId: 'l', demandedMilli: kg(100), awardedMilli: kg(100) }]);
  });

  it('copies offer, lot, cooperative and price into each allocation', () => {
    const line = aLine({ id: 'l' });
    const offer = anOffer({
      id: 'o',
      lineId: 'l',
      cooperativeId: 'coop-x',
      stockLotId: 'lot-x',
      unitPrice: 12_345n,
    });
    const result = evaluateBatchGreedy({
      lines: [line],
      offers: [offer],
      lots: [lotFor(offer)],
      rules: rules(),
    });
    expect(result.allocations).toEqual([
      {
        offerId: 'o',
        lineId: 'l',
        stockLotId: 'lot-x',
        cooperativeId: 'coop-x',
        quantityMilli: kg(100),
        unitPrice: 12_345n,
      },
    ]);
  });

  it('gives a line at most maxSuppliersPerLine offers, counting offers, not cooperatives', () => {
    const line = aLine({ id: 'l', quantityMilli: kg(100) });
    const offers = [1, 2, 3, 4].map((n) =>
      anOffer({
        id: `o${n}`,
        lineId: 'l',
        cooperativeId: 'coop-same',
        stockLotId: `lot-${n}`,
        unitPrice: BigInt(12_000 + n * 100),
        quantityMilli: kg(30),
      }),
    );
    const result = evaluateBatchGreedy({
      lines: [line],
      offers,
      lots: offers.map((o) => lotFor(o)),
      rules: rules({ maxSuppliersPerLine: 2 }),
    });
    expect(awarded(result)).toEqual({ o1: kg(30), o2: kg(30) });
    expect(evaluationOf(result, 'o3')).toMatchObject({ unawardedReason: 'SUPPLIER_CAP', rank: 3 });
    expect(evaluationOf(result, 'o3').explanation.en).toContain('at most 2 suppliers per line');
    expect(result.lines[0].awardedMilli).toBe(kg(60));
  });

  describe('minimum award', () => {
    const line = aLine({ id: 'l', quantityMilli: kg(100) });
    const tiny = anOffer({ id: 'tiny', lineId: 'l', unitPrice: 11_000n, quantityMilli: kg(10) });
    const main = anOffer({ id: 'main', lineId: 'l', unitPrice: 12_000n, quantityMilli: kg(80) });
    const rest = anOffer({ id: 'rest', lineId: 'l', unitPrice: 13_000n, quantityMilli: kg(50) });
    const lots = [tiny, main, rest].map((o) => lotFor(o));

    it('skips an award below the commodity minimum, but not one that completes the line', () => {
      const result = evaluateBatchGreedy({
        lines: [line],
        offers: [tiny, main, rest],
        lots,
        rules: rules({ minAwardMilli: { BERAS: kg(25) } }),
      });
      expect(awarded(result)).toEqual({ main: kg(80), rest: kg(20) });
      expect(evaluationOf(result, 'tiny')).toMatchObject({
        rank: 1,
        awardedMilli: 0,
        unawardedReason: 'BELOW_MIN_AWARD',
      });
      expect(evaluationOf(result, 'tiny').explanation.en).toBe(
        'Not awarded: only 10 kg could be awarded, below the minimum award of 25 kg for this commodity; ranked 1 of 3 (price: 1st cheapest of 3).',
      );
    });

    it("applies the minimum of the line's own commodity only", () => {
      const result = evaluateBatchGreedy({
        lines: [line],
        offers: [tiny, main, rest],
        lots,
        rules: rules({ minAwardMilli: { TELUR: kg(25) } }),
      });
      expect(awarded(result)).toEqual({ tiny: kg(10), main: kg(80), rest: kg(10) });
    });

    it('measures the award after stock limits, not the offered quantity', () => {
      const big = anOffer({ id: 'big', lineId: 'l', unitPrice: 11_000n, quantityMilli: kg(100) });
      const result = evaluateBatchGreedy({
        lines: [line],
        offers: [big, main],
        lots: [lotFor(big, { availableMilli: kg(5) }), lotFor(main)],
        rules: rules({ minAwardMilli: { BERAS: kg(25) } }),
      });
      expect(evaluationOf(result, 'big').unawardedReason).toBe('BELOW_MIN_AWARD');
      expect(awarded(result)).toEqual({ main: kg(80) });
    });
  });

  it('does not let two offers of one lot on the same line take more than the lot holds', () => {
    const line = aLine({ id: 'l', quantityMilli: kg(100) });
    const lot = aLot({ id: 'shared', cooperativeId: 'coop', availableMilli: kg(30) });
    const first = anOffer({
      id: 'first',
      lineId: 'l',
      cooperativeId: 'coop',
      stockLotId: 'shared',
      unitPrice: 12_000n,
      quantityMilli: kg(30),
    });
    const again = anOffer({
      id: 'again',
      lineId: 'l',
      cooperativeId: 'coop',
      stockLotId: 'shared',
      unitPrice: 12_500n,
      quantityMilli: kg(30),
    });
    const result = evaluateBatchGreedy({
      lines: [line],
      offers: [again, first],
      lots: [lot],
      rules: rules(),
    });
    expect(awarded(result)).toEqual({ first: kg(30) });
    expect(evaluationOf(result, 'again').unawardedReason).toBe('STOCK_ALREADY_AWARDED');
    expect(evaluationOf(result, 'again').explanation.en).toContain('your higher-ranked offer on this line');
  });

  it('leaves a line without valid offers unfilled', () => {
    const line = aLine({ id: 'l', maxUnitPrice: 10_000n });
    const offer = anOffer({ id: 'o', lineId: 'l', unitPrice: 12_000n });
    const result = evaluateBatchGreedy({
      lines: [line],
      offers: [offer],
      lots: [lotFor(offer)],
      rules: rules(),
    });
    expect(result.allocations).toEqual([]);
    expect(result.lines).toEqual([{ lineId: 'l', demandedMilli: kg(100), awardedMilli: 0 }]);
  });

  it('awards exact thousandths without drift', () => {
    const line = aLine({ id: 'l', quantityMilli: 1_001 });
    const a = anOffer({ id: 'a', lineId: 'l', unitPrice: 1n, quantityMilli: 333 });
    const b = anOffer({ id: 'b', lineId: 'l', unitPrice: 2n, quantityMilli: 667 });
    const c = anOffer({ id: 'c', lineId: 'l', unitPrice: 3n, quantityMilli: 5 });
    const result = evaluateBatchGreedy({
      lines: [line],
      offers: [a, b, c],
      lots: [a, b, c].map((o) => lotFor(o)),
      rules: rules(),
    });
    expect(awarded(result)).toEqual({ a: 333, b: 667, c: 1 });
  });
});
