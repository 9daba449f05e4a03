import fc from 'fast-check';
import { evaluateBatch, evaluateBatchGreedy, reaward } from './award-engine.js';
import type {
  AwardInput,
  AwardResult,
  EngineLine,
  EngineLot,
  EngineOffer,
  OfferEvaluationResult,
} from './award.types.js';
import { evaluateCheapestWholeLine } from '../../../bench/baselines.js';
import { aLine, aLot, anOffer, KITCHEN, kg, lotFor, northOf, rules } from './testing/builders.js';
import { lpInstanceOf, lpValue, solveLpReference, solveMipReference } from './testing/lp-reference.js';
import { generateMarket, kotaBlitarSpec, loadCatalog } from '../../../bench/generator.js';
import { FILL_WEIGHT } from './optimal-allocation.js';

function evaluationOf(result: AwardResult, offerId: string): OfferEvaluationResult {
  const found = result.evaluations.find((e) => e.offerId === offerId);
  if (!found) throw new Error(`no evaluation for ${offerId}`);
  return found;
}

function awarded(result: AwardResult): Record<string, number> {
  return Object.fromEntries(result.allocations.map((a) => [a.offerId, a.quantityMilli]));
}

function coverage(result: Pick<AwardResult, 'lines'>): number {
  return result.lines.reduce((sum, o) => sum + o.awardedMilli / o.demandedMilli, 0);
}

describe('optimal allocation (hand-checked)', () => {
  it('gives a shared lot to the line where it covers the larger share', () => {
    // Koperasi Sukorejo has 60 kg of rice and offers it to a 100 kg line (posted first) and a
    // 40 kg line. The big line also has a dearer backup offer of 70 kg.
    const big = aLine({ id: 'big', order: 1, quantityMilli: kg(100) });
    const small = aLine({ id: 'small', order: 2, quantityMilli: kg(40) });
    const lot = aLot({ id: 'lot-s', cooperativeId: 'coop-s', availableMilli: kg(60) });
    const toBig = anOffer({ id: 's-big', lineId: 'big', cooperativeId: 'coop-s', stockLotId: 'lot-s' });
    const toSmall = anOffer({
      id: 's-small',
      lineId: 'small',
      cooperativeId: 'coop-s',
      stockLotId: 'lot-s',
      quantityMilli: kg(40),
    });
    const backup = anOffer({ id: 'backup', lineId: 'big', unitPrice: 14_000n, quantityMilli: kg(70) });
    const input: AwardInput = {
      lines: [big, small],
      offers: [toBig, toSmall, backup],
      lots: [lot, lotFor(backup)],
      rules: rules(),
    };

    const result = evaluateBatch(input);
    // Optimum: small 40/40, big 20 + 70 = 90/100 → coverage 1.9. Greedy v1 serves big first
    // (60 + 40 = 100/100) and leaves small with nothing → coverage 1.0.
    expect(awarded(result)).toEqual({ 's-small': kg(40), 's-big': kg(20), backup: kg(70) });
    expect(result.path).toBe('exact');
    expect(coverage(result)).toBeCloseTo(1.9, 12);
    expect(coverage(evaluateBatchGreedy(input))).toBeCloseTo(1.0, 12);
    expect(evaluationOf(result, 's-big').explanation.en).toBe(
      'Awarded 20 kg of 100 kg offered; ranked 1 of 2 (price: 1st cheapest of 2). Only 20 kg was left in the stock lot.',
    );
  });

  it('tells an offer whose lot went to other lines that the stock was better used there', () => {
    const big = aLine({ id: 'big', order: 1, quantityMilli: kg(100) });
    const small = aLine({ id: 'small', order: 2, quantityMilli: kg(40) });
    const lot = aLot({ id: 'lot-s', cooperativeId: 'coop-s', availableMilli: kg(40) });
    const toBig = anOffer({ id: 's-big', lineId: 'big', cooperativeId: 'coop-s', stockLotId: 'lot-s' });
    const toSmall = anOffer({ id: 's-small', lineId: 'small', cooperativeId: 'coop-s', stockLotId: 'lot-s' });
    const result = evaluateBatch({
      lines: [big, small],
      offers: [toBig, toSmall],
      lots: [lot],
      rules: rules(),
    });
    expect(awarded(result)).toEqual({ 's-small': kg(40) });
    expect(evaluationOf(result, 's-big')).toMatchObject({ unawardedReason: 'STOCK_ALREADY_AWARDED' });
    expect(evaluationOf(result, 's-big').explanation).toEqual({
      en: 'Not awarded: stock in this lot was already awarded to other lines, where it covers more of the demand or scores higher; ranked 1 of 1 (price: 1st cheapest of 1).',
      id: 'Tidak menang: stok di lot ini sudah diberikan ke kebutuhan lain, yang dengan stok itu lebih banyak terpenuhi atau berskor lebih tinggi; peringkat 1 dari 1 (harga: ke-1 termurah dari 1).',
    });
  });

  it('splits a line when the best offer is small, and says why the rest went elsewhere', () => {
    const line = aLine({ id: 'l', quantityMilli: kg(100) });
    const best = anOffer({ id: 'best', lineId: 'l', unitPrice: 12_000n, quantityMilli: kg(20) });
    const second = anOffer({ id: 'second', lineId: 'l', unitPrice: 12_500n, quantityMilli: kg(100) });
    const third = anOffer({ id: 'third', lineId: 'l', unitPrice: 13_000n, quantityMilli: kg(100) });
    const result = evaluateBatch({
      lines: [line],
      offers: [third, second, best],
      lots: [best, second, third].map((o) => lotFor(o)),
      rules: rules(),
    });
    expect(result.allocations.map((a) => [a.offerId, a.quantityMilli])).toEqual([
      ['best', kg(20)],
      ['second', kg(80)],
    ]);
    expect(result.path).toBe('exact');
    expect(evaluationOf(result, 'second').explanation.en).toContain('The kitchen needed only 80 kg more.');
    expect(evaluationOf(result, 'third')).toMatchObject({ unawardedReason: 'LINE_FILLED' });
    expect(evaluationOf(result, 'third').explanation.en).toContain(
      'line already filled by higher-ranked offers',
    );
  });

  it('keeps the supplier cap: the LP splits over four offers, the repair keeps the two best', () => {
    const line = aLine({ id: 'l', quantityMilli: kg(100) });
    const offers = [1, 2, 3, 4].map((n) =>
      anOffer({ id: `o${n}`, lineId: 'l', unitPrice: BigInt(12_000 + n * 100), quantityMilli: kg(30) }),
    );
    const result = evaluateBatch({
      lines: [line],
      offers,
      lots: offers.map((o) => lotFor(o)),
      rules: rules({ maxSuppliersPerLine: 2 }),
    });
    expect(awarded(result)).toEqual({ o1: kg(30), o2: kg(30) });
    expect(result.path).toBe('repaired');
    expect(result.solver).toMatchObject({ repairedComponents: 1 });
    expect(result.solver!.repairRounds).toBeGreaterThanOrEqual(1);
    // LP: 30 + 30 + 30 + 10 = 100 kg, coverage 1; the cap allows 60 kg.
    expect(result.solver!.lpBound!).toBeGreaterThan(result.objective);
    expect(evaluationOf(result, 'o3')).toMatchObject({ unawardedReason: 'SUPPLIER_CAP', rank: 3 });
    expect(evaluationOf(result, 'o3').explanation.en).toContain(
      'at most 2 suppliers per line and higher-ranked offers took those places',
    );
  });

  it('stays exact when the optimum already keeps the cap', () => {
    const line = aLine({ id: 'l', quantityMilli: kg(100) });
    const a = anOffer({ id: 'a', lineId: 'l', unitPrice: 12_000n, quantityMilli: kg(50) });
    const b = anOffer({ id: 'b', lineId: 'l', unitPrice: 12_100n, quantityMilli: kg(50) });
    const c = anOffer({ id: 'c', lineId: 'l', unitPrice: 13_000n, quantityMilli: kg(100) });
    const result = evaluateBatch({
      lines: [line],
      offers: [a, b, c],
      lots: [a, b, c].map((o) => lotFor(o)),
      rules: rules({ maxSuppliersPerLine: 2 }),
    });
    expect(awarded(result)).toEqual({ a: kg(50), b: kg(50) });
    expect(result.path).toBe('exact');
    expect(result.objective).toBe(result.solver!.lpBound);
  });

  it('keeps the minimum award: one small award only, and only when it completes the line', () => {
    const line = aLine({ id: 'l', quantityMilli: kg(100) });
    const tiny = anOffer({ id: 'tiny', lineId: 'l', unitPrice: 11_000n, quantityMilli: kg(10) });
    const main = anOffer({ id: 'main', lineId: 'l', unitPrice: 12_000n, quantityMilli: kg(80) });
    const rest = anOffer({ id: 'rest', lineId: 'l', unitPrice: 13_000n, quantityMilli: kg(50) });
    const input: AwardInput = {
      lines: [line],
      offers: [tiny, main, rest],
      lots: [tiny, main, rest].map((o) => lotFor(o)),
      rules: rules({ minAwardMilli: { BERAS: kg(25) } }),
    };
    const result = evaluateBatch(input);
    // LP: tiny 10 + main 80 + rest 10, two awards under 25 kg. The repair raises rest to the
    // minimum, taking the room from main: tiny 10 (the one small award, on a complete line)
    // + main 65 + rest 25. Scores 0.990 / 0.948 / 0.913: 9.9 + 61.6 + 22.8 = 94.35 per 100 kg,
    // better than dropping tiny (main 80 + rest 20: 75.8 + 18.3 = 94.1). By hand, the optimum.
    expect(awarded(result)).toEqual({ tiny: kg(10), main: kg(65), rest: kg(25) });
    expect(result.path).toBe('repaired');
    expect(result.objective).toBeGreaterThan(evaluateBatchGreedy(input).objective);

    // Without main's room the small offer cannot stay: dropped, and told why.
    const short = aLine({ id: 'l', quantityMilli: kg(120) });
    const dropped = evaluateBatch({
      ...input,
      lines: [short],
      offers: [tiny, main],
      lots: [lotFor(tiny), lotFor(main)],
    });
    expect(awarded(dropped)).toEqual({ main: kg(80) });
    expect(evaluationOf(dropped, 'tiny').explanation.en).toBe(
      'Not awarded: only 10 kg could be awarded, below the minimum award of 25 kg for this commodity; ranked 1 of 2 (price: 1st cheapest of 2).',
    );
  });

  it('breaks ties by the earlier offer, then by id, and serves the earlier-posted line first', () => {
    const line = aLine({ id: 'l', quantityMilli: kg(100) });
    const late = anOffer({ id: 'a-late', lineId: 'l', submittedAt: 2_000 });
    const early = anOffer({ id: 'z-early', lineId: 'l', submittedAt: 1_000 });
    const sameTimeB = anOffer({ id: 'b', lineId: 'l', submittedAt: 1_000 });
    let result = evaluateBatch({
      lines: [line],
      offers: [late, early],
      lots: [late, early].map((o) => lotFor(o)),
      rules: rules(),
    });
    expect(awarded(result)).toEqual({ 'z-early': kg(100) });
    expect(evaluationOf(result, 'a-late')).toMatchObject({ rank: 2, unawardedReason: 'LINE_FILLED' });
    result = evaluateBatch({
      lines: [line],
      offers: [early, sameTimeB],
      lots: [early, sameTimeB].map((o) => lotFor(o)),
      rules: rules(),
    });
    expect(awarded(result)).toEqual({ b: kg(100) });

    // Two equal lines, one lot that covers only one of them: the earlier-posted line gets it.
    const first = aLine({ id: 'z-first', order: 1, quantityMilli: kg(50) });
    const second = aLine({ id: 'a-second', order: 2, quantityMilli: kg(50) });
    const lot = aLot({ id: 'lot', cooperativeId: 'coop', availableMilli: kg(50) });
    const toFirst = anOffer({ id: 'o1', lineId: first.id, cooperativeId: 'coop', stockLotId: 'lot' });
    const toSecond = anOffer({ id: 'o2', lineId: second.id, cooperativeId: 'coop', stockLotId: 'lot' });
    result = evaluateBatch({
      lines: [second, first],
      offers: [toSecond, toFirst],
      lots: [lot],
      rules: rules(),
    });
    expect(awarded(result)).toEqual({ o1: kg(50) });
  });

  it('leaves a line without a valid offer empty and still fills the others', () => {
    const open = aLine({ id: 'open', quantityMilli: kg(50) });
    const closed = aLine({ id: 'closed', quantityMilli: kg(50), maxUnitPrice: 10_000n });
    const o = anOffer({ id: 'o', lineId: 'open', quantityMilli: kg(50) });
    const dear = anOffer({ id: 'dear', lineId: 'closed', unitPrice: 12_000n });
    const result = evaluateBatch({
      lines: [open, closed],
      offers: [o, dear],
      lots: [lotFor(o), lotFor(dear)],
      rules: rules(),
    });
    expect(result.lines).toEqual([
      { lineId: 'closed', demandedMilli: kg(50), awardedMilli: 0 },
      { lineId: 'open', demandedMilli: kg(50), awardedMilli: kg(50) },
    ]);
    expect(result.solver).toMatchObject({ components: 1, exactComponents: 1 });
    const none = evaluateBatch({ lines: [closed], offers: [dear], lots: [lotFor(dear)], rules: rules() });
    expect(none).toMatchObject({ path: 'exact', allocations: [], objective: 0 });
    expect(none.solver).toMatchObject({ components: 0, lpBound: 0 });
  });

  it('falls back to greedy v1 when the work budget runs out, keeping every rule', () => {
    const big = aLine({ id: 'big', order: 1, quantityMilli: kg(100) });
    const small = aLine({ id: 'small', order: 2, quantityMilli: kg(40) });
    const lot = aLot({ id: 'lot-s', cooperativeId: 'coop-s', availableMilli: kg(60) });
    const offers = [
      anOffer({ id: 's-big', lineId: 'big', cooperativeId: 'coop-s', stockLotId: 'lot-s' }),
      anOffer({
        id: 's-small',
        lineId: 'small',
        cooperativeId: 'coop-s',
        stockLotId: 'lot-s',
        quantityMilli: kg(40),
      }),
    ];
    const input: AwardInput = { lines: [big, small], offers, lots: [lot], rules: rules() };
    const result = evaluateBatch(input, { workBudgetPerComponent: 1 });
    expect(result.path).toBe('greedy-fallback');
    expect(result.solver).toMatchObject({ fallbackComponents: 1, lpBound: null });
    // The best of greedy v1 and the whole-line rule: here the whole-line rule covers small
    // fully (big cannot be covered whole), and the top-up gives big the lot's last 20 kg.
    expect(awarded(result)).toEqual({ 's-small': kg(40), 's-big': kg(20) });
  });
});

describe('reaward', () => {
  // Two kitchens' rice lines were awarded; Koperasi Gedog declined its 60 kg on line-1.
  const line1 = aLine({ id: 'line-1', quantityMilli: kg(60) }); // remaining need
  const line2 = aLine({ id: 'line-2', quantityMilli: 0 }); // fully delivered by others
  const gedog = anOffer({
    id: 'gedog',
    lineId: 'line-1',
    cooperativeId: 'coop-gedog',
    stockLotId: 'lot-gedog',
  });
  const klampok = anOffer({ id: 'klampok', lineId: 'line-1', unitPrice: 13_500n, quantityMilli: kg(40) });
  const rembang = anOffer({ id: 'rembang', lineId: 'line-1', unitPrice: 13_800n, quantityMilli: kg(100) });
  const onDone = anOffer({ id: 'on-done', lineId: 'line-2' });
  const input = {
    lines: [line1, line2],
    offers: [gedog, klampok, rembang, onDone],
    lots: [
      lotFor(gedog),
      lotFor(klampok, { availableMilli: kg(25) }), // what is left after its other awards
      lotFor(rembang),
      lotFor(onDone),
    ],
    rules: rules(),
  };

  it('re-allocates the remaining need to the offers still standing', () => {
    const result = reaward({ ...input, excludeCooperativeIds: ['coop-gedog'] });
    expect(awarded(result)).toEqual({ klampok: kg(25), rembang: kg(35) });
    expect(result.lines).toEqual([{ lineId: 'line-1', demandedMilli: kg(60), awardedMilli: kg(60) }]);
    expect(result.skippedOfferIds).toEqual(['gedog', 'on-done']);
    expect(result.evaluations.map((e) => e.offerId)).toEqual(['klampok', 'rembang']);
    expect(evaluationOf(result, 'klampok').explanation.en).toContain('Only 25 kg was left in the stock lot.');
    expect(result.path).toBe('exact');
  });

  it('accepts input the caller already filtered', () => {
    const filtered = reaward({ ...input, lines: [line1], offers: [klampok, rembang] });
    const excluded = reaward({ ...input, excludeCooperativeIds: ['coop-gedog'] });
    expect({ ...filtered, skippedOfferIds: [] }).toEqual({ ...excluded, skippedOfferIds: [] });
  });

  it('without exclusions is evaluateBatch on the open lines', () => {
    const result = reaward({ ...input, lines: [line1], offers: [gedog, klampok, rembang] });
    expect(awarded(result)).toEqual({ gedog: kg(60) });
    expect(result).toEqual({
      ...evaluateBatch({ ...input, lines: [line1], offers: [gedog, klampok, rembang] }),
      skippedOfferIds: [],
    });
  });
});

describe('optimal allocation on random market days (property)', () => {
  // Mostly valid offers, few lots shared by many lines, tight supply: where allocation matters.
  const instanceArb = fc.record({
    lines: fc.array(
      fc.record({
        quantityMilli: fc.oneof(fc.integer({ min: 1, max: 400_000 }), fc.constantFrom(50_000, 100_000)),
        egg: fc.boolean(),
        order: fc.integer({ min: 0, max: 3 }),
      }),
      { minLength: 1, maxLength: 8 },
    ),
    lots: fc.array(fc.record({ availableMilli: fc.integer({ min: 1, max: 300_000 }), egg: fc.boolean() }), {
      minLength: 1,
      maxLength: 6,
    }),
    offers: fc.array(
      fc.record({
        line: fc.nat(),
        lot: fc.nat(),
        quantityMilli: fc.integer({ min: 1, max: 250_000 }),
        unitPrice: fc.integer({ min: 12_000, max: 14_000 }),
        grade: fc.constantFrom('A' as const, 'B' as const, 'C' as const),
        submittedAt: fc.integer({ min: 0, max: 2 }),
        km: fc.double({ min: 0, max: 20, noNaN: true }),
      }),
      { minLength: 1, maxLength: 30 },
    ),
    cap: fc.integer({ min: 1, max: 4 }),
    minRice: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 60_000 })),
  });
  type Generated = typeof instanceArb extends fc.Arbitrary<infer T> ? T : never;

  function toInput(g: Generated): AwardInput {
    const commodity = (egg: boolean) => (egg ? 'TELUR' : 'BERAS');
    const lines: EngineLine[] = g.lines.map((l, i) =>
      aLine({
        id: `line-${i}`,
        commodityCode: commodity(l.egg),
        quantityMilli: l.quantityMilli,
        order: l.order,
      }),
    );
    const lots: EngineLot[] = g.lots.map((l, i) =>
      aLot({
        id: `lot-${i}`,
        cooperativeId: `coop-${i}`,
        commodityCode: commodity(l.egg),
        availableMilli: l.availableMilli,
      }),
    );
    const offers: EngineOffer[] = g.offers.map((o, i) => {
      const lot = o.lot % lots.length;
      return anOffer({
        id: `offer-${i}`,
        lineId: `line-${o.line % lines.length}`,
        cooperativeId: `coop-${lot}`,
        stockLotId: `lot-${lot}`,
        quantityMilli: o.quantityMilli,
        unitPrice: BigInt(o.unitPrice),
        grade: o.grade,
        submittedAt: o.submittedAt,
        cooperativeLocation: northOf(KITCHEN, o.km),
      });
    });
    return {
      lines,
      lots,
      offers,
      rules: rules({ maxSuppliersPerLine: g.cap, minAwardMilli: { BERAS: g.minRice, TELUR: 0 } }),
    };
  }

  function assertKeepsEveryRule(input: AwardInput, result: AwardResult): void {
    const offerById = new Map(input.offers.map((o) => [o.id, o]));
    const lotUse = new Map<string, number>();
    const byLine = new Map<string, number[]>();
    for (const a of result.allocations) {
      const offer = offerById.get(a.offerId)!;
      expect(Number.isSafeInteger(a.quantityMilli) && a.quantityMilli > 0).toBe(true);
      expect(a.quantityMilli).toBeLessThanOrEqual(offer.quantityMilli);
      lotUse.set(a.stockLotId, (lotUse.get(a.stockLotId) ?? 0) + a.quantityMilli);
      byLine.set(a.lineId, [...(byLine.get(a.lineId) ?? []), a.quantityMilli]);
    }
    for (const lot of input.lots) expect(lotUse.get(lot.id) ?? 0).toBeLessThanOrEqual(lot.availableMilli);
    for (const line of input.lines) {
      const awards = byLine.get(line.id) ?? [];
      const total = awards.reduce((s, x) => s + x, 0);
      expect(total).toBeLessThanOrEqual(line.quantityMilli);
      expect(awards.length).toBeLessThanOrEqual(input.rules.maxSuppliersPerLine);
      const minimum = input.rules.minAwardMilli[line.commodityCode] ?? 0;
      const small = awards.filter((x) => x < minimum).length;
      expect(small).toBeLessThanOrEqual(total === line.quantityMilli ? 1 : 0);
    }
  }

  it('keeps every rule, beats both simple rules, and matches the HiGHS LP optimum', async () => {
    const paths = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(instanceArb, async (generated) => {
        const input = toInput(generated);
        const result = evaluateBatch(input);
        paths.set(result.path, (paths.get(result.path) ?? 0) + 1);
        assertKeepsEveryRule(input, result);

        // Never below the simple rules: coverage first, then the objective.
        const wholeLine = evaluateCheapestWholeLine(input);
        const greedy = evaluateBatchGreedy(input);
        const tolerance = 1e-9;
        expect(coverage(result)).toBeGreaterThanOrEqual(coverage(wholeLine) - tolerance);
        expect(result.objective).toBeGreaterThanOrEqual(wholeLine.objective * (1 - 1e-12) - tolerance);
        expect(result.objective).toBeGreaterThanOrEqual(greedy.objective * (1 - 1e-12) - tolerance);

        // The engine's own LP bound is the LP optimum; on the exact path the award is that optimum.
        const instance = lpInstanceOf(input, result);
        const reference = await solveLpReference(instance);
        expect(reference.status).toBe('Optimal');
        const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));
        expect(relative(result.solver!.lpBound!, reference.objective)).toBeLessThan(1e-9);
        expect(result.objective).toBeLessThanOrEqual(reference.objective * (1 + 1e-9));
        if (result.path === 'exact') {
          expect(relative(result.objective, reference.objective)).toBeLessThan(1e-9);
          expect(relative(coverage(result), reference.coverage)).toBeLessThan(1e-12);
        }
        // HiGHS's own solution reaches the same value (sanity check of the reference).
        expect(relative(lpValue(instance, reference.x).coverage, reference.coverage)).toBeLessThan(1e-6);

        // Deterministic, whatever the input order.
        const shuffled: AwardInput = {
          ...input,
          lines: [...input.lines].reverse(),
          offers: [...input.offers].reverse(),
          lots: [...input.lots].reverse(),
        };
        expect(evaluateBatch(shuffled)).toEqual(result);
      }),
      { numRuns: 250 },
    );
    // Both paths must have been exercised for the property to mean something.
    expect(paths.get('exact') ?? 0).toBeGreaterThan(20);
    expect(paths.get('repaired') ?? 0).toBeGreaterThan(20);
  });

  it('local search after the repair keeps every rule and is never worse than the repair alone', () => {
    let improved = 0;
    let searched = 0;
    fc.assert(
      fc.property(instanceArb, (generated) => {
        const input = toInput(generated);
        const repairedOnly = evaluateBatch(input, { localSearch: false, branchAndBound: false });
        const result = evaluateBatch(input, { branchAndBound: false });
        assertKeepsEveryRule(input, result);
        assertKeepsEveryRule(input, repairedOnly);
        // Coverage first, then the objective (which also holds the score).
        expect(coverage(result)).toBeGreaterThanOrEqual(coverage(repairedOnly) - 1e-12);
        expect(result.objective).toBeGreaterThanOrEqual(repairedOnly.objective * (1 - 1e-12));
        expect(repairedOnly.solver!.localSearchMoves).toBe(0);
        if (result.path === 'exact') expect(result).toEqual(repairedOnly);
        if (result.solver!.localSearchMoves > 0) searched++;
        if (result.objective > repairedOnly.objective * (1 + 1e-12)) improved++;
        // Work is a count: a smaller budget changes nothing run to run, and still keeps the rules.
        const tight = { workBudgetPerComponent: 3_000, branchAndBound: false };
        const small = evaluateBatch(input, tight);
        assertKeepsEveryRule(input, small);
        expect(evaluateBatch(input, tight)).toEqual(small);
      }),
      { numRuns: 400, seed: 20261201 }, // fixed: how often the search acts depends on the cases drawn
    );
    // The search must have acted for the property to mean something.
    expect(searched).toBeGreaterThan(5);
    expect(improved).toBeGreaterThan(5);
  });
  // Kota Blitar's hard shape: small lines (10–16 kg) with a 5 kg minimum, lots of 2–27 kg.
  const smallLinesArb = fc.record({
    lines: fc.array(
      fc.record({
        quantityMilli: fc.integer({ min: 10, max: 16 }).map(kg),
        egg: fc.constant(false),
        order: fc.nat(3),
      }),
      { minLength: 3, maxLength: 8 },
    ),
    lots: fc.array(
      fc.record({ availableMilli: fc.integer({ min: 2, max: 27 }).map(kg), egg: fc.constant(false) }),
      {
        minLength: 3,
        maxLength: 8,
      },
    ),
    offers: fc.array(
      fc.record({
        line: fc.nat(),
        lot: fc.nat(),
        quantityMilli: fc.integer({ min: 4, max: 40 }).map((h) => h * 500),
        unitPrice: fc.integer({ min: 12_000, max: 14_000 }),
        grade: fc.constantFrom('A' as const, 'B' as const, 'C' as const),
        submittedAt: fc.integer({ min: 0, max: 2 }),
        km: fc.double({ min: 0, max: 20, noNaN: true }),
      }),
      { minLength: 10, maxLength: 40 },
    ),
    cap: fc.integer({ min: 2, max: 3 }),
    minRice: fc.constant(kg(5)),
  });

  it('branch and bound (optimal-4) keeps every rule, is never worse than optimal-3, and is deterministic', () => {
    let improved = 0;
    let proven = 0;
    fc.assert(
      fc.property(fc.oneof(instanceArb, smallLinesArb), (generated) => {
        const input = toInput(generated);
        const previous = evaluateBatch(input, { branchAndBound: false });
        const result = evaluateBatch(input);
        assertKeepsEveryRule(input, result);
        expect(coverage(result)).toBeGreaterThanOrEqual(coverage(previous) - 1e-12);
        expect(result.objective).toBeGreaterThanOrEqual(previous.objective * (1 - 1e-12));
        if (result.path === 'exact') expect(result).toEqual(previous);
        expect(result.engineVersion).toBe('optimal-5');
        if (result.objective > previous.objective * (1 + 1e-12)) improved++;
        proven += result.solver!.provenOptimalComponents;
        // A count, not the clock: the same result again, and with a tiny search budget the
        // rules still hold and the result is still never worse than optimal-3.
        expect(evaluateBatch(input)).toEqual(result);
        const tight = evaluateBatch(input, { branchAndBoundWork: 2_000 });
        assertKeepsEveryRule(input, tight);
        expect(tight.objective).toBeGreaterThanOrEqual(previous.objective * (1 - 1e-12));
      }),
      { numRuns: 300, seed: 20261202 },
    );
    // The search must have acted for the property to mean something.
    expect(improved).toBeGreaterThan(5);
    expect(proven).toBeGreaterThan(50);
  });

  /** Several days' instances as one batch: their lines and lots apart, so several components. */
  function together(inputs: AwardInput[]): AwardInput {
    const prefixed = (k: number, id: string) => `d${k}-${id}`;
    return {
      lines: inputs.flatMap((x, k) => x.lines.map((l) => ({ ...l, id: prefixed(k, l.id) }))),
      lots: inputs.flatMap((x, k) =>
        x.lots.map((l) => ({ ...l, id: prefixed(k, l.id), cooperativeId: prefixed(k, l.cooperativeId) })),
      ),
      offers: inputs.flatMap((x, k) =>
        x.offers.map((o) => ({
          ...o,
          id: prefixed(k, o.id),
          lineId: prefixed(k, o.lineId),
          stockLotId: prefixed(k, o.stockLotId),
          cooperativeId: prefixed(k, o.cooperativeId),
        })),
      ),
      rules: inputs[0].rules,
    };
  }

  it('second round (optimal-5) over several components: every rule, never worse than optimal-4, deterministic', () => {
    let improved = 0;
    let secondRounds = 0;
    fc.assert(
      fc.property(fc.array(smallLinesArb, { minLength: 2, maxLength: 6 }), (days) => {
        const input = together(days.map(toInput));
        // A first round of a few node solves, so that some components stay open on these small
        // instances and the others leave work for them.
        const first = { branchAndBoundWork: 15_000 };
        const previous = evaluateBatch(input, { ...first, sharedSearchWork: false });
        const result = evaluateBatch(input, first);
        assertKeepsEveryRule(input, result);
        expect(coverage(result)).toBeGreaterThanOrEqual(coverage(previous) - 1e-12);
        expect(result.objective).toBeGreaterThanOrEqual(previous.objective * (1 - 1e-12));
        if (result.objective > previous.objective * (1 + 1e-12)) improved++;
        if (result.solver!.work > previous.solver!.work) secondRounds++;
        // The first round is optimal-4's: what it leaves of the components' allowances is the
        // most the second may add.
        expect(result.solver!.work).toBeLessThanOrEqual(
          previous.solver!.work + first.branchAndBoundWork * result.solver!.components,
        );
        expect(evaluateBatch(input, first)).toEqual(result);
      }),
      { numRuns: 300, seed: 20261204 },
    );
    // The second round must have run, and won, for the property to mean something.
    expect(secondRounds).toBeGreaterThan(30);
    expect(improved).toBeGreaterThan(10);
  });

  it('where the branch and bound finishes, its allocation is the HiGHS MIP optimum', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(instanceArb, smallLinesArb), async (generated) => {
        const input = toInput(generated);
        const result = evaluateBatch(input);
        const solver = result.solver!;
        const bound = solver.repairedComponents + solver.fallbackComponents;
        if (result.path === 'exact' || solver.provenOptimalComponents < bound) return;
        const minimum = input.lines.map((l) => input.rules.minAwardMilli[l.commodityCode] ?? 0);
        const mip = await solveMipReference(
          lpInstanceOf(input, result),
          minimum,
          input.rules.maxSuppliersPerLine,
          20,
        );
        if (mip.status !== 'Optimal') return;
        compared++;
        // Proven is about coverage (the search does not chase the score part, at most 1 per
        // line): the MIP optimum is at most that much higher.
        expect(result.objective).toBeGreaterThanOrEqual(mip.objective - input.lines.length);
        expect(result.objective).toBeLessThanOrEqual(mip.bound * (1 + 1e-6));
      }),
      { numRuns: 120, seed: 20261203 },
    );
    expect(compared).toBeGreaterThan(10);
  });
});

describe('branch and bound on the worst Kota Blitar shapes', () => {
  // The sugar lines of a Kota Blitar day: 11 kitchens want 14–16 kg each, the minimum award is
  // 5 kg, at most 3 suppliers per line, and ten cooperatives hold 2–27 kg. Covering a line
  // completely takes pieces of three lots (e.g. 5 + 6 + 4 kg, the 4 kg completing the line), and
  // fixing one line at a time (repair, local search) leaves a whole line uncovered.
  const catalog = loadCatalog();
  const sugarDay = (seed: number): AwardInput => {
    const day = generateMarket(kotaBlitarSpec(seed), catalog);
    const lines = day.lines.filter((l) => l.commodityCode === 'SUGAR');
    const ids = new Set(lines.map((l) => l.id));
    const offers = day.offers.filter((o) => ids.has(o.lineId));
    const lotIds = new Set(offers.map((o) => o.stockLotId));
    return { ...day, lines, offers, lots: day.lots.filter((l) => lotIds.has(l.id)) };
  };

  it('sugar lines of blitar-2053: half a line more than optimal-3, close to the MIP optimum', async () => {
    const input = sugarDay(2053);
    expect(input.lines.length).toBeGreaterThan(5);
    const previous = evaluateBatch(input, { branchAndBound: false });
    const result = evaluateBatch(input);
    assertRules(input, result);
    expect(result.solver!.branchAndBoundWins).toBe(1);
    expect(coverage(result)).toBeGreaterThan(coverage(previous) + 0.5);
    const minimum = input.lines.map((l) => input.rules.minAwardMilli[l.commodityCode] ?? 0);
    const mip = await solveMipReference(lpInstanceOf(input, result), minimum, 3, 30);
    expect(mip.status).toBe('Optimal');
    // optimal-3 is 6% below the MIP here; optimal-4 within 0.5% (the rest: see README, limits).
    expect(previous.objective).toBeLessThan(mip.objective * 0.95);
    expect(result.objective).toBeGreaterThanOrEqual(mip.objective * 0.995);
    expect(result.objective).toBeLessThanOrEqual(mip.bound * (1 + 1e-6));
  });

  it('sugar lines of blitar-2042: where the search does not finish, never worse than optimal-3', async () => {
    // Alone, no other search leaves work unspent: optimal-4's search, which runs out of its work
    // here (the LP bound is about a line above the MIP optimum). In its day, see below.
    const input = sugarDay(2042);
    const previous = evaluateBatch(input, { branchAndBound: false });
    const result = evaluateBatch(input);
    assertRules(input, result);
    expect(result.solver!.provenOptimalComponents).toBe(0);
    expect(result.objective).toBeGreaterThanOrEqual(previous.objective * (1 - 1e-12));
    expect(evaluateBatch(input)).toEqual(result);
  });

  /**
   * One commodity of a day as HiGHS's MIP sees it (a commodity's lines share no lot with another
   * commodity's, so the day's optimum is the sum of these), and the engine's objective on its lines.
   */
  async function commodityAgainstMip(day: AwardInput, result: AwardResult, code: string, seconds: number) {
    const lines = day.lines.filter((l) => l.commodityCode === code);
    const ids = new Set(lines.map((l) => l.id));
    const offers = day.offers.filter((o) => ids.has(o.lineId));
    const offerIds = new Set(offers.map((o) => o.id));
    const sub: AwardInput = { ...day, lines, offers, lots: day.lots.filter((l) => l.commodityCode === code) };
    const evaluations = result.evaluations.filter((e) => offerIds.has(e.offerId));
    const minimum = lines.map(() => day.rules.minAwardMilli[code] ?? 0);
    const mip = await solveMipReference(
      lpInstanceOf(sub, { ...result, evaluations }),
      minimum,
      day.rules.maxSuppliersPerLine,
      seconds,
    );
    const demanded = new Map(lines.map((l) => [l.id, l.quantityMilli]));
    const total = new Map(evaluations.map((e) => [e.offerId, e.total]));
    let engine = 0;
    for (const a of result.allocations) {
      if (ids.has(a.lineId))
        engine += (a.quantityMilli / demanded.get(a.lineId)!) * (1e6 + total.get(a.offerId)!);
    }
    return { mip, engine };
  }

  it.each([2042, 2054, 2032, 2040])(
    'blitar-%i, the whole day: its sugar lines at the MIP optimum (optimal-5), more than optimal-4',
    async (seed) => {
      // Alone, the sugar component's search runs out of its work (see blitar-2042 above); in the
      // day, the second round gets what the other components' searches left unspent. On
      // blitar-2040 the MIP's allocation moves six of the eleven sugar lines at once: found with
      // one line required complete.
      const day = generateMarket(kotaBlitarSpec(seed), catalog);
      const previous = evaluateBatch(day, { sharedSearchWork: false });
      const result = evaluateBatch(day);
      assertRules(day, result);
      expect(result.engineVersion).toBe('optimal-5');
      expect(previous.objective).toBeLessThan(result.objective - 0.06 * FILL_WEIGHT);
      const { mip, engine } = await commodityAgainstMip(day, result, 'SUGAR', 60);
      expect(mip.status).toBe('Optimal');
      // Within a hundredth of a line (0.01% of the day's objective is about 0.017 lines).
      expect(engine).toBeGreaterThanOrEqual(mip.objective - 0.01 * FILL_WEIGHT);
      expect(engine).toBeLessThanOrEqual(mip.bound * (1 + 1e-6));
      expect(evaluateBatch(day)).toEqual(result);
    },
    120_000,
  );

  function assertRules(input: AwardInput, result: AwardResult): void {
    const lotUse = new Map<string, number>();
    for (const a of result.allocations)
      lotUse.set(a.stockLotId, (lotUse.get(a.stockLotId) ?? 0) + a.quantityMilli);
    for (const lot of input.lots) expect(lotUse.get(lot.id) ?? 0).toBeLessThanOrEqual(lot.availableMilli);
    for (const line of input.lines) {
      const awards = result.allocations.filter((a) => a.lineId === line.id).map((a) => a.quantityMilli);
      const total = awards.reduce((s, x) => s + x, 0);
      expect(total).toBeLessThanOrEqual(line.quantityMilli);
      expect(awards.length).toBeLessThanOrEqual(input.rules.maxSuppliersPerLine);
      const small = awards.filter((x) => x < (input.rules.minAwardMilli[line.commodityCode] ?? 0)).length;
      expect(small).toBeLessThanOrEqual(total === line.quantityMilli ? 1 : 0);
    }
  }
});
