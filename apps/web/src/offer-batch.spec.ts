import { draftFor, errorTarget, parseQuantity, parseRupiah, quantityForLot } from './offer-batch.js';

describe('offers on many lines at once', () => {
  const line = { quantity: 50, minGrade: null };

  it('prefills the smallest lot that covers the line, the line quantity, and no price', () => {
    const lots = [
      { id: 'big', availableQuantity: 500, grade: 'A' as const },
      { id: 'enough', availableQuantity: 60, grade: 'A' as const },
      { id: 'small', availableQuantity: 10, grade: 'A' as const },
    ];
    expect(draftFor(lots, line)).toEqual({ lotId: 'enough', quantity: '50', unitPrice: '' });
  });

  it('caps the quantity by the biggest lot when no lot covers the line', () => {
    const lots = [
      { id: 'a', availableQuantity: 20, grade: 'A' as const },
      { id: 'b', availableQuantity: 35.5, grade: 'B' as const },
    ];
    expect(draftFor(lots, line)).toEqual({ lotId: 'b', quantity: '35.5', unitPrice: '' });
  });

  it('skips empty lots and lots below the minimum grade; none left means no draft', () => {
    const lots = [
      { id: 'empty', availableQuantity: 0, grade: 'A' as const },
      { id: 'low', availableQuantity: 90, grade: 'C' as const },
      { id: 'ok', availableQuantity: 5, grade: 'B' as const },
    ];
    expect(draftFor(lots, { quantity: 50, minGrade: 'B' })?.lotId).toBe('ok');
    expect(draftFor(lots.slice(0, 2), { quantity: 50, minGrade: 'B' })).toBeNull();
  });

  it('re-caps the quantity when another lot is picked', () => {
    expect(quantityForLot({ id: 'x', availableQuantity: 12, grade: 'A' }, line)).toBe('12');
    expect(quantityForLot({ id: 'x', availableQuantity: 120, grade: 'A' }, line)).toBe('50');
  });

  it("finds the offending input from the API's index or its indexed field", () => {
    expect(errorTarget({ index: 1 })).toEqual({ index: 1, field: null });
    expect(errorTarget({ field: 'input[2].quantity' })).toEqual({ index: 2, field: 'quantity' });
    expect(errorTarget({ field: 'input' })).toEqual({ index: null, field: null });
    expect(errorTarget({})).toEqual({ index: null, field: null });
  });

  it('reads numbers typed the Indonesian way', () => {
    expect(parseQuantity('12,5')).toBe(12.5);
    expect(parseRupiah('Rp 13.000')).toBe(13000);
  });
});
