import { DomainError } from './domain-error.js';

/** Offsets of Indonesia's zones (no daylight saving): WIB +7, WITA +8, WIT +9. */
const ZONE_OFFSET_HOURS: Record<string, number> = {
  'Asia/Jakarta': 7,
  'Asia/Pontianak': 7,
  'Asia/Makassar': 8,
  'Asia/Jayapura': 9,
};

export function zoneOffsetHours(timeZone: string | null | undefined): number {
  return ZONE_OFFSET_HOURS[timeZone ?? 'Asia/Jakarta'] ?? 7;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A real calendar date as YYYY-MM-DD, or null (2026-02-30 is not a date). */
export function parseLocalDate(value: string): string | null {
  const match = DATE_PATTERN.exec(value);
  if (!match) return null;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return value;
}

export function addDays(localDate: string, days: number): string {
  const date = new Date(`${localDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The instant of hh:mm local time on a local date in the given zone. */
export function localTimeToInstant(
  localDate: string,
  hour: number,
  minute: number,
  timeZone?: string | null,
): Date {
  const offset = zoneOffsetHours(timeZone);
  const [y, m, d] = localDate.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d, hour - offset, minute));
}

/** The local calendar date of an instant in the given zone. */
export function instantToLocalDate(instant: Date, timeZone?: string | null): string {
  return new Date(instant.getTime() + zoneOffsetHours(timeZone) * 3_600_000).toISOString().slice(0, 10);
}

export function requireLocalDate(value: string, field: string): string {
  const parsed = parseLocalDate(value);
  if (!parsed)
    throw DomainError.badInput(
      `${field} must be a real date as YYYY-MM-DD`,
      `${field} harus tanggal yang valid dengan format YYYY-MM-DD`,
      { field },
    );
  return parsed;
}
