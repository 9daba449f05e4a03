import { evaluateBatch } from './award-engine.js';
import { isAboveHet, missingCertificates, producerOf } from './eligibility.js';
import { aLine, anOffer, lotFor, rules } from './testing/builders.js';

describe('certificates an offer needs', () => {
  const chickenNeeds = [
    { commodityCode: 'CHICKEN', kind: 'NKV' },
    { commodityCode: 'CHICKEN', kind: 'HALAL' },
    { commodityCode: 'TEMPEH', kind: 'PIRT' },
  ];

  it('names every kind the producer lacks, sorted', () => {
    expect(missingCertificates(chickenNeeds, [], 'CHICKEN', '2026-12-10')).toEqual(['HALAL', 'NKV']);
  });

  it('counts a certificate only through its last valid day', () => {
    const held = [
      { kind: 'NKV', validUntil: '2026-12-10', commodityCodes: [] },
      { kind: 'HALAL', validUntil: '2026-12-31', commodityCodes: [] },
    ];
    expect(missingCertificates(chickenNeeds, held, 'CHICKEN', '2026-12-10')).toEqual([]);
    expect(missingCertificates(chickenNeeds, held, 'CHICKEN', '2026-12-11')).toEqual(['NKV']);
  });

  it('counts a certificate limited to commodities only for those commodities', () => {
    const held = [{ kind: 'PIRT', validUntil: '2027-01-01', commodityCodes: ['TOFU'] }];
    const rulesWithTofu = [...chickenNeeds, { commodityCode: 'TOFU', kind: 'PIRT' }];
    expect(missingCertificates(rulesWithTofu, held, 'TEMPEH', '2026-12-10')).toEqual(['PIRT']);
    expect(missingCertificates(rulesWithTofu, held, 'TOFU', '2026-12-10')).toEqual([]);
  });

  it('asks nothing of commodities without rules', () => {
    expect(missingCertificates(chickenNeeds, [], 'RICE_MEDIUM', '2026-12-10')).toEqual([]);
  });

  it('holds the consignor answerable for consigned and BUMN stock, else the cooperative', () => {
    expect(producerOf({ cooperativeId: 'coop', consignorId: 'umkm' })).toBe('umkm');
    expect(producerOf({ cooperativeId: 'coop', consignorId: null })).toBe('coop');
  });

  it('treats HET as a ceiling: equal is allowed, above is not, no HET allows all', () => {
    expect(isAboveHet(13_500n, 13_500n)).toBe(false);
    expect(isAboveHet(13_501n, 13_500n)).toBe(true);
    expect(isAboveHet(99_999n, null)).toBe(false);
    expect(isAboveHet(99_999n, undefined)).toBe(false);
  });
});

describe('the engine with MBG rules', () => {
  it('refuses an offer above HET even under the kitchen ceiling, and says so in both languages', () => {
    const line = aLine({ id: 'rice', maxUnitPrice: 15_000n });
    const above = anOffer({ id: 'above', lineId: 'rice', unitPrice: 14_000n, hetUnitPrice: 13_500n });
    const within = anOffer({ id: 'within', lineId: 'rice', unitPrice: 13_500n, hetUnitPrice: 13_500n });
    const result = evaluateBatch({
      lines: [line],
      offers: [above, within],
      lots: [lotFor(above), lotFor(within)],
      rules: rules(),
    });
    const evaluation = result.evaluations.find((e) => e.offerId === 'above')!;
    expect(evaluation).toMatchObject({ valid: false, invalidReason: 'ABOVE_HET', awardedMilli: 0 });
    expect(evaluation.explanation.en).toContain('legal ceiling price (HET) (Rp14.000 > Rp13.500)');
    expect(evaluation.explanation.id).toContain('harga eceran tertinggi (HET)');
    expect(result.allocations.map((a) => a.offerId)).toEqual(['within']);
  });

  it('refuses an offer whose producer lacks a certificate, naming the producer, kinds and date', () => {
    const line = aLine({ id: 'chicken', commodityCode: 'CHICKEN' });
    const offer = anOffer({
      id: 'o',
      lineId: 'chicken',
      certificateGap: { missing: ['HALAL', 'NKV'], producerName: 'KKMP Turi', onDate: '2026-12-10' },
    });
    const result = evaluateBatch({
      lines: [line],
      offers: [offer],
      lots: [lotFor(offer, { commodityCode: 'CHICKEN' })],
      rules: rules(),
    });
    const [evaluation] = result.evaluations;
    expect(evaluation).toMatchObject({ valid: false, invalidReason: 'MISSING_CERTIFICATE' });
    expect(evaluation!.explanation.en).toBe(
      'Not considered: the producer KKMP Turi has no valid HALAL, NKV certificate for CHICKEN on the delivery date 2026-12-10.',
    );
    expect(evaluation!.explanation.id).toContain('tidak memiliki sertifikat HALAL, NKV');
  });
});
