import { DomainError } from './domain-error.js';

/**
 * A quantity exact to a thousandth of the commodity's base unit (kg, L, piece),
 * held as an integer count of thousandths ("milli") so that sums never drift.
 * A JS number holds integers exactly up to 9e15 milli (9 billion tonnes): plenty.
 */
export type Milli = number;

export const MILLI_PER_UNIT = 1000;

/** The largest quantity numeric(14,3) holds: 99,999,999,999.999. */
export const MAX_MILLI = 99_999_999_999_999;

/** Parses an API quantity: positive, finite, at most three decimals. */
export function quantityToMilli(value: number, field = 'quantity', allowZero = false): Milli {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw DomainError.badInput(`${field} must be a number`, `${field} harus berupa angka`, { field });
  }
  if (value < 0 || (!allowZero && value === 0)) {
    throw DomainError.badInput(`${field} must be greater than zero`, `${field} harus lebih besar dari nol`, {
      field,
    });
  }
  if (Number(value.toFixed(3)) !== value) {
    throw DomainError.badInput(
      `${field} may have at most three decimals (a thousandth of the base unit)`,
      `${field} paling banyak tiga angka desimal (seperseribu satuan dasar)`,
      { field },
    );
  }
  const milli = Math.round(value * MILLI_PER_UNIT);
  if (!Number.isSafeInteger(milli) || milli > MAX_MILLI) {
    throw DomainError.badInput(
      `${field} is too large (at most 99,999,999,999.999)`,
      `${field} terlalu besar (paling banyak 99.999.999.999,999)`,
      { field },
    );
  }
  return milli;
}

export function milliToNumber(milli: Milli): number {
  return milli / MILLI_PER_UNIT;
}

/** numeric(…,3) text from Postgres ("12.500", "-0.250") to milli, without floating point. */
export function decimalTextToMilli(text: string): Milli {
  const negative = text.startsWith('-');
  const [whole, fraction = ''] = (negative ? text.slice(1) : text).split('.');
  const milli = Number(whole) * MILLI_PER_UNIT + Number((fraction + '000').slice(0, 3));
  return negative ? -milli : milli;
}

export function milliToDecimalText(milli: Milli): string {
  const negative = milli < 0;
  const abs = Math.abs(milli);
  const whole = Math.floor(abs / MILLI_PER_UNIT);
  const fraction = String(abs % MILLI_PER_UNIT).padStart(3, '0');
  return `${negative ? '-' : ''}${whole}.${fraction}`;
}

/** Formats for people: "1.250 kg" style is avoided (dot is a thousands mark in Indonesia); 1,25 kg. */
export function formatMilli(milli: Milli, unit: string): string {
  return `${milliToNumber(milli).toLocaleString('id-ID', { maximumFractionDigits: 3 })} ${unit}`;
}
