import {
  formatCountdown,
  formatDate,
  formatDateTime,
  formatPercent,
  formatQuantity,
  formatRupiah,
  formatTime,
  fundingCycleStart,
  demandFormDefaults,
  localDate,
  shortOrganizationName,
  toLocalInput,
  zonedInstant,
  zoneOf,
} from './format.js';

describe('Indonesian formats', () => {
  it('prints rupiah with dots in Indonesian and commas in English', () => {
    expect(formatRupiah(15500)).toBe('Rp 15.500');
    expect(formatRupiah(1_250_000n)).toBe('Rp 1.250.000');
    expect(formatRupiah(999)).toBe('Rp 999');
    expect(formatRupiah(0)).toBe('Rp 0');
    expect(formatRupiah(-2000)).toBe('-Rp 2.000');
    expect(formatRupiah(15500, 'en')).toBe('Rp 15,500');
  });

  it('prints quantities to a thousandth with the decimal comma', () => {
    expect(formatQuantity(1234.5)).toBe('1.234,5');
    expect(formatQuantity(0.125)).toBe('0,125');
    expect(formatQuantity(25)).toBe('25');
    expect(formatQuantity(1234.5, 'en')).toBe('1,234.5');
  });

  it('prints dates with the weekday and short month', () => {
    expect(formatDate('2026-11-30')).toBe('Senin, 30 Nov 2026');
    expect(formatDate('2026-12-01')).toBe('Selasa, 1 Des 2026');
    expect(formatDate('2026-08-17', 'en')).toBe('Monday, 17 Aug 2026');
  });

  it('prints times in the organisation zone, crossing midnight correctly', () => {
    const zone = zoneOf('35.72');
    expect(zone.name).toBe('WIB');
    expect(formatTime('2026-11-30T22:30:00Z', zone)).toBe('05:30 WIB');
    expect(formatDateTime('2026-11-30T22:30:00Z', zone)).toBe('Selasa, 1 Des 2026 05:30 WIB');
    expect(formatTime('2026-11-30T22:30:00Z', zoneOf('51.71'))).toBe('06:30 WITA');
    expect(formatTime('2026-11-30T22:30:00Z', zoneOf('91.01'))).toBe('07:30 WIT');
    expect(zoneOf(null).name).toBe('WIB');
  });

  it('turns a wall-clock input in the zone into an instant and back', () => {
    const zone = zoneOf('35.72');
    expect(zonedInstant('2026-12-01T05:00', zone)).toBe('2026-11-30T22:00:00.000Z');
    expect(toLocalInput(new Date('2026-11-30T22:00:00Z'), zone)).toBe('2026-12-01T05:00');
    expect(localDate(zone, 0, new Date('2026-11-30T18:00:00Z'))).toBe('2026-12-01');
    expect(localDate(zone, 1, new Date('2026-11-30T16:00:00Z'))).toBe('2026-12-01');
  });

  it('starts a demand form with a close and a delivery date the API accepts, at any hour', () => {
    const zone = zoneOf('35.72');
    // 09:00 WIB: closes 12:00, delivery tomorrow (goods due 17:00 today, after the close).
    expect(demandFormDefaults(zone, new Date('2026-12-03T02:00:00Z'))).toEqual({
      closesAt: '2026-12-03T12:00',
      deliveryDate: '2026-12-04',
    });
    // 15:20 WIB: closes 18:20, after today's 17:00, so delivery is the day after tomorrow.
    expect(demandFormDefaults(zone, new Date('2026-12-03T08:20:00Z'))).toEqual({
      closesAt: '2026-12-03T18:20',
      deliveryDate: '2026-12-05',
    });
    // 22:30 WIB: closes 01:30 tomorrow, delivery the day after (goods due 17:00 tomorrow).
    expect(demandFormDefaults(zone, new Date('2026-12-03T15:30:00Z'))).toEqual({
      closesAt: '2026-12-04T01:30',
      deliveryDate: '2026-12-05',
    });
    // Every hour of the day: the API's default deliverBy (17:00 the day before) is after the close.
    for (let hour = 0; hour < 24; hour++) {
      const now = new Date(Date.UTC(2026, 11, 3, hour, 7));
      const { closesAt, deliveryDate } = demandFormDefaults(zone, now);
      const [y, m, d] = deliveryDate.split('-').map(Number);
      const dueBy = new Date(Date.UTC(y, m - 1, d - 1, 17 - 7, 0));
      expect(dueBy.getTime()).toBeGreaterThan(new Date(zonedInstant(closesAt, zone)).getTime());
    }
  });

  it("shortens a cooperative's name to its usual abbreviation, keeping the part that tells it apart", () => {
    expect(shortOrganizationName('Koperasi Kelurahan Merah Putih Sentul')).toBe('KKMP Sentul');
    expect(shortOrganizationName('Koperasi Desa Merah Putih Sumberejo')).toBe('KDMP Sumberejo');
    expect(shortOrganizationName('SPPG Kota Blitar Sentul')).toBe('SPPG Kota Blitar Sentul');
    expect(shortOrganizationName('Pemerintah Kota Blitar — Koordinator Program MBG dan Koperasi')).toBe(
      'Pemerintah Kota Blitar',
    );
  });

  it('counts down to the close of bidding', () => {
    const now = new Date('2026-12-01T00:00:00Z');
    expect(formatCountdown('2026-12-01T02:05:00Z', now)).toBe('2 jam 5 mnt');
    expect(formatCountdown('2026-12-01T00:00:30Z', now, 'en')).toBe('1 min');
    expect(formatCountdown('2026-11-30T23:00:00Z', now)).toBe('ditutup');
  });

  it('finds the 10-day funding cycle', () => {
    expect(fundingCycleStart('2026-12-01')).toBe('2026-12-01');
    expect(fundingCycleStart('2026-12-10')).toBe('2026-12-01');
    expect(fundingCycleStart('2026-12-11')).toBe('2026-12-11');
    expect(fundingCycleStart('2026-12-31')).toBe('2026-12-21');
  });

  it('prints rates as percentages to a tenth, with the decimal mark of the language', () => {
    expect(formatPercent(0.505, 'id')).toBe('50,5%');
    expect(formatPercent(0.505, 'en')).toBe('50.5%');
    expect(formatPercent(1)).toBe('100,0%');
    expect(formatPercent(0)).toBe('0,0%');
  });
});
