import { evaluateBatch } from './award-engine.js';
import { formatQuantity, formatRupiah, formatScore, ordinalEn } from './explanations.js';
import { aLine, anOffer, KITCHEN, kg, lotFor, northOf, rules } from './testing/builders.js';

describe('explanations', () => {
  it('formats quantities with up to three decimals in each language', () => {
    expect(formatQuantity(120_000, 'kg', 'en')).toBe('120 kg');
    expect(formatQuantity(120_500, 'kg', 'id')).toBe('120,5 kg');
    expect(formatQuantity(1_234_567, 'L', 'en')).toBe('1,234.567 L');
    expect(formatQuantity(1_234_567, 'L', 'id')).toBe('1.234,567 L');
    expect(formatQuantity(50, 'kg', 'en')).toBe('0.05 kg');
    expect(formatQuantity(0, 'butir', 'id')).toBe('0 butir');
  });

  it('formats rupiah the Indonesian way and scores with three decimals', () => {
    expect(formatRupiah(13_000n)).toBe('Rp13.000');
    expect(formatRupiah(1_250_000n)).toBe('Rp1.250.000');
    expect(formatRupiah(500n)).toBe('Rp500');
    expect(formatScore(0.99, 'en')).toBe('0.990');
    expect(formatScore(0.8484, 'id')).toBe('0,848');
  });

  it('tells the winner and the runner-up what happened, in both languages', () => {
    const line = aLine({ id: 'rice', quantityMilli: kg(120) });
    const near = anOffer({
      id: 'near',
      lineId: 'rice',
      quantityMilli: kg(150),
      unitPrice: 13_000n,
      grade: 'A',
    });
    const far = anOffer({
      id: 'far',
      lineId: 'rice',
      unitPrice: 13_400n,
      grade: 'B',
      cooperativeLocation: northOf(KITCHEN, 3),
    });
    const result = evaluateBatch({
      lines: [line],
      offers: [near, far],
      lots: [lotFor(near), lotFor(far)],
      rules: rules(),
    });

    expect(result.evaluations.map((e) => e.explanation)).toEqual([
      {
        en: 'Awarded 120 kg of 150 kg offered; ranked 1 of 2 (price: 1st cheapest of 2). The kitchen needed only 120 kg more.',
        id: 'Menang 120 kg dari 150 kg yang ditawarkan; peringkat 1 dari 2 (harga: ke-1 termurah dari 2). Dapur hanya memerlukan 120 kg lagi.',
      },
      {
        en: 'Not awarded: line already filled by higher-ranked offers; ranked 2 of 2 (price: 2nd cheapest of 2).',
        id: 'Tidak menang: kebutuhan sudah terpenuhi oleh penawaran berperingkat lebih tinggi; peringkat 2 dari 2 (harga: ke-2 termurah dari 2).',
      },
    ]);
  });

  it('gives a losing offer its price position, never a score or another price it could solve for', () => {
    // The cheapest offer is grade C and loses on quality; the dearest learns only its position.
    const line = aLine({
      id: 'rice',
      quantityMilli: kg(100),
      weights: { price: 0.2, quality: 0.8, distance: 0, reliability: 0 },
    });
    const offers = [
      anOffer({ id: 'cheap', lineId: 'rice', quantityMilli: kg(100), unitPrice: 11_000n, grade: 'C' }),
      anOffer({ id: 'winner', lineId: 'rice', quantityMilli: kg(100), unitPrice: 13_000n, grade: 'A' }),
      anOffer({ id: 'dear', lineId: 'rice', quantityMilli: kg(100), unitPrice: 14_000n, grade: 'A' }),
      anOffer({ id: 'tie', lineId: 'rice', quantityMilli: kg(100), unitPrice: 13_000n, grade: 'B' }),
    ];
    const result = evaluateBatch({
      lines: [line],
      offers,
      lots: offers.map((offer) => lotFor(offer)),
      rules: rules({ maxSuppliersPerLine: 1 }),
    });
    const of = (id: string) => result.evaluations.find((e) => e.offerId === id)!;
    expect(of('cheap').explanation.en).toMatch(/\(price: 1st cheapest of 4\)/);
    expect(of('winner').explanation.id).toMatch(/\(harga: ke-2 termurah dari 4\)/);
    expect(of('tie').explanation.en).toMatch(/\(price: 2nd cheapest of 4\)/);
    expect(of('dear').explanation.en).toMatch(/^Not awarded: .*\(price: 4th cheapest of 4\)\.$/);
    for (const evaluation of result.evaluations) {
      for (const text of [evaluation.explanation.en, evaluation.explanation.id]) {
        expect(text).not.toMatch(/score|skor|Rp|11[.,]?000|0[.,]\d{3}/);
      }
    }
  });

  it('writes English ordinals', () => {
    expect([1, 2, 3, 4, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinalEn)).toEqual([
      '1st',
      '2nd',
      '3rd',
      '4th',
      '11th',
      '12th',
      '13th',
      '21st',
      '22nd',
      '23rd',
      '101st',
      '111th',
    ]);
  });

  it('says nothing more when the whole offer is taken', () => {
    const line = aLine({ id: 'rice', quantityMilli: kg(200) });
    const offer = anOffer({ id: 'o', lineId: 'rice', quantityMilli: kg(150) });
    const [evaluation] = evaluateBatch({
      lines: [line],
      offers: [offer],
      lots: [lotFor(offer)],
      rules: rules(),
    }).evaluations;
    expect(evaluation.explanation.en).toBe(
      'Awarded 150 kg of 150 kg offered; ranked 1 of 1 (price: 1st cheapest of 1).',
    );
  });

  it("uses the line's base unit, or 'unit' when the caller did not give one", () => {
    const eggs = aLine({ id: 'eggs', commodityCode: 'TELUR', baseUnit: 'butir', quantityMilli: kg(300) });
    const offer = anOffer({ id: 'o', lineId: 'eggs', quantityMilli: kg(300) });
    const lots = [lotFor(offer, { commodityCode: 'TELUR' })];
    const named = evaluateBatch({ lines: [eggs], offers: [offer], lots, rules: rules() });
    expect(named.evaluations[0].explanation.id).toContain('Menang 300 butir dari 300 butir');
    const unnamed = evaluateBatch({
      lines: [{ ...eggs, baseUnit: undefined }],
      offers: [offer],
      lots,
      rules: rules(),
    });
    expect(unnamed.evaluations[0].explanation.en).toContain('Awarded 300 unit of 300 unit');
  });

  it('explains an invalid offer in Indonesian too', () => {
    const line = aLine({ id: 'rice', maxUnitPrice: 12_500n });
    const offer = anOffer({ id: 'o', lineId: 'rice', unitPrice: 13_000n });
    const [evaluation] = evaluateBatch({
      lines: [line],
      offers: [offer],
      lots: [lotFor(offer)],
      rules: rules(),
    }).evaluations;
    expect(evaluation.explanation).toEqual({
      en: "Not considered: price above the kitchen's ceiling (Rp13.000 > Rp12.500).",
      id: 'Tidak dinilai: harga di atas batas dapur (Rp13.000 > Rp12.500).',
    });
  });
});
