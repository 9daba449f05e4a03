import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { parseLocalDate } from '../../../../libs/core/src/time.js';

function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** Whole rupiah: a JSON number that is a safe, non-negative integer; bigint inside. */
export const RupiahScalar = new GraphQLScalarType<bigint, number>({
  name: 'Rupiah',
  description: 'Whole rupiah as a JSON number (safe integer). Negative or fractional is BAD_USER_INPUT.',
  serialize(value) {
    const amount = typeof value === 'bigint' ? value : BigInt(value as number);
    const asNumber = Number(amount);
    if (!Number.isSafeInteger(asNumber))
      throw new GraphQLError(`Rupiah amount ${amount} is too large to send`);
    return asNumber;
  },
  parseValue(value) {
    return parseRupiahValue(value);
  },
  parseLiteral(ast: ValueNode) {
    if (ast.kind !== Kind.INT && ast.kind !== Kind.FLOAT) {
      throw badInput('Rupiah must be a number of whole rupiah / Rupiah harus berupa angka rupiah bulat');
    }
    return parseRupiahValue(Number(ast.value));
  },
});

function parseRupiahValue(value: unknown): bigint {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw badInput('Rupiah must be a number of whole rupiah / Rupiah harus berupa angka rupiah bulat');
  }
  if (!Number.isInteger(value)) {
    throw badInput(`Rupiah must be whole, without fractions: ${value} / Rupiah harus bulat, tanpa pecahan`);
  }
  if (value < 0) throw badInput(`Rupiah may not be negative: ${value} / Rupiah tidak boleh negatif`);
  if (!Number.isSafeInteger(value))
    throw badInput('Rupiah amount is too large / Jumlah rupiah terlalu besar');
  return BigInt(value);
}

/** YYYY-MM-DD, a real calendar date, local to the kitchen's time zone. */
export const LocalDateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date YYYY-MM-DD, local to the kitchen’s time zone.',
  serialize(value) {
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    return String(value);
  },
  parseValue(value) {
    return parseDateValue(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING)
      throw badInput('Date must be a string YYYY-MM-DD / Date harus teks YYYY-MM-DD');
    return parseDateValue(ast.value);
  },
});

/** Years a date of this marketplace can fall in; beyond them is a typo or a probe. */
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2100;

function checkYear(year: number, value: string): void {
  if (year < MIN_YEAR || year > MAX_YEAR) {
    throw badInput(
      `The year must be between ${MIN_YEAR} and ${MAX_YEAR}: ${value} / Tahun harus antara ${MIN_YEAR} dan ${MAX_YEAR}: ${value}`,
    );
  }
}

function parseDateValue(value: unknown): string {
  const parsed = typeof value === 'string' ? parseLocalDate(value) : null;
  if (!parsed)
    throw badInput(`Not a real date as YYYY-MM-DD: ${String(value)} / Bukan tanggal yang valid (YYYY-MM-DD)`);
  checkYear(Number(parsed.slice(0, 4)), parsed);
  return parsed;
}

const DATE_TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

/** ISO 8601 with an explicit offset (Z or ±hh:mm): an instant, never a wall-clock guess. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'An instant, ISO 8601 with offset, e.g. 2026-11-28T17:00:00+07:00.',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(value as string);
    return date.toISOString();
  },
  parseValue(value) {
    return parseDateTimeValue(value);
  },
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING)
      throw badInput('DateTime must be an ISO 8601 string / DateTime harus teks ISO 8601');
    return parseDateTimeValue(ast.value);
  },
});

function parseDateTimeValue(value: unknown): Date {
  if (typeof value !== 'string' || !DATE_TIME_PATTERN.test(value)) {
    throw badInput(
      `DateTime must be ISO 8601 with an offset, e.g. 2026-11-28T17:00:00+07:00: ${String(value)} / DateTime harus ISO 8601 dengan zona waktu`,
    );
  }
  const date = new Date(value);
  const [datePart] = value.split('T');
  if (Number.isNaN(date.getTime()) || !parseLocalDate(datePart!)) {
    throw badInput(`Not a real moment: ${value} / Bukan waktu yang valid`);
  }
  checkYear(date.getUTCFullYear(), value);
  return date;
}
