import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  AwardInput,
  EngineLine,
  EngineLot,
  EngineOffer,
  GeoPoint,
  ScoringWeights,
} from '../libs/award/src/index.js';
import { haversineKm } from '../libs/award/src/index.js';

/**
 * Seeded synthetic market days that look like the real thing (see shared/domain/brief.md):
 * kitchens of 2,000–3,300 portions posting ~20 lines a day (rice ~140 g a portion → ~350 kg
 * per 2,500 portions, one or two animal proteins, tofu/tempeh, vegetables, spices, oil, sugar,
 * fruit, sometimes milk; big items split into two delivery slots), cooperatives holding lots of
 * some commodities, priced around the reference prices, mostly grade A/B, offering to the
 * kitchens near them and often offering one lot to several kitchens. Supply per commodity is
 * drawn between 60% and 160% of demand, so some commodities are scarce.
 */

export interface Commodity {
  code: string;
  baseUnit: string;
  referencePrice: number;
}

/** Copied from libs/database/src/seed/kota-blitar.json (reference prices, Rp per base unit). */
const FALLBACK_COMMODITIES: Commodity[] = [
  ['RICE_MEDIUM', 'kg', 13500],
  ['RICE_PREMIUM', 'kg', 14900],
  ['EGG', 'kg', 30000],
  ['CHICKEN', 'kg', 40000],
  ['BEEF', 'kg', 140000],
  ['CATFISH', 'kg', 25000],
  ['MILKFISH', 'kg', 32000],
  ['TOFU', 'kg', 14000],
  ['TEMPEH', 'kg', 16000],
  ['GREEN_BEAN', 'kg', 25000],
  ['SPINACH', 'kg', 12000],
  ['WATER_SPINACH', 'kg', 10000],
  ['CARROT', 'kg', 14000],
  ['CABBAGE', 'kg', 9000],
  ['LONG_BEAN', 'kg', 12000],
  ['POTATO', 'kg', 18000],
  ['SHALLOT', 'kg', 40000],
  ['GARLIC', 'kg', 38000],
  ['BIRD_CHILI', 'kg', 45000],
  ['COOKING_OIL', 'L', 15700],
  ['SUGAR', 'kg', 17500],
  ['BANANA', 'kg', 15000],
  ['ORANGE', 'kg', 20000],
  ['WATERMELON', 'kg', 8000],
  ['MILK_UHT', 'L', 20000],
].map(([code, baseUnit, referencePrice]) => ({
  code: code as string,
  baseUnit: baseUnit as string,
  referencePrice: referencePrice as number,
}));

/** Kota Blitar's 11 kitchens and 21 cooperatives (coordinates from the seed file). */
export interface Place {
  id: string;
  location: GeoPoint;
}

export interface Catalog {
  commodities: Map<string, Commodity>;
  source: string;
  kotaBlitar: { kitchens: Place[]; cooperatives: Place[] } | null;
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

export function loadCatalog(): Catalog {
  const file = join(repoRoot(), 'libs/database/src/seed/kota-blitar.json');
  const commodities = new Map(FALLBACK_COMMODITIES.map((c) => [c.code, c]));
  try {
    const seed = JSON.parse(readFileSync(file, 'utf8')) as {
      commodities?: { code: string; baseUnit: string; referencePrice?: { unitPrice: number } }[];
      organizations?: { key: string; kind: string; latitude: number; longitude: number }[];
    };
    for (const c of seed.commodities ?? []) {
      if (c.referencePrice && commodities.has(c.code)) {
        commodities.set(c.code, {
          code: c.code,
          baseUnit: c.baseUnit,
          referencePrice: c.referencePrice.unitPrice,
        });
      }
    }
    const places = (kind: string) =>
      (seed.organizations ?? [])
        .filter((o) => o.kind === kind)
        .map((o) => ({ id: o.key, location: { latitude: o.latitude, longitude: o.longitude } }));
    const kitchens = places('KITCHEN');
    const cooperatives = places('COOPERATIVE');
    return {
      commodities,
      source: 'libs/database/src/seed/kota-blitar.json',
      kotaBlitar: kitchens.length > 0 && cooperatives.length > 0 ? { kitchens, cooperatives } : null,
    };
  } catch {
    return { commodities, source: 'built-in copy of kota-blitar.json', kotaBlitar: null };
  }
}

/** mulberry32: small, fast, good enough for synthetic data, and the same on every machine. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  int(lo: number, hi: number): number {
    return Math.floor(this.uniform(lo, hi + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  /** Standard normal (Box–Muller). */
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.next())) * Math.cos(2 * Math.PI * this.next());
  }
}

/** Grams (or millilitres) per portion; `slots` = delivery lines it is split into. */
interface MenuItem {
  code: string;
  perPortion: number;
  slots: number;
}

/** One day's menu of a kitchen: ~18–23 lines. */
function menuOf(rng: Rng): MenuItem[] {
  const items: MenuItem[] = [];
  items.push({ code: rng.chance(0.7) ? 'RICE_PREMIUM' : 'RICE_MEDIUM', perPortion: 140, slots: 2 });
  const protein = rng.next();
  if (protein < 0.4) items.push({ code: 'CHICKEN', perPortion: 100, slots: 2 });
  else if (protein < 0.75) items.push({ code: 'EGG', perPortion: 60, slots: 2 });
  else if (protein < 0.95)
    items.push({ code: rng.chance(0.5) ? 'CATFISH' : 'MILKFISH', perPortion: 100, slots: 2 });
  else items.push({ code: 'BEEF', perPortion: 60, slots: 2 });
  if (protein >= 0.4 && protein < 0.75 ? false : rng.chance(0.25))
    items.push({ code: 'EGG', perPortion: 30, slots: 1 });
  items.push({ code: 'TOFU', perPortion: 50, slots: 1 });
  items.push({ code: 'TEMPEH', perPortion: 50, slots: 1 });
  const vegetables = ['SPINACH', 'WATER_SPINACH', 'CARROT', 'CABBAGE', 'LONG_BEAN', 'GREEN_BEAN', 'POTATO'];
  const nVeg = rng.int(4, 6);
  for (let i = 0; i < nVeg; i++) {
    const j = i + Math.floor(rng.next() * (vegetables.length - i));
    [vegetables[i], vegetables[j]] = [vegetables[j], vegetables[i]];
    items.push({ code: vegetables[i], perPortion: vegetables[i] === 'POTATO' ? 60 : 40, slots: 1 });
  }
  items.push({ code: 'SHALLOT', perPortion: 4, slots: 1 });
  items.push({ code: 'GARLIC', perPortion: 3, slots: 1 });
  if (rng.chance(0.8)) items.push({ code: 'BIRD_CHILI', perPortion: 1, slots: 1 });
  items.push({ code: 'COOKING_OIL', perPortion: 15, slots: 1 });
  items.push({ code: 'SUGAR', perPortion: 5, slots: 1 });
  const fruit = rng.next();
  items.push(
    fruit < 0.45
      ? { code: 'BANANA', perPortion: 100, slots: 2 }
      : fruit < 0.8
        ? { code: 'ORANGE', perPortion: 100, slots: 2 }
        : { code: 'WATERMELON', perPortion: 150, slots: 2 },
  );
  if (rng.chance(0.3)) items.push({ code: 'MILK_UHT', perPortion: 125, slots: 2 });
  return items;
}

/** How likely a cooperative is to hold a commodity (groceries common, fresh protein rarer). */
const CARRY_PROBABILITY: Record<string, number> = {
  RICE_MEDIUM: 0.6,
  RICE_PREMIUM: 0.6,
  EGG: 0.5,
  CHICKEN: 0.3,
  BEEF: 0.1,
  CATFISH: 0.2,
  MILKFISH: 0.15,
  TOFU: 0.3,
  TEMPEH: 0.3,
  COOKING_OIL: 0.6,
  SUGAR: 0.6,
  MILK_UHT: 0.25,
};
const DEFAULT_CARRY = 0.35;

/** Smallest award worth a delivery (base units), by commodity. */
export function minimumAwards(catalog: Catalog): Record<string, number> {
  const perCategory = (code: string): number => {
    if (code.startsWith('RICE')) return 25;
    if (
      [
        'EGG',
        'CHICKEN',
        'BEEF',
        'CATFISH',
        'MILKFISH',
        'TOFU',
        'TEMPEH',
        'BANANA',
        'ORANGE',
        'WATERMELON',
      ].includes(code)
    )
      return 10;
    if (code === 'MILK_UHT') return 20;
    if (['SHALLOT', 'GARLIC', 'BIRD_CHILI'].includes(code)) return 1;
    return 5;
  };
  return Object.fromEntries([...catalog.commodities.keys()].map((code) => [code, perCategory(code) * 1000]));
}

export interface MarketSpec {
  id: string;
  kitchens: number;
  cooperatives: number;
  /** Radius of the area kitchens and cooperatives are spread over. */
  radiusKm: number;
  center: GeoPoint;
  seed: number;
  /** Mean number of offers a line receives (before validity). */
  offersPerLine: number;
  /** Use Kota Blitar's real kitchen and cooperative locations (only with 11 and 21). */
  kotaBlitar?: boolean;
}

const DEFAULT_WEIGHTS: ScoringWeights = { price: 0.5, quality: 0.3, distance: 0.1, reliability: 0.1 };
const DAY_START = Date.UTC(2026, 0, 12, 1, 0, 0); // 08:00 WIB

function pointNear(rng: Rng, center: GeoPoint, radiusKm: number): GeoPoint {
  const r = radiusKm * Math.sqrt(rng.next());
  const theta = 2 * Math.PI * rng.next();
  const dLat = (r * Math.cos(theta)) / 111.32;
  const dLon = (r * Math.sin(theta)) / (111.32 * Math.cos((center.latitude * Math.PI) / 180));
  return { latitude: center.latitude + dLat, longitude: center.longitude + dLon };
}

function roundPrice(value: number): bigint {
  return BigInt(Math.max(50, Math.round(value / 50) * 50));
}

export function generateMarket(spec: MarketSpec, catalog: Catalog): AwardInput {
  const rng = new Rng(spec.seed);
  const p = spec.id;

  const useBlitar = spec.kotaBlitar && catalog.kotaBlitar !== null;
  const kitchenPlaces: Place[] = useBlitar
    ? catalog.kotaBlitar!.kitchens.slice(0, spec.kitchens)
    : Array.from({ length: spec.kitchens }, (_, i) => ({
        id: `${p}-k${i}`,
        location: pointNear(rng, spec.center, spec.radiusKm),
      }));
  const coopPlaces: Place[] = useBlitar
    ? catalog.kotaBlitar!.cooperatives.slice(0, spec.cooperatives)
    : Array.from({ length: spec.cooperatives }, (_, i) => ({
        id: `${p}-c${i}`,
        location: pointNear(rng, spec.center, spec.radiusKm),
      }));

  // ---- Demand: each kitchen's menu of the day. ----
  const lines: EngineLine[] = [];
  const demandOf = new Map<string, number>();
  kitchenPlaces.forEach((kitchen, ki) => {
    const portions = rng.int(2000, 3300);
    const weights: ScoringWeights = rng.chance(0.85)
      ? DEFAULT_WEIGHTS
      : (() => {
          const w = [rng.uniform(0.2, 1), rng.uniform(0, 0.6), rng.uniform(0, 0.3), rng.uniform(0, 0.3)];
          const sum = w[0] + w[1] + w[2] + w[3];
          return { price: w[0] / sum, quality: w[1] / sum, distance: w[2] / sum, reliability: w[3] / sum };
        })();
    const postedAt = rng.uniform(0, 6 * 3600_000);
    let li = 0;
    for (const item of menuOf(rng)) {
      const commodity = catalog.commodities.get(item.code)!;
      const totalKg = (item.perPortion * portions * rng.uniform(0.95, 1.05)) / 1000;
      const shares = item.slots === 2 ? [0.6, 0.4] : [1];
      for (const share of shares) {
        // Kitchens order round quantities: whole kilos, halves below 10.
        const qty = totalKg * share;
        const milli = qty >= 10 ? Math.round(qty) * 1000 : Math.max(500, Math.round(qty * 2) * 500);
        const ref = commodity.referencePrice;
        const line: EngineLine = {
          id: `${p}-k${ki}-l${li++}`,
          demandId: `${p}-k${ki}-d`,
          commodityCode: item.code,
          quantityMilli: milli,
          maxUnitPrice: rng.chance(0.25) ? roundPrice(ref * rng.uniform(1.0, 1.08)) : null,
          minGrade: rng.chance(0.03) ? 'A' : rng.chance(0.15) ? 'B' : null,
          weights,
          kitchenLocation: kitchen.location,
          kitchenId: kitchen.id,
          order: postedAt + li,
          baseUnit: commodity.baseUnit,
        };
        lines.push(line);
        demandOf.set(item.code, (demandOf.get(item.code) ?? 0) + milli);
      }
    }
  });

  // ---- Supply: lots of each cooperative, sized so a commodity's supply is 60–160% of demand. ----
  const suspended = coopPlaces.map(() => rng.chance(0.01));
  const reliability = coopPlaces.map(() => {
    const received = rng.chance(0.3) ? 0 : rng.int(1, 60);
    return { acceptedLines: Math.round(received * rng.uniform(0.85, 1)), receivedLines: received };
  });
  const lots: EngineLot[] = [];
  const lotMeta = new Map<string, { coop: number; price: number; grade: 'A' | 'B' | 'C' }>();
  const lotsByCommodity = new Map<string, EngineLot[]>();
  for (const [code, demand] of [...demandOf].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const commodity = catalog.commodities.get(code)!;
    const carry = CARRY_PROBABILITY[code] ?? DEFAULT_CARRY;
    let holders = coopPlaces.map((_, i) => i).filter(() => rng.chance(carry));
    if (holders.length === 0) holders = [rng.int(0, coopPlaces.length - 1)];
    const supply = demand * rng.uniform(0.6, 1.6);
    const shares = holders.map(() => -Math.log(1 - rng.next()) + 0.2);
    const shareSum = shares.reduce((s, x) => s + x, 0);
    const list: EngineLot[] = [];
    holders.forEach((coop, h) => {
      const nLots = rng.chance(0.1) ? 2 : 1;
      for (let j = 0; j < nLots; j++) {
        const milli = Math.max(1000, Math.round((supply * shares[h]) / shareSum / nLots / 1000) * 1000);
        const lot: EngineLot = {
          id: `${coopPlaces[coop].id}-${code}-${j}`,
          commodityCode: code,
          cooperativeId: coopPlaces[coop].id,
          availableMilli: milli,
        };
        const g = rng.next();
        lotMeta.set(lot.id, {
          coop,
          price: commodity.referencePrice * rng.uniform(0.9, 1.1),
          grade: g < 0.55 ? 'A' : g < 0.9 ? 'B' : 'C',
        });
        lots.push(lot);
        list.push(lot);
      }
    });
    lotsByCommodity.set(code, list);
  }

  // ---- Offers: each line gets offers from lots of its commodity near the kitchen. ----
  const offers: EngineOffer[] = [];
  let oi = 0;
  for (const line of lines) {
    const candidates = (lotsByCommodity.get(line.commodityCode) ?? [])
      .map((lot) => ({
        lot,
        km: haversineKm(line.kitchenLocation!, coopPlaces[lotMeta.get(lot.id)!.coop].location),
      }))
      .sort((a, b) => a.km - b.km || (a.lot.id < b.lot.id ? -1 : 1));
    // Nearer cooperatives are likelier to bid; the mean count is `offersPerLine`.
    const wanted = Math.max(1, Math.round(spec.offersPerLine * Math.exp(0.35 * rng.normal() - 0.06)));
    const pool = candidates.slice(0, Math.ceil(wanted * 1.6));
    for (const { lot } of pool) {
      if (!rng.chance(wanted / pool.length)) continue;
      const meta = lotMeta.get(lot.id)!;
      const want = line.quantityMilli * rng.uniform(0.3, 1.3);
      const quantityMilli = Math.max(500, Math.min(lot.availableMilli, Math.round(want / 500) * 500));
      offers.push({
        id: `${p}-o${oi++}`,
        lineId: line.id,
        cooperativeId: lot.cooperativeId,
        stockLotId: lot.id,
        quantityMilli,
        unitPrice: roundPrice(meta.price * rng.uniform(0.98, 1.03)),
        grade: meta.grade,
        submittedAt: DAY_START + Math.floor(rng.uniform(0, 10 * 3600_000)),
        cooperativeLocation: coopPlaces[meta.coop].location,
        cooperativeSuspended: suspended[meta.coop],
        reliability: reliability[meta.coop],
      });
    }
  }

  return {
    lines,
    offers,
    lots,
    rules: { maxSuppliersPerLine: 3, minAwardMilli: minimumAwards(catalog) },
  };
}

/** Kota Blitar as it is: 11 kitchens, 21 cooperatives (one per ward), real coordinates. */
export function kotaBlitarSpec(seed: number): MarketSpec {
  return {
    id: `blitar-${seed}`,
    kitchens: 11,
    cooperatives: 21,
    radiusKm: 4,
    center: { latitude: -8.0983, longitude: 112.1681 },
    seed,
    offersPerLine: 5,
    kotaBlitar: true,
  };
}

/** A large regency: 300 kitchens, 400 cooperatives, ≈30,000 offers. */
export function largeRegencySpec(seed: number): MarketSpec {
  return {
    id: `regency-${seed}`,
    kitchens: 300,
    cooperatives: 400,
    radiusKm: 30,
    center: { latitude: -8.1, longitude: 112.2 },
    seed,
    offersPerLine: 5,
  };
}

/**
 * The national day's markets: `count` regency markets sharing `kitchens` kitchens (sizes skewed
 * like real regencies: many small, a few large), generated lazily one at a time.
 */
export function* nationalDaySpecs(count: number, kitchens: number, seed: number): Generator<MarketSpec> {
  const rng = new Rng(seed);
  const weights = Array.from({ length: count }, () => Math.exp(0.8 * rng.normal()));
  const sum = weights.reduce((s, w) => s + w, 0);
  const sizes = weights.map((w) => Math.max(3, Math.round((w / sum) * kitchens)));
  let assigned = sizes.reduce((s, x) => s + x, 0);
  // Nudge the total to exactly `kitchens`.
  for (let i = 0; assigned !== kitchens; i = (i + 1) % count) {
    if (assigned > kitchens && sizes[i] > 3) {
      sizes[i]--;
      assigned--;
    } else if (assigned < kitchens) {
      sizes[i]++;
      assigned++;
    }
  }
  for (let m = 0; m < count; m++) {
    const k = sizes[m];
    yield {
      id: `m${m}`,
      kitchens: k,
      cooperatives: Math.round(k * rng.uniform(1.2, 1.6)) + 5,
      radiusKm: rng.uniform(10, 30),
      center: { latitude: rng.uniform(-8.5, 3.5), longitude: rng.uniform(96, 139) },
      seed: (seed * 1000 + m) >>> 0,
      offersPerLine: 4.6,
    };
  }
}
