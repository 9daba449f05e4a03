import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { RUPIAH_COLUMN } from '../column-types.js';
import { RegionEntity } from './identity.entity.js';

@Entity('commodity')
export class CommodityEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  code: string;

  @Column({ type: 'varchar', length: 120 })
  name: string;

  @Column({ type: 'varchar', length: 120 })
  nameId: string;

  @Column({ type: 'varchar', length: 40 })
  category: string;

  @Column({ type: 'varchar', length: 20 })
  baseUnit: string;
}

@Entity('commodity_unit')
export class CommodityUnitEntity {
  @PrimaryColumn({ type: 'varchar', length: 40 })
  commodityCode: string;

  @ManyToOne(() => CommodityEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'commodity_code' })
  commodity?: Relation<CommodityEntity>;

  @PrimaryColumn({ type: 'varchar', length: 40 })
  code: string;

  @Column({ type: 'varchar', length: 120 })
  label: string;

  /** How many base units one of this unit is, exact to a thousandth (a butir of egg = 0.0625 kg needs more: stored as text numeric). */
  @Column({ type: 'numeric', precision: 14, scale: 6 })
  toBase: string;
}

@Entity('reference_price')
@Index(['commodityCode', 'regionCode', 'kind', 'validFrom'], { unique: true })
export class ReferencePriceEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 40 })
  commodityCode: string;

  @ManyToOne(() => CommodityEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'commodity_code' })
  commodity?: Relation<CommodityEntity>;

  @Column({ type: 'varchar', length: 20 })
  regionCode: string;

  @ManyToOne(() => RegionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'region_code' })
  region?: Relation<RegionEntity>;

  @Column({ ...RUPIAH_COLUMN })
  unitPrice: bigint;

  @Column({ type: 'date' })
  validFrom: string;

  @Column({ type: 'varchar', length: 300 })
  source: string;

  /** HET: legal ceiling (an offer above it is invalid); HAP: government reference; MARKET: observed. */
  @Column({ type: 'varchar', length: 10, default: 'MARKET' })
  kind: ReferencePriceKind;
}

export const REFERENCE_PRICE_KINDS = ['HET', 'HAP', 'MARKET'] as const;
export type ReferencePriceKind = (typeof REFERENCE_PRICE_KINDS)[number];

/** Per-regency market rules (split awards, default weights); absent row = defaults. */
@Entity('market_policy')
export class MarketPolicyEntity {
  @PrimaryColumn({ type: 'varchar', length: 20 })
  regionCode: string;

  @Column({ type: 'int', default: 3 })
  maxSuppliersPerLine: number;

  @Column({ type: 'double precision', default: 0.5 })
  weightPrice: number;

  @Column({ type: 'double precision', default: 0.3 })
  weightQuality: number;

  @Column({ type: 'double precision', default: 0.1 })
  weightDistance: number;

  @Column({ type: 'double precision', default: 0.1 })
  weightReliability: number;

  /** commodity code -> minimum award in thousandths of the base unit. */
  @Column({ type: 'jsonb', default: () => `'{}'` })
  minAwardMilli: Record<string, number>;

  /** [{ commodityCode, kind }]: certificates an offer of the commodity needs (its producer's). */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  requiredCertificates: { commodityCode: string; kind: string }[];

  /** BGN's rule: distinct suppliers per kitchen per 10-day funding cycle. */
  @Column({ type: 'int', default: 15 })
  minSuppliersPerKitchen: number;

  /** Ingredient budget per portion, whole rupiah. */
  @Column({ type: 'bigint', default: 10000, transformer: RUPIAH_COLUMN.transformer })
  budgetPerPortion: bigint;

  /**
   * Diversity objective: among allocations within this share of the optimum's score (coverage
   * never lower), prefer cooperatives that have not supplied the kitchen this cycle. Null = off.
   */
  @Column({ type: 'double precision', nullable: true })
  diversityTolerance: number | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
