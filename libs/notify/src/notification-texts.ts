import type { Language } from './notification-kinds.js';

/** A message in both languages; the fan-out stores the one the recipient reads. */
export type Bilingual = Record<Language, { title: string; body: string }>;

const TIME_ZONE = 'Asia/Jakarta';

export function rupiah(amount: bigint | string | number, language: Language): string {
  const digits = BigInt(amount).toString();
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, language === 'id' ? '.' : ',');
  return `Rp ${grouped}`;
}

/** Quantities are stored exact to a thousandth; print them without trailing zeros. */
export function quantity(value: number | string, language: Language): string {
  const text = Number(value)
    .toFixed(3)
    .replace(/\.?0+$/, '');
  return language === 'id' ? text.replace('.', ',') : text;
}

/** A moment as the Kota Blitar reader sees it: local date and time (WIB). */
export function localTime(at: Date, language: Language): string {
  return (
    new Intl.DateTimeFormat(language === 'id' ? 'id-ID' : 'en-GB', {
      timeZone: TIME_ZONE,
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
    }).format(at) + ' WIB'
  );
}

export function both(en: { title: string; body: string }, id: { title: string; body: string }): Bilingual {
  return { en, id };
}

/** Builds a Bilingual from one function of the language (for messages with numbers and dates). */
export function perLanguage(make: (language: Language) => { title: string; body: string }): Bilingual {
  return { en: make('en'), id: make('id') };
}
