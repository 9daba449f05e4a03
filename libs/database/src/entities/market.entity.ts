import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { QUANTITY_COLUMN, RUPIAH_COLUMN } from '../column-types.js';
import type { QualityGrade } from '../../../core/src/grade.js';
import { CommodityEntity } from './catalog.entity.js';
import { OrganizationEntity } from './identity.entity.js';

export type StockSource = 'OWN' | 'CONSIGNMENT' | 'BUMN';
export type DemandStatus = 'OPEN' | 'EVALUATING' | 'AWARDED' | 'PARTIALLY_AWARDED' | 'UNFILLED' | 'CANCELLED';
export type OfferStatus =
  'SUBMITTED' | 'WITHDRAWN' | 'AWARDED' | 'PARTIALLY_AWARDED' | 'NOT_AWARDED' | 'INVALID';
export type BatchStatus = 'PENDING' | 'EVALUATED';

@Entity('stock_lot')
@Check('CHK_stock_lot_reserved', 'reserved_quantity >= 0 AND reserved_quantity <= quantity')
@Check('CHK_stock_lot_quantity', 'quantity > 0')
@Index(['cooperativeId', 'createdAt'])
export class StockLotEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  cooperativeId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'cooperative_id' })
  cooperative?: Relation<OrganizationEntity>;

  @Column({ type: 'varchar', length: 40 })
  commodityCode: string;

  @ManyToOne(() => CommodityEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'commodity_code' })
  commodity?: Relation<CommodityEntity>;

  /** The market (regency code) the lot is offered in. */
  @Column({ type: 'varchar', length: 20 })
  marketCode: string;

  @Column({ ...QUANTITY_COLUMN })
  quantity: number;

  /** What awards have promised out of this lot; the CHECK keeps it within the quantity. */
  @Column({ ...QUANTITY_COLUMN, default: 0 })
  reservedQuantity: number;

  @Column({ type: 'varchar', length: 1 })
  grade: QualityGrade;

  @Column({ type: 'varchar', length: 20 })
  source: StockSource;

  @Column({ type: 'uuid', nullable: true })
  consignorId: string | null;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'consignor_id' })
  consignor?: Relation<OrganizationEntity>;

  @Column({ ...RUPIAH_COLUMN, nullable: true })
  unitCost: bigint | null;

  @Column({ type: 'date', nullable: true })
  expiresOn: string | null;

  /** Unsold consignment stock handed back to its consignor: the lot is closed. */
  @Column({ type: 'timestamptz', nullable: true })
  returnedAt: Date | null;

  @Column({ type: 'text', nullable: true })
  returnNote: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

@Entity('demand_request')
@Index(['kitchenId', 'createdAt'])
@Index(['marketCode', 'status', 'biddingClosesAt'])
export class DemandRequestEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  kitchenId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'kitchen_id' })
  kitchen?: Relation<OrganizationEntity>;

  /** Regency/city code of the kitchen: the market this demand is evaluated in. */
  @Column({ type: 'varchar', length: 20 })
  marketCode: string;

  @Column({ type: 'varchar', length: 20 })
  status: DemandStatus;

  @Column({ type: 'date' })
  deliveryDate: string;

  @Column({ type: 'timestamptz' })
  biddingClosesAt: Date;

  @Column({ type: 'timestamptz' })
  deliverBy: Date;

  @Column({ type: 'double precision' })
  weightPrice: number;

  @Column({ type: 'double precision' })
  weightQuality: number;

  @Column({ type: 'double precision' })
  weightDistance: number;

  @Column({ type: 'double precision' })
  weightReliability: number;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  @Column({ type: 'uuid', nullable: true })
  replacesId: string | null;

  @ManyToOne(() => DemandRequestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'replaces_id' })
  replaces?: Relation<DemandRequestEntity>;

  @Column({ type: 'uuid', nullable: true })
  batchId: string | null;

  @Column({ type: 'uuid' })
  createdBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

@Entity('demand_line')
@Index(['demandId', 'lineNo'], { unique: true })
@Check('CHK_demand_line_quantity', 'quantity > 0')
// The ledger never awards more than a line asks for, nor takes back more than it gave.
@Check('CHK_demand_line_awarded', 'awarded_quantity >= 0 AND awarded_quantity <= quantity')
@Check(
  'CHK_demand_line_max_price',
  'max_unit_price IS NULL OR (max_unit_price >= 0 AND max_unit_price <= 9007199254740991)',
)
export class DemandLineEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  demandId: string;

  @ManyToOne(() => DemandRequestEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'demand_id' })
  demand?: Relation<DemandRequestEntity>;

  @Column({ type: 'int' })
  lineNo: number;

  @Column({ type: 'varchar', length: 40 })
  commodityCode: string;

  @ManyToOne(() => CommodityEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'commodity_code' })
  commodity?: Relation<CommodityEntity>;

  @Column({ ...QUANTITY_COLUMN })
  quantity: number;

  @Column({ ...RUPIAH_COLUMN, nullable: true })
  maxUnitPrice: bigint | null;

  @Column({ type: 'varchar', length: 1, nullable: true })
  minGrade: QualityGrade | null;

  @Column({ ...QUANTITY_COLUMN, default: 0 })
  awardedQuantity: number;
}

@Entity('offer')
// One standing offer per lot and line: to change it, withdraw and offer again.
@Index('UQ_offer_standing_per_lot_and_line', ['demandLineId', 'stockLotId'], {
  unique: true,
  where: `status = 'SUBMITTED'`,
})
@Index(['cooperativeId', 'createdAt'])
@Index(['demandLineId', 'status'])
@Check('CHK_offer_quantity', 'quantity > 0')
@Check('CHK_offer_price', 'unit_price >= 0')
// Rupiah travels as a JSON number: nothing stored may exceed 2^53 - 1.
@Check('CHK_offer_price_safe', 'unit_price <= 9007199254740991')
export class OfferEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  demandLineId: string;

  @ManyToOne(() => DemandLineEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'demand_line_id' })
  demandLine?: Relation<DemandLineEntity>;

  @Index()
  @Column({ type: 'uuid' })
  demandId: string;

  @ManyToOne(() => DemandRequestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'demand_id' })
  demand?: Relation<DemandRequestEntity>;

  @Column({ type: 'uuid' })
  cooperativeId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'cooperative_id' })
  cooperative?: Relation<OrganizationEntity>;

  @Index()
  @Column({ type: 'uuid' })
  stockLotId: string;

  @ManyToOne(() => StockLotEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'stock_lot_id' })
  stockLot?: Relation<StockLotEntity>;

  @Column({ ...QUANTITY_COLUMN })
  quantity: number;

  @Column({ ...RUPIAH_COLUMN })
  unitPrice: bigint;

  @Column({ type: 'varchar', length: 1 })
  grade: QualityGrade;

  @Column({ type: 'varchar', length: 20 })
  status: OfferStatus;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** One evaluation run: the demand of one market that closed at one moment. */
@Entity('market_batch')
@Index(['marketCode', 'deliveryDate', 'closesAt'], { unique: true })
export class MarketBatchEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 20 })
  marketCode: string;

  @Column({ type: 'date' })
  deliveryDate: string;

  @Column({ type: 'timestamptz' })
  closesAt: Date;

  @Column({ type: 'varchar', length: 20 })
  status: BatchStatus;

  @Column({ type: 'varchar', length: 40, nullable: true })
  engineVersion: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  inputHash: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  solverStatus: string | null;

  @Column({ type: 'double precision', nullable: true })
  objective: number | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  evaluatedAt: Date | null;
}

@Entity('offer_evaluation')
@Index(['offerId', 'batchId'], { unique: true })
export class OfferEvaluationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  batchId: string;

  @ManyToOne(() => MarketBatchEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'batch_id' })
  batch?: Relation<MarketBatchEntity>;

  @Column({ type: 'uuid' })
  offerId: string;

  @ManyToOne(() => OfferEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'offer_id' })
  offer?: Relation<OfferEntity>;

  @Index()
  @Column({ type: 'uuid' })
  demandLineId: string;

  @ManyToOne(() => DemandLineEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'demand_line_id' })
  demandLine?: Relation<DemandLineEntity>;

  @Column({ type: 'boolean' })
  valid: boolean;

  @Column({ type: 'varchar', length: 40, nullable: true })
  invalidReason: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  unawardedReason: string | null;

  @Column({ type: 'double precision' })
  priceScore: number;

  @Column({ type: 'double precision' })
  qualityScore: number;

  @Column({ type: 'double precision' })
  distanceScore: number;

  @Column({ type: 'double precision' })
  reliabilityScore: number;

  @Column({ type: 'double precision' })
  total: number;

  @Column({ type: 'int' })
  rank: number;

  @Column({ ...QUANTITY_COLUMN })
  awardedQuantity: number;

  @Column({ type: 'text' })
  explanationEn: string;

  @Column({ type: 'text' })
  explanationId: string;
}
