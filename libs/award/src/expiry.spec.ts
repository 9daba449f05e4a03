import { evaluateBatch, reaward } from './award-engine.js';
import { aLine, anOffer, kg, lotFor, rules } from './testing/builders.js';

describe('a lot that expires before the delivery date', () => {
  const line = aLine({ id: 'eggs', quantityMilli: kg(50), deliveryDate: '2026-12-07' });
  const cheapButExpiring = anOffer({
    id: 'expiring',
    lineId: 'eggs',
    quantityMilli: kg(50),
    unitPrice: 20_000n,
  });
  const dearButFresh = anOffer({ id: 'fresh', lineId: 'eggs', quantityMilli: kg(50), unitPrice: 26_000n });

  it('makes the offer INVALID with both dates in each language, and the fresh offer wins', () => {
    const result = evaluateBatch({
      lines: [line],
      offers: [cheapButExpiring, dearButFresh],
      lots: [
        lotFor(cheapButExpiring, { expiresOn: '2026-12-02' }),
        lotFor(dearButFresh, { expiresOn: '2026-12-07' }),
      ],
      rules: rules(),
    });
    const expiring = result.evaluations.find((e) => e.offerId === 'expiring')!;
    expect(expiring).toMatchObject({
      valid: false,
      invalidReason: 'EXPIRES_BEFORE_DELIVERY',
      awardedMilli: 0,
    });
    expect(expiring.explanation.en).toContain('2026-12-02');
    expect(expiring.explanation.en).toContain('2026-12-07');
    expect(expiring.explanation.id).toContain('kedaluwarsa pada 2026-12-02');
    expect(result.allocations).toEqual([
      expect.objectContaining({ offerId: 'fresh', quantityMilli: kg(50) }),
    ]);
  });

  it('applies at re-award too, and a lot without an expiry date or a line without a date is not affected', () => {
    const again = reaward({
      lines: [line],
      offers: [cheapButExpiring],
      lots: [lotFor(cheapButExpiring, { expiresOn: '2026-12-06' })],
      rules: rules(),
    });
    expect(again.evaluations[0]).toMatchObject({ invalidReason: 'EXPIRES_BEFORE_DELIVERY' });
    expect(again.allocations).toEqual([]);

    const undated = evaluateBatch({
      lines: [line, aLine({ id: 'rice', quantityMilli: kg(10) })],
      offers: [cheapButExpiring, anOffer({ id: 'rice-offer', lineId: 'rice', quantityMilli: kg(10) })],
      lots: [
        lotFor(cheapButExpiring, { expiresOn: null }),
        lotFor(anOffer({ id: 'rice-offer', lineId: 'rice' }), { expiresOn: '2000-01-01' }),
      ],
      rules: rules(),
    });
    expect(undated.evaluations.every((e) => e.valid)).toBe(true);
  });
});
