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
@Index(['commodityCode', 'regionCode', 'validFrom'], { unique: true })
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
}

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

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updatedAt: Date;
}
