/**
 * Fair shares of one Trade Center shipment: water-filling over the valid pledges. PURE: no
 * Nest, no TypeORM, no I/O. Quantities are integer thousandths ("milli").
 *
 * The rule (issue 10): each cooperative's claim is what it validly pledged, never more than
 * its lots still hold, capped by `maxShareMilli` when the contract sets one. The allotted total
 * is min(shipment quantity, sum of claims); every cooperative gets min(claim, L), the level L
 * chosen so the total comes out exact. L is found in whole thousandths; the thousandths left
 * over by rounding go one each to the cooperatives standing at the level — larger claim first
 * (so one that pledged at least as much as another never gets less), then higher reliability,
 * then earlier pledge. A cooperative's share is spread over its own pledges, earliest first.
 */
import type { Milli } from '../../core/src/quantity.js';
import { gradeAtLeast, type QualityGrade } from '../../core/src/grade.js';

export type PledgeInvalidReason =
  | 'GRADE_TOO_LOW'
  | 'EXPIRES_BEFORE_CONSOLIDATION'
  | 'NO_STOCK_AVAILABLE'
  | 'WRONG_COMMODITY'
  | 'COOPERATIVE_SUSPENDED'
  | 'EXCLUDED';

export interface FairSharePledge {
  pledgeId: string;
  cooperativeId: string;
  stockLotId: string;
  /** What is still asked of this pledge (a re-allotment round passes what is left). */
  pledgedMilli: Milli;
  grade: QualityGrade;
  commodityCode: string;
  /** The lot's local expiry date (YYYY-MM-DD) or null. */
  lotExpiresOn: string | null;
  /** What the lot still holds unpromised (quantity - reserved; 0 for a returned lot). */
  lotAvailableMilli: Milli;
  cooperativeSuspended: boolean;
  /** Reliability in [0,1] (accepted + 9) / (received + 10), as in the award engine. */
  reliability: number;
  /** Pledge time, epoch ms. */
  pledgedAt: number;
  /** Set by the caller for pledges that must sit out a round (e.g. their goods were rejected). */
  excluded?: boolean;
}

export interface FairShareInput {
  quantityMilli: Milli;
  commodityCode: string;
  minGrade: QualityGrade;
  /** Local date (YYYY-MM-DD) the goods must be at the Trade Center: a lot must not expire before it. */
  consolidateByDate: string;
  /** A cooperative's cap in this round, or null for none. */
  maxShareMilli: Milli | null;
  /** What each cooperative already holds of this shipment (re-allotment rounds): counted against the cap. */
  heldByCooperative?: ReadonlyMap<string, Milli>;
  baseUnit: string;
  pledges: FairSharePledge[];
}

export interface Explanation {
  en: string;
  id: string;
}

export interface PledgeOutcome {
  pledgeId: string;
  cooperativeId: string;
  stockLotId: string;
  valid: boolean;
  invalidReason: PledgeInvalidReason | null;
  allottedMilli: Milli;
  explanation: Explanation;
}

export interface FairShareResult {
  /** The level L in thousandths (before the rounding remainder), or null when nobody was capped by it. */
  levelMilli: Milli | null;
  totalMilli: Milli;
  pledges: PledgeOutcome[];
}

interface Claim {
  cooperativeId: string;
  pledges: FairSharePledge[];
  /** Valid pledged quantity, each pledge cut to its lot's availability (before the cap). */
  offeredMilli: Milli;
  claimMilli: Milli;
  reliability: number;
  firstPledgedAt: number;
  shareMilli: Milli;
}

const INVALID_TEXT: Record<PledgeInvalidReason, Explanation> = {
  GRADE_TOO_LOW: {
    en: 'The lot is below the contract’s minimum grade',
    id: 'Mutu lot di bawah mutu minimum kontrak',
  },
  EXPIRES_BEFORE_CONSOLIDATION: {
    en: 'The lot expires before the goods must be at the Trade Center',
    id: 'Lot kedaluwarsa sebelum barang harus berada di Trade Center',
  },
  NO_STOCK_AVAILABLE: {
    en: 'The lot has no stock left that is not already promised',
    id: 'Lot tidak memiliki sisa stok yang belum dijanjikan',
  },
  WRONG_COMMODITY: {
    en: 'The lot is not the contract’s commodity',
    id: 'Lot bukan komoditas kontrak',
  },
  COOPERATIVE_SUSPENDED: {
    en: 'The cooperative is suspended',
    id: 'Koperasi sedang ditangguhkan',
  },
  EXCLUDED: {
    en: 'This pledge’s goods were rejected in this shipment, so it sits out the re-allotment',
    id: 'Barang dari janji ini ditolak pada pengiriman ini, jadi tidak ikut penjatahan ulang',
  },
};

export function invalidReasonOf(pledge: FairSharePledge, input: FairShareInput): PledgeInvalidReason | null {
  if (pledge.excluded) return 'EXCLUDED';
  if (pledge.cooperativeSuspended) return 'COOPERATIVE_SUSPENDED';
  if (pledge.commodityCode !== input.commodityCode) return 'WRONG_COMMODITY';
  if (!gradeAtLeast(pledge.grade, input.minGrade)) return 'GRADE_TOO_LOW';
  if (pledge.lotExpiresOn !== null && pledge.lotExpiresOn < input.consolidateByDate)
    return 'EXPIRES_BEFORE_CONSOLIDATION';
  if (pledge.lotAvailableMilli <= 0) return 'NO_STOCK_AVAILABLE';
  return null;
}

export function invalidExplanation(reason: PledgeInvalidReason): Explanation {
  return INVALID_TEXT[reason];
}

/** Bigger claim first, then more reliable, then earlier, then id: the order the remainder goes in. */
function remainderOrder(a: Claim, b: Claim): number {
  return (
    b.offeredMilli - a.offeredMilli ||
    b.claimMilli - a.claimMilli ||
    b.reliability - a.reliability ||
    a.firstPledgedAt - b.firstPledgedAt ||
    (a.cooperativeId < b.cooperativeId ? -1 : a.cooperativeId > b.cooperativeId ? 1 : 0)
  );
}

export function allotFairShares(input: FairShareInput): FairShareResult {
  if (!Number.isSafeInteger(input.quantityMilli) || input.quantityMilli < 0)
    throw new RangeError('quantityMilli must be a non-negative integer');

  const outcomes = new Map<string, PledgeOutcome>();
  const claims = new Map<string, Claim>();
  // Several pledges of one lot share what the lot holds, earliest first.
  const lotLeft = new Map<string, Milli>();
  const ordered = [...input.pledges].sort(
    (a, b) => a.pledgedAt - b.pledgedAt || (a.pledgeId < b.pledgeId ? -1 : a.pledgeId > b.pledgeId ? 1 : 0),
  );
  const usable = new Map<string, Milli>();
  for (const pledge of ordered) {
    const reason = invalidReasonOf(pledge, input);
    if (reason) {
      outcomes.set(pledge.pledgeId, {
        pledgeId: pledge.pledgeId,
        cooperativeId: pledge.cooperativeId,
        stockLotId: pledge.stockLotId,
        valid: false,
        invalidReason: reason,
        allottedMilli: 0,
        explanation: invalidExplanation(reason),
      });
      continue;
    }
    const left = lotLeft.get(pledge.stockLotId) ?? pledge.lotAvailableMilli;
    const take = Math.max(0, Math.min(pledge.pledgedMilli, left));
    lotLeft.set(pledge.stockLotId, left - take);
    usable.set(pledge.pledgeId, take);
    const claim = claims.get(pledge.cooperativeId) ?? {
      cooperativeId: pledge.cooperativeId,
      pledges: [],
      offeredMilli: 0,
      claimMilli: 0,
      reliability: pledge.reliability,
      firstPledgedAt: pledge.pledgedAt,
      shareMilli: 0,
    };
    claim.pledges.push(pledge);
    claim.offeredMilli += take;
    claims.set(pledge.cooperativeId, claim);
  }
  for (const claim of claims.values()) {
    const held = input.heldByCooperative?.get(claim.cooperativeId) ?? 0;
    claim.claimMilli =
      input.maxShareMilli === null
        ? claim.offeredMilli
        : Math.max(0, Math.min(claim.offeredMilli, input.maxShareMilli - held));
  }

  // Water-filling: smallest claims are met in full while the level can rise above them.
  const byClaim = [...claims.values()].sort((a, b) => a.claimMilli - b.claimMilli || remainderOrder(a, b));
  const totalClaims = byClaim.reduce((sum, c) => sum + c.claimMilli, 0);
  const target = Math.min(input.quantityMilli, totalClaims);
  let remaining = target;
  let levelMilli: Milli | null = null;
  for (let i = 0; i < byClaim.length; i++) {
    const rest = byClaim.length - i;
    const claim = byClaim[i]!;
    if (claim.claimMilli * rest <= remaining) {
      claim.shareMilli = claim.claimMilli;
      remaining -= claim.claimMilli;
      continue;
    }
    // Everyone from here on claims more than the level: each gets L, the remainder one thousandth each.
    const atLevel = byClaim.slice(i);
    levelMilli = Math.floor(remaining / rest);
    let extra = remaining - levelMilli * rest;
    for (const c of atLevel) c.shareMilli = levelMilli;
    for (const c of [...atLevel].sort(remainderOrder)) {
      if (extra === 0) break;
      c.shareMilli += 1;
      extra -= 1;
    }
    break;
  }

  for (const claim of claims.values()) {
    let share = claim.shareMilli;
    const pledgedTotal = claim.pledges.reduce((sum, p) => sum + p.pledgedMilli, 0);
    const explanation = explain(claim, pledgedTotal, levelMilli, input);
    for (const pledge of claim.pledges) {
      const give = Math.min(share, usable.get(pledge.pledgeId) ?? 0);
      share -= give;
      outcomes.set(pledge.pledgeId, {
        pledgeId: pledge.pledgeId,
        cooperativeId: pledge.cooperativeId,
        stockLotId: pledge.stockLotId,
        valid: true,
        invalidReason: null,
        allottedMilli: give,
        explanation,
      });
    }
  }
  return {
    levelMilli,
    totalMilli: target,
    pledges: input.pledges.map((p) => outcomes.get(p.pledgeId)!),
  };
}

// Built once: toLocaleString builds a formatter per call, which a 1,000-pledge allotment feels.
const ENGLISH_NUMBER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3 });
const INDONESIAN_NUMBER = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 3 });

function explain(
  claim: Claim,
  pledgedTotal: Milli,
  levelMilli: Milli | null,
  input: FairShareInput,
): Explanation {
  const unit = input.baseUnit;
  const en = (m: Milli) => `${ENGLISH_NUMBER.format(m / 1000)} ${unit}`;
  const id = (m: Milli) => `${INDONESIAN_NUMBER.format(m / 1000)} ${unit}`;
  const gets = claim.shareMilli;
  const parts: Explanation[] = [];
  if (claim.offeredMilli < pledgedTotal) {
    parts.push({
      en: `your lots hold only ${en(claim.offeredMilli)} not yet promised`,
      id: `lot Anda hanya menyisakan ${id(claim.offeredMilli)} yang belum dijanjikan`,
    });
  }
  if (claim.claimMilli < claim.offeredMilli) {
    parts.push({
      en: `one cooperative may have at most ${en(claim.claimMilli)} of this shipment`,
      id: `satu koperasi paling banyak mendapat ${id(claim.claimMilli)} dari pengiriman ini`,
    });
  }
  const note = (lang: 'en' | 'id') => (parts.length ? ` (${parts.map((p) => p[lang]).join('; ')})` : '');
  if (levelMilli === null) {
    return {
      en: `You pledged ${en(pledgedTotal)}${note('en')}; all pledges fit in the shipment, so you get ${en(gets)}`,
      id: `Anda menjanjikan ${id(pledgedTotal)}${note('id')}; semua janji muat dalam pengiriman, jadi Anda mendapat ${id(gets)}`,
    };
  }
  const rounding =
    gets > levelMilli && gets <= claim.claimMilli && claim.claimMilli > levelMilli
      ? {
          en: ` (plus ${en(gets - levelMilli)} of rounding, given to larger pledges, then by reliability)`,
          id: ` (ditambah ${id(gets - levelMilli)} sisa pembulatan, diberikan ke janji terbesar, lalu menurut keandalan)`,
        }
      : { en: '', id: '' };
  return {
    en: `You pledged ${en(pledgedTotal)}${note('en')}; the fair share this round is ${en(levelMilli)}, so you get ${en(gets)}${rounding.en}`,
    id: `Anda menjanjikan ${id(pledgedTotal)}${note('id')}; bagian adil tahap ini ${id(levelMilli)}, jadi Anda mendapat ${id(gets)}${rounding.id}`,
  };
}
