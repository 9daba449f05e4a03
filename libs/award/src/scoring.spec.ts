import { evaluateBatch } from './award-engine.js';
import type { EngineOffer, OfferEvaluationResult } from './award.types.js';
import { haversineKm, reliabilityScore } from './scoring.js';
import { aLine, aLot, anOffer, KITCHEN, kg, lotFor, northOf, rules } from './testing/builders.js';

function evaluationOf(
  result: { evaluations: OfferEvaluationResult[] },
  offerId: string,
): OfferEvaluationResult {
  const found = result.evaluations.find((e) => e.offerId === offerId);
  if (!found) throw new Error(`no evaluation for ${offerId}`);
  return found;
}

describe('scoring', () => {
  it('scores the worked example of the architecture: 13,000 A at 1 km vs 13,400 B at 3 km', () => {
    const rice = aLine({ id: 'rice' });
    const near = anOffer({
      id: 'near',
      lineId: 'rice',
      unitPrice: 13_000n,
      grade: 'A',
      cooperativeLocation: northOf(KITCHEN, 1),
    });
    const far = anOffer({
      id: 'far',
      lineId: 'rice',
      unitPrice: 13_400n,
      grade: 'B',
      cooperativeLocation: northOf(KITCHEN, 3),
    });

    const result = evaluateBatch({
      lines: [rice],
      offers: [far, near],
      lots: [lotFor(near), lotFor(far)],
      rules: rules(),
    });

    const a = evaluationOf(result, 'near');
    expect(a.priceScore).toBe(1);
    expect(a.qualityScore).toBe(1);
    expect(a.distanceScore).toBeCloseTo(1, 9);
    expect(a.reliabilityScore).toBeCloseTo(0.9, 12);
    expect(a.total).toBeCloseTo(0.99, 9);
    expect(a.rank).toBe(1);

    const b = evaluationOf(result, 'far');
    expect(b.priceScore).toBeCloseTo(13_000 / 13_400, 12);
    expect(b.qualityScore).toBe(0.8);
    expect(b.distanceScore).toBeCloseTo(1 / 3, 6);
    expect(b.reliabilityScore).toBeCloseTo(0.9, 12);
    expect(b.total).toBeCloseTo(0.5 * (13_000 / 13_400) + 0.3 * 0.8 + 0.1 / 3 + 0.1 * 0.9, 6);
    expect(b.total).toBeCloseTo(0.848, 3);
    expect(b.rank).toBe(2);
  });

  it('measures great-circle distance with the mean earth radius', () => {
    expect(haversineKm(KITCHEN, northOf(KITCHEN, 3))).toBeCloseTo(3, 9);
    // One degree of longitude on the equator, and half way round the earth.
    expect(haversineKm({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 1 })).toBeCloseTo(111.195, 3);
    expect(haversineKm({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 180 })).toBeCloseTo(
      Math.PI * 6371.0088,
      6,
    );
  });

  it('floors distance at 1 km, so cooperatives next door to the kitchen score the same', () => {
    const line = aLine({ id: 'l' });
    const a = anOffer({ id: 'a', lineId: 'l', cooperativeLocation: northOf(KITCHEN, 0.2) });
    const b = anOffer({ id: 'b', lineId: 'l', cooperativeLocation: northOf(KITCHEN, 0.9) });
    const result = evaluateBatch({
      lines: [line],
      offers: [a, b],
      lots: [lotFor(a), lotFor(b)],
      rules: rules(),
    });
    expect(evaluationOf(result, 'a').distanceScore).toBe(1);
    expect(evaluationOf(result, 'b').distanceScore).toBe(1);
  });

  it('gives distance score 1 when a location is unknown, and leaves it out of the nearest distance', () => {
    const line = aLine({ id: 'l' });
    const unknown = anOffer({ id: 'unknown', lineId: 'l', cooperativeLocation: null });
    const at2 = anOffer({ id: 'at2', lineId: 'l', cooperativeLocation: northOf(KITCHEN, 2) });
    const at4 = anOffer({ id: 'at4', lineId: 'l', cooperativeLocation: northOf(KITCHEN, 4) });
    const result = evaluateBatch({
      lines: [line],
      offers: [unknown, at2, at4],
      lots: [lotFor(unknown), lotFor(at2), lotFor(at4)],
      rules: rules(),
    });
    expect(evaluationOf(result, 'unknown').distanceScore).toBe(1);
    expect(evaluationOf(result, 'at2').distanceScore).toBeCloseTo(1, 9);
    expect(evaluationOf(result, 'at4').distanceScore).toBeCloseTo(0.5, 9);

    const noKitchen = evaluateBatch({
      lines: [aLine({ id: 'l', kitchenLocation: null })],
      offers: [at2, at4],
      lots: [lotFor(at2), lotFor(at4)],
      rules: rules(),
    });
    expect(noKitchen.evaluations.map((e) => e.distanceScore)).toEqual([1, 1]);
  });

  it('starts a new cooperative at 0.9 reliability and lets one bad day move it little', () => {
    expect(reliabilityScore({ acceptedLines: 0, receivedLines: 0 })).toBeCloseTo(0.9, 12);
    expect(reliabilityScore({ acceptedLines: 9, receivedLines: 10 })).toBeCloseTo(18 / 20, 12);
    expect(reliabilityScore({ acceptedLines: 90, receivedLines: 90 })).toBeCloseTo(99 / 100, 12);
    expect(reliabilityScore({ acceptedLines: 0, receivedLines: 1 })).toBeCloseTo(9 / 11, 12);
    // Inconsistent history cannot push the score above 1.
    expect(reliabilityScore({ acceptedLines: 50, receivedLines: 0 })).toBeCloseTo(0.9, 12);
  });

  it("uses the line's own weights", () => {
    const priceOnly = aLine({ id: 'l', weights: { price: 1, quality: 0, distance: 0, reliability: 0 } });
    const cheapC = anOffer({ id: 'cheap', lineId: 'l', unitPrice: 10_000n, grade: 'C' });
    const dearA = anOffer({ id: 'dear', lineId: 'l', unitPrice: 12_500n, grade: 'A' });
    const result = evaluateBatch({
      lines: [priceOnly],
      offers: [dearA, cheapC],
      lots: [lotFor(cheapC), lotFor(dearA)],
      rules: rules(),
    });
    expect(evaluationOf(result, 'cheap')).toMatchObject({ total: 1, rank: 1 });
    expect(evaluationOf(result, 'dear')).toMatchObject({ total: 0.8, rank: 2 });
  });

  it('compares price only among valid offers of the same line', () => {
    const line = aLine({ id: 'l', maxUnitPrice: 12_000n });
    const other = aLine({ id: 'other' });
    const tooDear = anOffer({ id: 'dear', lineId: 'l', unitPrice: 14_000n });
    const ok = anOffer({ id: 'ok', lineId: 'l', unitPrice: 12_000n });
    const cheapElsewhere = anOffer({ id: 'elsewhere', lineId: 'other', unitPrice: 6_000n });
    const result = evaluateBatch({
      lines: [line, other],
      offers: [tooDear, ok, cheapElsewhere],
      lots: [lotFor(tooDear), lotFor(ok), lotFor(cheapElsewhere)],
      rules: rules(),
    });
    expect(evaluationOf(result, 'ok').priceScore).toBe(1);
  });
});

describe('validity', () => {
  const line = aLine({ id: 'rice', maxUnitPrice: 12_500n, minGrade: 'B' });

  function reasonFor(offer: EngineOffer, lots = [lotFor(offer)]) {
    const result = evaluateBatch({ lines: [line], offers: [offer], lots, rules: rules() });
    const [evaluation] = result.evaluations;
    return { evaluation, result };
  }

  const good = anOffer({ id: 'o', lineId: 'rice', unitPrice: 12_000n, grade: 'B' });

  it('accepts an offer that meets every condition', () => {
    expect(reasonFor(good).evaluation).toMatchObject({ valid: true, invalidReason: null, rank: 1 });
  });

  it.each<[string, EngineOffer, ReturnType<typeof lotFor>[] | undefined, string]>([
    ['UNKNOWN_LINE', { ...good, lineId: 'no-such-line' }, undefined, 'not part of this evaluation'],
    [
      'COMMODITY_MISMATCH',
      good,
      [lotFor(good, { commodityCode: 'TELUR' })],
      'holds TELUR but the kitchen asked for BERAS',
    ],
    ['COOPERATIVE_SUSPENDED', { ...good, cooperativeSuspended: true }, undefined, 'suspended'],
    [
      'ABOVE_CEILING',
      { ...good, unitPrice: 13_000n },
      undefined,
      "price above the kitchen's ceiling (Rp13.000 > Rp12.500)",
    ],
    ['BELOW_MIN_GRADE', { ...good, grade: 'C' }, undefined, "grade C is below the kitchen's minimum grade B"],
    ['NO_STOCK', good, [], 'was not found'],
    ['NO_STOCK', good, [lotFor(good, { availableMilli: 0 })], 'no stock is left'],
    ['NO_STOCK', good, [lotFor(good, { cooperativeId: 'someone-else' })], 'belongs to another cooperative'],
  ])('marks %s, scores 0, rank 0, never awarded (%#)', (reason, offer, lots, words) => {
    const { evaluation, result } = reasonFor(offer, lots ?? [lotFor(offer)]);
    expect(evaluation).toMatchObject({
      valid: false,
      invalidReason: reason,
      priceScore: 0,
      qualityScore: 0,
      distanceScore: 0,
      reliabilityScore: 0,
      total: 0,
      rank: 0,
      awardedMilli: 0,
      unawardedReason: null,
    });
    expect(evaluation.explanation.en).toContain(words);
    expect(result.allocations).toEqual([]);
  });

  it('accepts an offer for more than the lot has left: the allocation caps it', () => {
    const big = { ...good, quantityMilli: kg(500) };
    const { evaluation, result } = reasonFor(big, [lotFor(big, { availableMilli: kg(40) })]);
    expect(evaluation.valid).toBe(true);
    expect(result.allocations).toEqual([expect.objectContaining({ offerId: 'o', quantityMilli: kg(40) })]);
  });

  it('reports the first failing rule, in the documented order', () => {
    const everythingWrong = {
      ...good,
      cooperativeSuspended: true,
      unitPrice: 99_000n,
      grade: 'C' as const,
    };
    const mismatched = [
      aLot({
        id: good.stockLotId,
        cooperativeId: good.cooperativeId,
        commodityCode: 'TELUR',
        availableMilli: 0,
      }),
    ];
    expect(reasonFor(everythingWrong, mismatched).evaluation.invalidReason).toBe('COMMODITY_MISMATCH');
    expect(reasonFor(everythingWrong, []).evaluation.invalidReason).toBe('COOPERATIVE_SUSPENDED');
    expect(reasonFor({ ...everythingWrong, cooperativeSuspended: false }, []).evaluation.invalidReason).toBe(
      'ABOVE_CEILING',
    );
    expect(reasonFor({ ...good, grade: 'C' }, []).evaluation.invalidReason).toBe('BELOW_MIN_GRADE');
    expect(reasonFor({ ...everythingWrong, lineId: 'nowhere' }, mismatched).evaluation.invalidReason).toBe(
      'UNKNOWN_LINE',
    );
  });

  it('lets a line without ceiling or minimum grade take any price and grade', () => {
    const open = aLine({ id: 'rice' });
    const offer = anOffer({ id: 'o', lineId: 'rice', unitPrice: 50_000n, grade: 'C' });
    const result = evaluateBatch({ lines: [open], offers: [offer], lots: [lotFor(offer)], rules: rules() });
    expect(result.evaluations[0].valid).toBe(true);
  });
});

describe('ranking', () => {
  const line = aLine({ id: 'l' });
  const t0 = Date.UTC(2025, 0, 6, 1, 0, 0);

  function ranks(offers: EngineOffer[]): string[] {
    const result = evaluateBatch({
      lines: [line],
      offers,
      lots: offers.map((o) => lotFor(o)),
      rules: rules(),
    });
    return result.evaluations.map((e) => `${e.rank}:${e.offerId}`);
  }

  it('ranks by total, best first', () => {
    expect(
      ranks([
        anOffer({ id: 'b', lineId: 'l', unitPrice: 13_000n }),
        anOffer({ id: 'a', lineId: 'l', unitPrice: 14_000n }),
        anOffer({ id: 'c', lineId: 'l', unitPrice: 12_000n }),
      ]),
    ).toEqual(['1:c', '2:b', '3:a']);
  });

  it('breaks equal totals by the earlier offer', () => {
    expect(
      ranks([
        anOffer({ id: 'a', lineId: 'l', submittedAt: t0 + 60_000 }),
        anOffer({ id: 'z', lineId: 'l', submittedAt: t0 }),
      ]),
    ).toEqual(['1:z', '2:a']);
  });

  it('breaks equal totals and equal times by the smaller id', () => {
    expect(
      ranks([
        anOffer({ id: 'offer-b', lineId: 'l', submittedAt: t0 }),
        anOffer({ id: 'offer-B', lineId: 'l', submittedAt: t0 }),
        anOffer({ id: 'offer-a', lineId: 'l', submittedAt: t0 }),
      ]),
    ).toEqual(['1:offer-B', '2:offer-a', '3:offer-b']);
  });

  it('ranks per line, and lists invalid offers last on their line', () => {
    const other = aLine({ id: 'm', maxUnitPrice: 12_000n });
    const offers = [
      anOffer({ id: 'm2', lineId: 'm', unitPrice: 11_000n }),
      anOffer({ id: 'm0', lineId: 'm', unitPrice: 13_000n }),
      anOffer({ id: 'l1', lineId: 'l', unitPrice: 11_000n }),
      anOffer({ id: 'm1', lineId: 'm', unitPrice: 10_000n }),
      anOffer({ id: 'l2', lineId: 'l', unitPrice: 12_000n }),
    ];
    const result = evaluateBatch({
      lines: [other, line],
      offers,
      lots: offers.map((o) => lotFor(o)),
      rules: rules(),
    });
    expect(result.evaluations.map((e) => `${e.lineId}/${e.rank}:${e.offerId}`)).toEqual([
      'l/1:l1',
      'l/2:l2',
      'm/1:m1',
      'm/2:m2',
      'm/0:m0',
    ]);
  });
});
