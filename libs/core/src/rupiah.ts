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

/**
 * The largest amount one order or invoice may hold: Rp 1 trillion, far above any kitchen's day
 * and small enough that thousands of them still sum to a JS safe integer (Rupiah travels as a
 * JSON number). The database CHECKs the hard limit (2^53 - 1) behind it.
 */
export const MAX_DOCUMENT_TOTAL: Rupiah = 1_000_000_000_000n;

/** The hard limit every stored amount stays under: a JS safe integer. */
export const MAX_SAFE_RUPIAH: Rupiah = BigInt(Number.MAX_SAFE_INTEGER);

/** Whether an order or invoice of this total may be stored. */
export function isStorableTotal(total: Rupiah): boolean {
  return total >= 0n && total <= MAX_DOCUMENT_TOTAL;
}

/** An offer may ask at most this many times the commodity's reference price in its market. */
export const REFERENCE_PRICE_FACTOR = 10n;

/** Without a reference price, no unit price (per base unit) may exceed Rp 10 million. */
export const MAX_UNIT_PRICE_WITHOUT_REFERENCE: Rupiah = 10_000_000n;

/** The highest unit price an offer may ask, given the commodity's reference price (or none). */
export function unitPriceLimit(reference: Rupiah | null): { limit: Rupiah; reference: Rupiah | null } {
  return reference === null || reference <= 0n
    ? { limit: MAX_UNIT_PRICE_WITHOUT_REFERENCE, reference: null }
    : { limit: reference * REFERENCE_PRICE_FACTOR, reference };
}
