/**
 * Indonesian formats, by hand rather than Intl so that every browser (and every test) prints the
 * same thing: `Rp 15.500`, `Selasa, 1 Des 2026`, `05:30 WIB`. Indonesia keeps no daylight saving,
 * so each zone is a fixed offset.
 */
export type Locale = 'id' | 'en';

export interface Zone {
  name: 'WIB' | 'WITA' | 'WIT';
  offsetMinutes: number;
}

const WIB: Zone = { name: 'WIB', offsetMinutes: 7 * 60 };
const WITA: Zone = { name: 'WITA', offsetMinutes: 8 * 60 };
const WIT: Zone = { name: 'WIT', offsetMinutes: 9 * 60 };

/** Province codes (the first part of a Kemendagri region code) east of WIB. */
const WITA_PROVINCES = new Set(['51', '52', '53', '63', '64', '65', '71', '72', '73', '74', '75', '76']);
const WIT_PROVINCES = new Set(['81', '82', '91', '92', '93', '94', '95', '96']);

/** The time zone of an organisation from its region code; Kota Blitar (35.72) is WIB. */
export function zoneOf(regionCode: string | null | undefined): Zone {
  const province = (regionCode ?? '').split('.')[0];
  if (WIT_PROVINCES.has(province)) return WIT;
  if (WITA_PROVINCES.has(province)) return WITA;
  return WIB;
}

function groupThousands(digits: string, separator: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}

/** Whole rupiah: `Rp 15.500` (`Rp 15,500` in English), negative as `-Rp 2.000`. */
export function formatRupiah(amount: number | bigint, locale: Locale = 'id'): string {
  const value = BigInt(amount);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString();
  return `${negative ? '-' : ''}Rp ${groupThousands(digits, locale === 'id' ? '.' : ',')}`;
}

/** A quantity to a thousandth, trailing zeros dropped: `1.234,5` in Indonesian, `1,234.5` in English. */
export function formatQuantity(quantity: number, locale: Locale = 'id'): string {
  const milli = Math.round(quantity * 1000);
  const negative = milli < 0;
  const whole = Math.floor(Math.abs(milli) / 1000).toString();
  const fraction = (Math.abs(milli) % 1000).toString().padStart(3, '0').replace(/0+$/, '');
  const [thousands, decimal] = locale === 'id' ? ['.', ','] : [',', '.'];
  return `${negative ? '-' : ''}${groupThousands(whole, thousands)}${fraction ? decimal + fraction : ''}`;
}

const DAYS: Record<Locale, string[]> = {
  id: ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'],
  en: ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
};
const MONTHS: Record<Locale, string[]> = {
  id: ['Jan', 'Feb', 'Mar', 'Apr', 'Mei', 'Jun', 'Jul', 'Agu', 'Sep', 'Okt', 'Nov', 'Des'],
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
};

/** A calendar date `YYYY-MM-DD` as `Selasa, 1 Des 2026`. */
export function formatDate(date: string, locale: Locale = 'id'): string {
  const [year, month, day] = date.slice(0, 10).split('-').map(Number);
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return `${DAYS[locale][weekday]}, ${day} ${MONTHS[locale][month - 1]} ${year}`;
}

/** The wall clock of an instant in a zone, as fields. */
function wallClock(instant: string | Date, zone: Zone): { date: string; hours: number; minutes: number } {
  const shifted = new Date(new Date(instant).getTime() + zone.offsetMinutes * 60_000);
  return {
    date: shifted.toISOString().slice(0, 10),
    hours: shifted.getUTCHours(),
    minutes: shifted.getUTCMinutes(),
  };
}

/** `05:30 WIB`. */
export function formatTime(instant: string | Date, zone: Zone = WIB): string {
  const { hours, minutes } = wallClock(instant, zone);
  return `${String(hours).padStart(2, '0')}:${String(minutes).padStart(2, '0')} ${zone.name}`;
}

/** `Selasa, 1 Des 2026 05:30 WIB`. */
export function formatDateTime(instant: string | Date, zone: Zone = WIB, locale: Locale = 'id'): string {
  return `${formatDate(wallClock(instant, zone).date, locale)} ${formatTime(instant, zone)}`;
}

/** Today's date (YYYY-MM-DD) in the zone, `days` later. */
export function localDate(zone: Zone = WIB, days = 0, now: Date = new Date()): string {
  return wallClock(new Date(now.getTime() + days * 86_400_000), zone).date;
}

/** A `datetime-local` value (wall clock in the zone) as an ISO instant with the zone's offset. */
export function zonedInstant(localValue: string, zone: Zone = WIB): string {
  const sign = zone.offsetMinutes >= 0 ? '+' : '-';
  const hours = String(Math.floor(Math.abs(zone.offsetMinutes) / 60)).padStart(2, '0');
  const minutes = String(Math.abs(zone.offsetMinutes) % 60).padStart(2, '0');
  const withSeconds = localValue.length === 16 ? `${localValue}:00` : localValue;
  return new Date(`${withSeconds}${sign}${hours}:${minutes}`).toISOString();
}

/** An instant as a `datetime-local` value in the zone. */
export function toLocalInput(instant: Date, zone: Zone = WIB): string {
  return new Date(instant.getTime() + zone.offsetMinutes * 60_000).toISOString().slice(0, 16);
}

/**
 * What a new demand's form starts with: bidding closes in three hours, and delivery is the first
 * day whose goods are due (17:00 local the day before, the API's default deliverBy) at least an
 * hour after that close. Later than 16:00 the close is too near tomorrow's deadline, so delivery
 * moves a day on; a plain "tomorrow" was refused by the API every afternoon.
 */
export function demandFormDefaults(
  zone: Zone = WIB,
  now: Date = new Date(),
): { closesAt: string; deliveryDate: string } {
  const closes = new Date(now.getTime() + 3 * 3_600_000);
  const { date, hours, minutes } = wallClock(closes, zone);
  const daysAfterClose = hours * 60 + minutes <= 16 * 60 ? 1 : 2;
  const [year, month, day] = date.split('-').map(Number);
  const delivery = new Date(Date.UTC(year, month - 1, day + daysAfterClose)).toISOString().slice(0, 10);
  return { closesAt: toLocalInput(closes, zone), deliveryDate: delivery };
}

/** Time left until an instant: `2 jam 5 mnt` / `2 h 5 min`; `ditutup` / `closed` once past. */
export function formatCountdown(until: string | Date, now: Date, locale: Locale = 'id'): string {
  const ms = new Date(until).getTime() - now.getTime();
  if (ms <= 0) return locale === 'id' ? 'ditutup' : 'closed';
  const totalMinutes = Math.ceil(ms / 60_000);
  const hours = Math.floor(totalMinutes / 60);
  const minutes = totalMinutes % 60;
  const [h, m] = locale === 'id' ? ['jam', 'mnt'] : ['h', 'min'];
  return hours > 0 ? `${hours} ${h} ${minutes} ${m}` : `${minutes} ${m}`;
}

/** The 10-day BGN funding cycle holding a date: it starts on the 1st, 11th or 21st. */
export function fundingCycleStart(date: string): string {
  const day = Number(date.slice(8, 10));
  const start = day >= 21 ? 21 : day >= 11 ? 11 : 1;
  return `${date.slice(0, 8)}${String(start).padStart(2, '0')}`;
}

/** A rate 0..1 as a percentage to a tenth: `87,5%` (`87.5%` in English). */
export function formatPercent(rate: number, locale: Locale = 'id'): string {
  return `${(rate * 100).toFixed(1).replace('.', locale === 'id' ? ',' : '.')}%`;
}

/**
 * An organisation's name for the narrow header: the cooperatives' common long prefix becomes its
 * usual abbreviation (KKMP, KDMP), so the part that tells them apart ("Sentul") stays visible,
 * and a description after a dash ("Pemerintah Kota Blitar — Koordinator …") is left to the
 * title: the header showed "Pemerintah Kota Blitar —…".
 */
export function shortOrganizationName(name: string): string {
  return name
    .replace(/^Koperasi Kelurahan Merah Putih\s+/i, 'KKMP ')
    .replace(/^Koperasi Desa Merah Putih\s+/i, 'KDMP ')
    .replace(/\s+[—–]\s+.*$/, '');
}
