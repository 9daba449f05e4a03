import { DomainError } from './domain-error.js';
import type { Milli } from './quantity.js';

/** Money is whole rupiah in bigint; there are no floats anywhere in money arithmetic. */
export type Rupiah = bigint;

export function parseRupiah(value: unknown, field = 'amount'): Rupiah {
  if (typeof value === 'bigint') {
    if (value < 0n) throw negative(field);
    return value;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw DomainError.badInput(
      `${field} must be a whole number of rupiah`,
      `${field} harus berupa rupiah bulat`,
      { field },
    );
  }
  if (!Number.isInteger(value)) {
    throw DomainError.badInput(
      `${field} must be whole rupiah, without fractions`,
      `${field} harus rupiah bulat, tanpa pecahan`,
      { field },
    );
  }
  if (!Number.isSafeInteger(value)) {
    throw DomainError.badInput(`${field} is too large`, `${field} terlalu besar`, { field });
  }
  if (value < 0) throw negative(field);
  return BigInt(value);
}

function negative(field: string): DomainError {
  return DomainError.badInput(`${field} may not be negative`, `${field} tidak boleh negatif`, { field });
}

/**
 * Unit price (rupiah per base unit) × quantity in thousandths, rounded half up to whole
 * rupiah. Rounding happens once per line, so an invoice is the sum of its rounded lines.
 */
export function lineAmount(unitPrice: Rupiah, quantity: Milli): Rupiah {
  return (unitPrice * BigInt(quantity) + 500n) / 1000n;
}

export function rupiahToNumber(value: Rupiah): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`Rupiah amount ${value} exceeds the safe integer range`);
  return n;
}

export function formatRupiah(value: Rupiah): string {
  return `Rp${value.toLocaleString('id-ID')}`;
}
