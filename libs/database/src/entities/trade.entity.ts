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
import type { QualityGrade } from '../../../core/src/grade.js';
import { QUANTITY_COLUMN, RUPIAH_COLUMN } from '../column-types.js';
import { CommodityEntity } from './catalog.entity.js';
import { OrganizationEntity } from './identity.entity.js';
import { StockLotEntity } from './market.entity.js';

export type TradeContractStatus = 'OPEN' | 'IN_DELIVERY' | 'COMPLETED' | 'CANCELLED';
export type ShipmentStatus =
  'PLEDGING' | 'ALLOTTED' | 'CONSOLIDATING' | 'DISPATCHED' | 'DELIVERED' | 'CANCELLED';
export type PledgeStatus =
  'PLEDGED' | 'WITHDRAWN' | 'ALLOTTED' | 'PARTIALLY_ALLOTTED' | 'NOT_ALLOTTED' | 'INVALID';
export type AllotmentStatus = 'ALLOTTED' | 'RECEIVED' | 'PAID';

/** A Trade Center's contract with a buyer in another region, delivered in shipments. */
@Entity('trade_contract')
@Index(['regionCode', 'createdAt'])
@Check('CHK_trade_contract_levy', 'levy_rate_ppm >= 0 AND levy_rate_ppm < 1000000')
@Check('CHK_trade_contract_cap', 'max_share_ppm IS NULL OR (max_share_ppm > 0 AND max_share_ppm <= 1000000)')
export class TradeContractEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 40 })
  number: string;

  @Column({ type: 'uuid' })
  tradeCenterId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'trade_center_id' })
  tradeCenter?: Relation<OrganizationEntity>;

  /** The regency whose cooperatives are allotted the shipments (the Trade Center's market). */
  @Column({ type: 'varchar', length: 20 })
  regionCode: string;

  @Column({ type: 'varchar', length: 200 })
  buyerName: string;

  @Column({ type: 'varchar', length: 300 })
  destination: string;

  @Column({ type: 'varchar', length: 40 })
  commodityCode: string;

  @ManyToOne(() => CommodityEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'commodity_code' })
  commodity?: Relation<CommodityEntity>;

  @Column({ type: 'varchar', length: 1 })
  minGrade: QualityGrade;

  @Column({ ...RUPIAH_COLUMN })
  unitPrice: bigint;

  /** Levy rate in parts per million: exact, so levy arithmetic stays in integers. */
  @Column({ type: 'int' })
  levyRatePpm: number;

  @Column({ type: 'int', nullable: true })
  maxSharePpm: number | null;

  @Column({ ...QUANTITY_COLUMN })
  totalQuantity: number;

  @Column({ type: 'varchar', length: 20 })
  status: TradeContractStatus;

  @Column({ type: 'text', nullable: true })
  cancelReason: string | null;

  @Column({ type: 'uuid' })
  createdBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

@Entity('trade_shipment')
@Index(['contractId', 'sequence'], { unique: true })
@Index(['status', 'pledgesCloseAt'])
@Check('CHK_trade_shipment_quantity', 'quantity > 0')
@Check('CHK_trade_shipment_allotted', 'allotted_quantity >= 0 AND allotted_quantity <= quantity')
export class TradeShipmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  contractId: string;

  @ManyToOne(() => TradeContractEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'contract_id' })
  contract?: Relation<TradeContractEntity>;

  @Column({ type: 'int' })
  sequence: number;

  @Column({ ...QUANTITY_COLUMN })
  quantity: number;

  @Column({ type: 'timestamptz' })
  pledgesCloseAt: Date;

  @Column({ type: 'timestamptz' })
  consolidateBy: Date;

  @Column({ type: 'varchar', length: 20 })
  status: ShipmentStatus;

  /** Quantity currently promised to cooperatives (allotted minus rejected). */
  @Column({ ...QUANTITY_COLUMN, default: 0 })
  allottedQuantity: number;

  @Column({ ...QUANTITY_COLUMN, default: 0 })
  acceptedQuantity: number;

  /** Allotment rounds run so far (1 at pledgesCloseAt, one more per re-allotment). */
  @Column({ type: 'int', default: 0 })
  rounds: number;

  @Column({ type: 'timestamptz', nullable: true })
  dispatchedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  deliveredAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

@Entity('trade_pledge')
// One standing pledge per lot and shipment: to change it, withdraw and pledge again.
@Index('UQ_trade_pledge_standing_per_lot', ['shipmentId', 'stockLotId'], {
  unique: true,
  where: `status = 'PLEDGED'`,
})
@Index(['cooperativeId', 'createdAt'])
@Index(['shipmentId', 'status'])
@Check('CHK_trade_pledge_quantity', 'quantity > 0')
export class TradePledgeEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  shipmentId: string;

  @ManyToOne(() => TradeShipmentEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'shipment_id' })
  shipment?: Relation<TradeShipmentEntity>;

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

  @Column({ type: 'varchar', length: 20 })
  status: PledgeStatus;

  @Column({ type: 'varchar', length: 40, nullable: true })
  invalidReason: string | null;

  @Column({ type: 'text', nullable: true })
  explanationEn: string | null;

  @Column({ type: 'text', nullable: true })
  explanationId: string | null;

  @Column({ type: 'uuid' })
  createdBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** A cooperative's share of a shipment out of one pledge, in one allotment round. Reserves stock. */
@Entity('trade_allotment')
@Index(['pledgeId', 'round'], { unique: true })
@Index(['shipmentId'])
@Index(['cooperativeId', 'createdAt'])
@Check('CHK_trade_allotment_quantity', 'quantity > 0')
@Check(
  'CHK_trade_allotment_receipt',
  'accepted_quantity IS NULL OR (accepted_quantity >= 0 AND rejected_quantity >= 0 AND accepted_quantity + rejected_quantity = quantity)',
)
@Check('CHK_trade_allotment_money', 'gross_amount = levy_amount + net_amount AND levy_amount >= 0')
export class TradeAllotmentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  shipmentId: string;

  @ManyToOne(() => TradeShipmentEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'shipment_id' })
  shipment?: Relation<TradeShipmentEntity>;

  @Column({ type: 'uuid' })
  pledgeId: string;

  @ManyToOne(() => TradePledgeEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'pledge_id' })
  pledge?: Relation<TradePledgeEntity>;

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

  @Column({ type: 'int' })
  round: number;

  @Column({ ...QUANTITY_COLUMN })
  quantity: number;

  @Column({ type: 'varchar', length: 20 })
  status: AllotmentStatus;

  @Column({ ...QUANTITY_COLUMN, nullable: true })
  acceptedQuantity: number | null;

  @Column({ ...QUANTITY_COLUMN, nullable: true })
  rejectedQuantity: number | null;

  @Column({ type: 'text', nullable: true })
  rejectionReason: string | null;

  @Column({ ...RUPIAH_COLUMN, default: 0 })
  grossAmount: bigint;

  @Column({ ...RUPIAH_COLUMN, default: 0 })
  levyAmount: bigint;

  @Column({ ...RUPIAH_COLUMN, default: 0 })
  netAmount: bigint;

  @Column({ type: 'text' })
  explanationEn: string;

  @Column({ type: 'text' })
  explanationId: string;

  @Column({ type: 'timestamptz', nullable: true })
  receivedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  paidAt: Date | null;

  @Column({ type: 'varchar', length: 120, nullable: true })
  paymentReference: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/**
 * The levy ledger: one entry per paid allotment, append-only (a trigger refuses UPDATE and
 * DELETE). The city's revenue is the sum of its levy column.
 */
@Entity('trade_levy_entry')
@Index(['regionCode', 'bookedAt'])
@Check('CHK_trade_levy_entry_sum', 'gross_amount = levy_amount + net_amount')
export class TradeLevyEntryEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index({ unique: true })
  @Column({ type: 'uuid' })
  allotmentId: string;

  @ManyToOne(() => TradeAllotmentEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'allotment_id' })
  allotment?: Relation<TradeAllotmentEntity>;

  @Index()
  @Column({ type: 'uuid' })
  contractId: string;

  @ManyToOne(() => TradeContractEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'contract_id' })
  contract?: Relation<TradeContractEntity>;

  @Column({ type: 'uuid' })
  cooperativeId: string;

  @Column({ type: 'varchar', length: 20 })
  regionCode: string;

  @Column({ ...QUANTITY_COLUMN })
  acceptedQuantity: number;

  @Column({ ...RUPIAH_COLUMN })
  grossAmount: bigint;

  @Column({ ...RUPIAH_COLUMN })
  levyAmount: bigint;

  @Column({ ...RUPIAH_COLUMN })
  netAmount: bigint;

  @Column({ type: 'varchar', length: 120 })
  paymentReference: string;

  @Column({ type: 'uuid' })
  bookedBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  bookedAt: Date;
}
