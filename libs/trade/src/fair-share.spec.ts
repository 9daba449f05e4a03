import fc from 'fast-check';
import { allotFairShares, type FairShareInput, type FairSharePledge } from './fair-share.js';

function pledge(overrides: Partial<FairSharePledge> & { pledgeId: string }): FairSharePledge {
  return {
    cooperativeId: `coop-${overrides.pledgeId}`,
    stockLotId: `lot-${overrides.pledgeId}`,
    pledgedMilli: 100_000,
    grade: 'A',
    commodityCode: 'RICE_MEDIUM',
    lotExpiresOn: null,
    lotAvailableMilli: 1_000_000_000,
    cooperativeSuspended: false,
    reliability: 0.9,
    pledgedAt: 1_000,
    ...overrides,
  };
}

function input(pledges: FairSharePledge[], quantityMilli: number, extra: Partial<FairShareInput> = {}) {
  return {
    quantityMilli,
    commodityCode: 'RICE_MEDIUM',
    minGrade: 'B' as const,
    consolidateByDate: '2026-12-20',
    maxShareMilli: null,
    baseUnit: 'kg',
    pledges,
    ...extra,
  };
}

const given = (result: ReturnType<typeof allotFairShares>, id: string) =>
  result.pledges.find((p) => p.pledgeId === id)!;

describe('fair shares of a shipment (water-filling)', () => {
  it('meets small pledges in full and levels the rest, with the issue’s wording', () => {
    // 600 kg among 120, 300, 300 and 500: 120 in full, then (600-120)/3 = 160 each.
    const result = allotFairShares(
      input(
        [
          pledge({ pledgeId: 'a', pledgedMilli: 120_000 }),
          pledge({ pledgeId: 'b', pledgedMilli: 300_000 }),
          pledge({ pledgeId: 'c', pledgedMilli: 300_000 }),
          pledge({ pledgeId: 'd', pledgedMilli: 500_000 }),
        ],
        600_000,
      ),
    );
    expect(result.levelMilli).toBe(160_000);
    expect(result.pledges.map((p) => p.allottedMilli)).toEqual([120_000, 160_000, 160_000, 160_000]);
    expect(given(result, 'b').explanation.id).toBe(
      'Anda menjanjikan 300 kg; bagian adil tahap ini 160 kg, jadi Anda mendapat 160 kg',
    );
    expect(given(result, 'b').explanation.en).toBe(
      'You pledged 300 kg; the fair share this round is 160 kg, so you get 160 kg',
    );
    expect(given(result, 'a').explanation.id).toContain('jadi Anda mendapat 120 kg');
  });

  it('gives everyone their pledge when the pledges fit', () => {
    const result = allotFairShares(
      input([pledge({ pledgeId: 'a', pledgedMilli: 1 }), pledge({ pledgeId: 'b', pledgedMilli: 2 })], 10),
    );
    expect(result.levelMilli).toBeNull();
    expect(result.totalMilli).toBe(3);
    expect(result.pledges.map((p) => p.allottedMilli)).toEqual([1, 2]);
  });

  it('hands the rounding remainder to larger pledges, then by reliability, then by pledge time', () => {
    const result = allotFairShares(
      input(
        [
          pledge({ pledgeId: 'early', pledgedMilli: 5000, reliability: 0.9, pledgedAt: 1 }),
          pledge({ pledgeId: 'reliable', pledgedMilli: 5000, reliability: 0.95, pledgedAt: 2 }),
          pledge({ pledgeId: 'late', pledgedMilli: 5000, reliability: 0.9, pledgedAt: 3 }),
        ],
        10_001,
      ),
    );
    // 10.001 kg / 3 = 3.333 each, 2 thousandths over: the most reliable, then the earliest.
    expect(given(result, 'reliable').allottedMilli).toBe(3334);
    expect(given(result, 'early').allottedMilli).toBe(3334);
    expect(given(result, 'late').allottedMilli).toBe(3333);
    expect(given(result, 'reliable').explanation.en).toContain('plus 0.001 kg of rounding');
  });

  it('says why an invalid pledge gets nothing', () => {
    const result = allotFairShares(
      input(
        [
          pledge({ pledgeId: 'low', grade: 'C' }),
          pledge({ pledgeId: 'old', lotExpiresOn: '2026-12-19' }),
          pledge({ pledgeId: 'empty', lotAvailableMilli: 0 }),
          pledge({ pledgeId: 'ok' }),
        ],
        1_000_000,
      ),
    );
    expect(given(result, 'low')).toMatchObject({
      valid: false,
      invalidReason: 'GRADE_TOO_LOW',
      allottedMilli: 0,
    });
    expect(given(result, 'low').explanation.id).toBe('Mutu lot di bawah mutu minimum kontrak');
    expect(given(result, 'old').invalidReason).toBe('EXPIRES_BEFORE_CONSOLIDATION');
    expect(given(result, 'empty').invalidReason).toBe('NO_STOCK_AVAILABLE');
    expect(given(result, 'ok').allottedMilli).toBe(100_000);
  });

  it('caps one cooperative’s share and never gives more than a lot holds', () => {
    const result = allotFairShares(
      input(
        [
          pledge({ pledgeId: 'big', pledgedMilli: 900_000 }),
          pledge({ pledgeId: 'thin', pledgedMilli: 400_000, lotAvailableMilli: 50_000 }),
          pledge({ pledgeId: 'mid', pledgedMilli: 400_000 }),
        ],
        1_000_000,
        { maxShareMilli: 300_000 },
      ),
    );
    expect(given(result, 'big').allottedMilli).toBe(300_000);
    expect(given(result, 'thin').allottedMilli).toBe(50_000);
    expect(given(result, 'mid').allottedMilli).toBe(300_000);
    expect(given(result, 'big').explanation.en).toContain('at most 300 kg');
    expect(given(result, 'thin').explanation.id).toContain('hanya menyisakan 50 kg');
  });

  it('spreads a cooperative’s share over its pledges, earliest first, and two pledges share a lot', () => {
    const result = allotFairShares(
      input(
        [
          pledge({
            pledgeId: 'first',
            cooperativeId: 'k',
            stockLotId: 'L',
            pledgedMilli: 60_000,
            lotAvailableMilli: 80_000,
            pledgedAt: 1,
          }),
          pledge({
            pledgeId: 'second',
            cooperativeId: 'k',
            stockLotId: 'L',
            pledgedMilli: 60_000,
            lotAvailableMilli: 80_000,
            pledgedAt: 2,
          }),
          pledge({ pledgeId: 'other', pledgedMilli: 500_000 }),
        ],
        1_000_000,
      ),
    );
    expect(given(result, 'first').allottedMilli).toBe(60_000);
    expect(given(result, 'second').allottedMilli).toBe(20_000);
    expect(given(result, 'other').allottedMilli).toBe(500_000);
  });

  describe('properties', () => {
    const arbitraryPledge = fc.record({
      cooperative: fc.integer({ min: 0, max: 7 }),
      lot: fc.integer({ min: 0, max: 9 }),
      pledgedMilli: fc.integer({ min: 1, max: 2_000_000 }),
      grade: fc.constantFrom('A' as const, 'B' as const, 'C' as const),
      expired: fc.boolean(),
      reliability: fc.double({ min: 0, max: 1, noNaN: true }),
      pledgedAt: fc.integer({ min: 0, max: 1000 }),
    });
    const arbitraryInput = fc
      .record({
        pledges: fc.array(arbitraryPledge, { maxLength: 30 }),
        lotAvailable: fc.array(fc.integer({ min: 0, max: 1_500_000 }), { minLength: 10, maxLength: 10 }),
        quantityMilli: fc.integer({ min: 0, max: 10_000_000 }),
        cap: fc.option(fc.integer({ min: 1, max: 3_000_000 })),
      })
      .map(({ pledges, lotAvailable, quantityMilli, cap }) =>
        input(
          pledges.map((p, i) =>
            pledge({
              pledgeId: `p${i}`,
              // A lot belongs to one cooperative: its index decides the owner.
              cooperativeId: `c${p.lot % 8}`,
              stockLotId: `l${p.lot}`,
              pledgedMilli: p.pledgedMilli,
              grade: p.grade,
              lotExpiresOn: p.expired ? '2026-12-01' : null,
              lotAvailableMilli: lotAvailable[p.lot]!,
              reliability: p.reliability,
              pledgedAt: p.pledgedAt,
            }),
          ),
          quantityMilli,
          { maxShareMilli: cap },
        ),
      );

    it('never gives more than pledged, than a lot holds or than the cap; the total is exact', () => {
      fc.assert(
        fc.property(arbitraryInput, (problem) => {
          const result = allotFairShares(problem);
          const byLot = new Map<string, number>();
          const byCooperative = new Map<string, number>();
          const validOffered = new Map<string, number>();
          const lotLeft = new Map<string, number>();
          for (const [i, outcome] of result.pledges.entries()) {
            const p = problem.pledges[i]!;
            expect(Number.isInteger(outcome.allottedMilli)).toBe(true);
            expect(outcome.allottedMilli).toBeGreaterThanOrEqual(0);
            expect(outcome.allottedMilli).toBeLessThanOrEqual(p.pledgedMilli);
            if (!outcome.valid) expect(outcome.allottedMilli).toBe(0);
            byLot.set(p.stockLotId, (byLot.get(p.stockLotId) ?? 0) + outcome.allottedMilli);
            byCooperative.set(
              p.cooperativeId,
              (byCooperative.get(p.cooperativeId) ?? 0) + outcome.allottedMilli,
            );
          }
          for (const p of [...problem.pledges].sort(
            (a, b) => a.pledgedAt - b.pledgedAt || a.pledgeId.localeCompare(b.pledgeId),
          )) {
            if (!result.pledges.find((o) => o.pledgeId === p.pledgeId)!.valid) continue;
            const left = lotLeft.get(p.stockLotId) ?? p.lotAvailableMilli;
            const take = Math.min(p.pledgedMilli, left);
            lotLeft.set(p.stockLotId, left - take);
            validOffered.set(p.cooperativeId, (validOffered.get(p.cooperativeId) ?? 0) + take);
          }
          for (const p of problem.pledges) {
            expect(byLot.get(p.stockLotId)!).toBeLessThanOrEqual(p.lotAvailableMilli);
          }
          for (const got of byCooperative.values()) {
            if (problem.maxShareMilli !== null) expect(got).toBeLessThanOrEqual(problem.maxShareMilli);
          }
          const claims = [...validOffered.values()].reduce(
            (sum, offered) => sum + Math.min(offered, problem.maxShareMilli ?? offered),
            0,
          );
          const total = result.pledges.reduce((sum, o) => sum + o.allottedMilli, 0);
          expect(total).toBe(Math.min(problem.quantityMilli, claims));
          expect(result.totalMilli).toBe(total);
        }),
        { numRuns: 300 },
      );
    });

    // Equal claims may differ by the one leftover thousandth (it goes to one of them), never more.
    it('a cooperative that validly pledged more than another never gets less; equal pledges differ by at most 0.001', () => {
      fc.assert(
        fc.property(arbitraryInput, (problem) => {
          const result = allotFairShares(problem);
          const offered = new Map<string, number>();
          const got = new Map<string, number>();
          const lotLeft = new Map<string, number>();
          for (const p of [...problem.pledges].sort(
            (a, b) => a.pledgedAt - b.pledgedAt || a.pledgeId.localeCompare(b.pledgeId),
          )) {
            const outcome = result.pledges.find((o) => o.pledgeId === p.pledgeId)!;
            got.set(p.cooperativeId, (got.get(p.cooperativeId) ?? 0) + outcome.allottedMilli);
            if (!outcome.valid) continue;
            const left = lotLeft.get(p.stockLotId) ?? p.lotAvailableMilli;
            const take = Math.min(p.pledgedMilli, left);
            lotLeft.set(p.stockLotId, left - take);
            offered.set(p.cooperativeId, (offered.get(p.cooperativeId) ?? 0) + take);
          }
          for (const [a, offeredA] of offered) {
            for (const [b, offeredB] of offered) {
              if (offeredA > offeredB) expect(got.get(a)!).toBeGreaterThanOrEqual(got.get(b)!);
              else if (offeredA === offeredB)
                expect(Math.abs(got.get(a)! - got.get(b)!)).toBeLessThanOrEqual(1);
            }
          }
        }),
        { numRuns: 300 },
      );
    });
  });
});
