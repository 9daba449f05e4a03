import fc from 'fast-check';
import { evaluateBatch } from './award-engine.js';
import type { AwardInput, EngineLine, EngineLot, EngineOffer } from './award.types.js';
import { coverageOf, scorePartOf } from './diversity.js';
import { aLine, anOffer, KITCHEN, kg, northOf, rules } from './testing/builders.js';

describe('diversity objective', () => {
  /** One kitchen, one line, a regular supplier slightly better than a newcomer. */
  function oneLineDay(priceGap: bigint, tolerance: number): AwardInput {
    const line = aLine({ id: 'rice', kitchenId: 'sppg-1', quantityMilli: kg(100) });
    const regular = anOffer({
      id: 'regular',
      lineId: 'rice',
      cooperativeId: 'coop-regular',
      unitPrice: 13_000n,
    });
    const newcomer = anOffer({
      id: 'newcomer',
      lineId: 'rice',
      cooperativeId: 'coop-new',
      unitPrice: 13_000n + priceGap,
    });
    return {
      lines: [line],
      offers: [regular, newcomer],
      lots: [
        {
          id: regular.stockLotId,
          cooperativeId: 'coop-regular',
          commodityCode: 'BERAS',
          availableMilli: kg(500),
        },
        {
          id: newcomer.stockLotId,
          cooperativeId: 'coop-new',
          commodityCode: 'BERAS',
          availableMilli: kg(500),
        },
      ],
      rules: rules({ diversity: { tolerance, suppliedThisCycle: { 'sppg-1': ['coop-regular'] } } }),
    };
  }

  it('gives the line to a new supplier when that costs less score than the tolerance', () => {
    const result = evaluateBatch(oneLineDay(10n, 0.01));
    expect(result.allocations.map((a) => a.cooperativeId)).toEqual(['coop-new']);
    expect(result.diversity).toMatchObject({ applied: true, newPairsAtOptimum: 0, newPairs: 1 });
    expect(result.diversity!.score).toBeGreaterThanOrEqual(result.diversity!.scoreAtOptimum * 0.99);
  });

  it('keeps the optimum when the newcomer costs more than the tolerance', () => {
    const result = evaluateBatch(oneLineDay(2_000n, 0.01));
    expect(result.allocations.map((a) => a.cooperativeId)).toEqual(['coop-regular']);
    expect(result.diversity).toMatchObject({ applied: false, newPairs: 0 });
  });

  it('changes nothing when off', () => {
    const input = oneLineDay(10n, 0.01);
    const off = evaluateBatch({ ...input, rules: rules() });
    expect(off.allocations.map((a) => a.cooperativeId)).toEqual(['coop-regular']);
    expect(off.diversity).toBeUndefined();
  });

  it('never lowers coverage and never gives up more score than the tolerance (property)', () => {
    let applied = 0;
    const instance = fc.record({
      lines: fc.array(
        fc.record({
          kitchen: fc.integer({ min: 0, max: 2 }),
          quantityMilli: fc.integer({ min: 1, max: 200_000 }),
        }),
        { minLength: 1, maxLength: 5 },
      ),
      offers: fc.array(
        fc.record({
          line: fc.nat(),
          coop: fc.integer({ min: 0, max: 5 }),
          quantityMilli: fc.integer({ min: 1, max: 200_000 }),
          unitPrice: fc.integer({ min: 12_000, max: 14_000 }),
          grade: fc.constantFrom('A' as const, 'B' as const, 'C' as const),
          km: fc.double({ min: 0, max: 15, noNaN: true }),
        }),
        { minLength: 1, maxLength: 14 },
      ),
      stock: fc.array(fc.integer({ min: 1, max: 300_000 }), { minLength: 6, maxLength: 6 }),
      supplied: fc.array(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }), {
        minLength: 3,
        maxLength: 3,
      }),
      tolerance: fc.constantFrom(0.001, 0.01, 0.05, 0.2),
      cap: fc.integer({ min: 1, max: 3 }),
    });
    fc.assert(
      fc.property(instance, (generated) => {
        const lines: EngineLine[] = generated.lines.map((l, i) =>
          aLine({
            id: `line-${i}`,
            kitchenId: `sppg-${l.kitchen}`,
            quantityMilli: l.quantityMilli,
            order: i,
          }),
        );
        const lots: EngineLot[] = generated.stock.map((availableMilli, coop) => ({
          id: `lot-${coop}`,
          cooperativeId: `coop-${coop}`,
          commodityCode: 'BERAS',
          availableMilli,
        }));
        const seen = new Set<string>();
        const offers: EngineOffer[] = [];
        generated.offers.forEach((o, i) => {
          const lineId = `line-${o.line % lines.length}`;
          if (seen.has(`${lineId}/${o.coop}`)) return;
          seen.add(`${lineId}/${o.coop}`);
          offers.push(
            anOffer({
              id: `offer-${i}`,
              lineId,
              cooperativeId: `coop-${o.coop}`,
              stockLotId: `lot-${o.coop}`,
              quantityMilli: o.quantityMilli,
              unitPrice: BigInt(o.unitPrice),
              grade: o.grade,
              cooperativeLocation: northOf(KITCHEN, o.km),
            }),
          );
        });
        const suppliedThisCycle = Object.fromEntries(
          generated.supplied.map((coops, k) => [`sppg-${k}`, coops.map((c) => `coop-${c}`)]),
        );
        const base = { lines, offers, lots };
        const optimum = evaluateBatch({ ...base, rules: rules({ maxSuppliersPerLine: generated.cap }) });
        const diverse = evaluateBatch({
          ...base,
          rules: rules({
            maxSuppliersPerLine: generated.cap,
            diversity: { tolerance: generated.tolerance, suppliedThisCycle },
          }),
        });
        expect(coverageOf(diverse)).toBeGreaterThanOrEqual(coverageOf(optimum) - 1e-9);
        expect(scorePartOf(diverse)).toBeGreaterThanOrEqual(
          scorePartOf(optimum) * (1 - generated.tolerance) - 1e-9,
        );
        expect(diverse.diversity!.newPairs).toBeGreaterThanOrEqual(diverse.diversity!.newPairsAtOptimum);
        if (diverse.diversity!.applied) applied++;
      }),
      { numRuns: 300, seed: 9 },
    );
    // The property is not vacuous: the objective did change allocations in some instances.
    expect(applied).toBeGreaterThan(10);
  });
});
