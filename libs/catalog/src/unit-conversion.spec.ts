import { DomainError } from '../../core/src/domain-error.js';
import { quantityInBaseMilli, type UnitDefinition } from './unit-conversion.js';

const EGG_UNITS: UnitDefinition[] = [
  { code: 'butir', toBase: '0.062500' },
  { code: 'peti', toBase: '15.000000' },
];

describe('unit conversion', () => {
  it('takes base units as they are', () => {
    expect(quantityInBaseMilli(12.5, null, 'kg', EGG_UNITS)).toBe(12_500);
    expect(quantityInBaseMilli(12.5, 'kg', 'kg', EGG_UNITS)).toBe(12_500);
  });

  it('converts counted units exactly', () => {
    expect(quantityInBaseMilli(160, 'butir', 'kg', EGG_UNITS)).toBe(10_000);
    expect(quantityInBaseMilli(2, 'peti', 'kg', EGG_UNITS)).toBe(30_000);
    expect(quantityInBaseMilli(0.5, 'peti', 'kg', EGG_UNITS)).toBe(7_500);
  });

  it('refuses a quantity that is not exact to a thousandth of the base unit', () => {
    expect(() => quantityInBaseMilli(3, 'butir', 'kg', EGG_UNITS)).toThrow(DomainError);
    expect(quantityInBaseMilli(8, 'butir', 'kg', EGG_UNITS)).toBe(500);
  });

  it('refuses an unknown unit and names the ones it knows', () => {
    let caught: DomainError | undefined;
    try {
      quantityInBaseMilli(1, 'ton', 'kg', EGG_UNITS);
    } catch (error) {
      caught = error as DomainError;
    }
    expect(caught?.code).toBe('BAD_USER_INPUT');
    expect(caught?.messages.en).toContain('kg, butir, peti');
  });
});
