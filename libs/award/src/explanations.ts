import type { EngineLine, EngineLot, EngineOffer, InvalidReason } from './award.types.js';
import type { AllocationDecision } from './greedy-allocation.js';

/**
 * Why an offer got what it got, in plain words a cooperative understands, in English and
 * Bahasa Indonesia. Numbers follow each language: 1,234.5 kg / 1.234,5 kg, score 0.990 / 0,990.
 * Rupiah is written the Indonesian way in both (Rp13.000), as it is on every receipt.
 */

export interface Explanation {
  en: string;
  id: string;
}

type Lang = keyof Explanation;

const DEFAULT_UNIT = 'unit';

/** Explanation for an offer that was not considered at all. */
export function explainInvalidOffer(
  reason: InvalidReason,
  offer: EngineOffer,
  line: EngineLine | undefined,
  lot: EngineLot | undefined,
): Explanation {
  const why = invalidWhy(reason, offer, line, lot);
  return { en: `Not considered: ${why.en}.`, id: `Tidak dinilai: ${why.id}.` };
}

function invalidWhy(
  reason: InvalidReason,
  offer: EngineOffer,
  line: EngineLine | undefined,
  lot: EngineLot | undefined,
): Explanation {
  switch (reason) {
    case 'UNKNOWN_LINE':
      return {
        en: 'the kitchen line this offer is for is not part of this evaluation',
        id: 'kebutuhan dapur yang ditawar tidak termasuk dalam evaluasi ini',
      };
    case 'COMMODITY_MISMATCH':
      return {
        en: `the stock lot holds ${lot?.commodityCode} but the kitchen asked for ${line?.commodityCode}`,
        id: `lot stok berisi ${lot?.commodityCode}, sedangkan dapur meminta ${line?.commodityCode}`,
      };
    case 'COOPERATIVE_SUSPENDED':
      return { en: 'the cooperative is suspended', id: 'koperasi sedang ditangguhkan' };
    case 'EXPIRES_BEFORE_DELIVERY':
      return {
        en: `the stock lot expires on ${lot?.expiresOn}, before the delivery date ${line?.deliveryDate}`,
        id: `lot stok kedaluwarsa pada ${lot?.expiresOn}, sebelum tanggal pengiriman ${line?.deliveryDate}`,
      };
    case 'MISSING_CERTIFICATE': {
      const gap = offer.certificateGap;
      const kinds = gap?.missing.join(', ') ?? '';
      return {
        en: `the producer ${gap?.producerName} has no valid ${kinds} certificate for ${line?.commodityCode} on the delivery date ${gap?.onDate}`,
        id: `produsen ${gap?.producerName} tidak memiliki sertifikat ${kinds} yang berlaku untuk ${line?.commodityCode} pada tanggal pengiriman ${gap?.onDate}`,
      };
    }
    case 'ABOVE_HET': {
      const prices = `(${formatRupiah(offer.unitPrice)} > ${formatRupiah(offer.hetUnitPrice ?? 0n)})`;
      return {
        en: `price above the legal ceiling price (HET) ${prices}`,
        id: `harga di atas harga eceran tertinggi (HET) ${prices}`,
      };
    }
    case 'ABOVE_CEILING': {
      const prices = `(${formatRupiah(offer.unitPrice)} > ${formatRupiah(line?.maxUnitPrice ?? 0n)})`;
      return {
        en: `price above the kitchen's ceiling ${prices}`,
        id: `harga di atas batas dapur ${prices}`,
      };
    }
    case 'BELOW_MIN_GRADE':
      return {
        en: `grade ${offer.grade} is below the kitchen's minimum grade ${line?.minGrade}`,
        id: `mutu ${offer.grade} di bawah mutu minimum dapur ${line?.minGrade}`,
      };
    case 'NO_STOCK':
      if (!lot) {
        return {
          en: 'the stock lot behind this offer was not found',
          id: 'lot stok untuk penawaran ini tidak ditemukan',
        };
      }
      if (lot.cooperativeId !== offer.cooperativeId) {
        return {
          en: 'the stock lot behind this offer belongs to another cooperative',
          id: 'lot stok untuk penawaran ini milik koperasi lain',
        };
      }
      return {
        en: 'no stock is left in the lot behind this offer',
        id: 'tidak ada stok tersisa di lot untuk penawaran ini',
      };
  }
}

/** Facts about a valid (ranked) offer that its explanation needs. */
export interface RankedOfferFacts {
  offer: EngineOffer;
  line: EngineLine;
  rank: number;
  /** How many valid offers the line had. */
  rankedCount: number;
  /** 1 = the cheapest valid offer on the line; equal prices share a position. */
  pricePosition: number;
  decision: AllocationDecision;
}

/** Explanation for a valid offer: what it was awarded (or why nothing), its rank and score. */
export function explainRankedOffer(facts: RankedOfferFacts): Explanation {
  const { offer, line, decision } = facts;
  const unit = line.baseUnit ?? DEFAULT_UNIT;
  const qty = (milli: number, lang: Lang) => formatQuantity(milli, unit, lang);
  // No score and no other offer's price: a cooperative reads this, and the price score (lowest
  // price ÷ own price) or a total built from it would reveal the lowest price on the line.
  const standing = (lang: Lang) =>
    lang === 'en'
      ? `ranked ${facts.rank} of ${facts.rankedCount} (price: ${ordinalEn(facts.pricePosition)} cheapest of ${facts.rankedCount})`
      : `peringkat ${facts.rank} dari ${facts.rankedCount} (harga: ke-${facts.pricePosition} termurah dari ${facts.rankedCount})`;

  if (decision.kind === 'AWARDED') {
    const got = decision.quantityMilli;
    const en = `Awarded ${qty(got, 'en')} of ${qty(offer.quantityMilli, 'en')} offered; ${standing('en')}.`;
    const id = `Menang ${qty(got, 'id')} dari ${qty(offer.quantityMilli, 'id')} yang ditawarkan; ${standing('id')}.`;
    switch (decision.limitedBy) {
      case 'OFFER':
        return { en, id };
      case 'LINE_NEED':
        return {
          en: `${en} The kitchen needed only ${qty(got, 'en')} more.`,
          id: `${id} Dapur hanya memerlukan ${qty(got, 'id')} lagi.`,
        };
      case 'LOT_STOCK':
        return {
          en: `${en} Only ${qty(got, 'en')} was left in the stock lot.`,
          id: `${id} Stok di lot hanya tersisa ${qty(got, 'id')}.`,
        };
    }
  }

  const why = unawardedWhy(decision, unit);
  return {
    en: `Not awarded: ${why.en}; ${standing('en')}.`,
    id: `Tidak menang: ${why.id}; ${standing('id')}.`,
  };
}

function unawardedWhy(decision: Exclude<AllocationDecision, { kind: 'AWARDED' }>, unit: string): Explanation {
  switch (decision.kind) {
    case 'LINE_FILLED':
      return decision.by === 'HIGHER_RANKED'
        ? {
            en: 'line already filled by higher-ranked offers',
            id: 'kebutuhan sudah terpenuhi oleh penawaran berperingkat lebih tinggi',
          }
        : {
            en: 'line already filled by other offers',
            id: 'kebutuhan sudah terpenuhi oleh penawaran lain',
          };
    case 'SUPPLIER_CAP':
      return decision.byHigherRanked
        ? {
            en: `the kitchen takes at most ${decision.maxSuppliers} suppliers per line and higher-ranked offers took those places`,
            id: `dapur menerima paling banyak ${decision.maxSuppliers} pemasok per kebutuhan dan tempat itu sudah diisi penawaran berperingkat lebih tinggi`,
          }
        : {
            en: `the kitchen takes at most ${decision.maxSuppliers} suppliers per line and those places went to other offers`,
            id: `dapur menerima paling banyak ${decision.maxSuppliers} pemasok per kebutuhan dan tempat itu sudah diberikan ke penawaran lain`,
          };
    case 'STOCK_ALREADY_AWARDED':
      return stockTakenWhy(decision.takenBy);
    case 'BELOW_MIN_AWARD':
      return {
        en: `only ${formatQuantity(decision.possibleMilli, unit, 'en')} could be awarded, below the minimum award of ${formatQuantity(decision.minimumMilli, unit, 'en')} for this commodity`,
        id: `hanya ${formatQuantity(decision.possibleMilli, unit, 'id')} yang bisa diberikan, di bawah minimum ${formatQuantity(decision.minimumMilli, unit, 'id')} untuk komoditas ini`,
      };
  }
}

function stockTakenWhy(
  takenBy: Extract<AllocationDecision, { kind: 'STOCK_ALREADY_AWARDED' }>['takenBy'],
): Explanation {
  switch (takenBy) {
    case 'EARLIER_LINE':
      return {
        en: 'stock in this lot was already awarded to an earlier-posted line',
        id: 'stok di lot ini sudah diberikan ke kebutuhan yang diajukan lebih dulu',
      };
    case 'BETTER_LINE':
      return {
        en: 'stock in this lot was already awarded to other lines, where it covers more of the demand or scores higher',
        id: 'stok di lot ini sudah diberikan ke kebutuhan lain, yang dengan stok itu lebih banyak terpenuhi atau berskor lebih tinggi',
      };
    case 'OTHER_LINE':
      return {
        en: 'stock in this lot was already awarded to other lines',
        id: 'stok di lot ini sudah diberikan ke kebutuhan lain',
      };
    case 'SAME_LINE':
      return {
        en: 'stock in this lot was already awarded to your higher-ranked offer on this line',
        id: 'stok di lot ini sudah diberikan ke penawaran Anda yang berperingkat lebih tinggi pada kebutuhan ini',
      };
    case 'SAME_LINE_OTHER':
      return {
        en: 'stock in this lot was already awarded to your other offer on this line',
        id: 'stok di lot ini sudah diberikan ke penawaran Anda yang lain pada kebutuhan ini',
      };
  }
}

/** Thousandths of a base unit as a number with up to three decimals: 120500 → "120.5 kg" / "120,5 kg". */
export function formatQuantity(milli: number, unit: string, lang: Lang): string {
  const sign = milli < 0 ? '-' : '';
  const abs = Math.abs(milli);
  const whole = groupThousands(String(Math.floor(abs / 1000)), lang === 'en' ? ',' : '.');
  const fraction = String(abs % 1000)
    .padStart(3, '0')
    .replace(/0+$/, '');
  const decimal = lang === 'en' ? '.' : ',';
  return `${sign}${whole}${fraction ? decimal + fraction : ''} ${unit}`;
}

/** Whole rupiah, Indonesian style in both languages: 13000n → "Rp13.000". */
export function formatRupiah(value: bigint): string {
  const sign = value < 0n ? '-' : '';
  return `${sign}Rp${groupThousands((value < 0n ? -value : value).toString(), '.')}`;
}

/** 1 → "1st", 2 → "2nd", 11 → "11th", 23 → "23rd". */
export function ordinalEn(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${{ 1: 'st', 2: 'nd', 3: 'rd' }[n % 10] ?? 'th'}`;
}

/** A total score with three decimals: 0.99 → "0.990" / "0,990". */
export function formatScore(total: number, lang: Lang): string {
  const text = total.toFixed(3);
  return lang === 'en' ? text : text.replace('.', ',');
}

function groupThousands(digits: string, separator: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, separator);
}
