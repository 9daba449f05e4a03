import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  PrimaryGeneratedColumn,
  type Relation,
} from 'typeorm';
import { QUANTITY_COLUMN, RUPIAH_COLUMN } from '../column-types.js';
import { CommodityEntity } from './catalog.entity.js';
import { OrganizationEntity } from './identity.entity.js';
import {
  DemandLineEntity,
  DemandRequestEntity,
  MarketBatchEntity,
  OfferEntity,
  StockLotEntity,
} from './market.entity.js';

export type OrderStatus = 'CONFIRMED' | 'DECLINED' | 'DISPATCHED' | 'RECEIVED' | 'CANCELLED';

/**
 * One purchase order per kitchen x cooperative x demand from the award, and one per
 * cooperative for each shortfall re-awarded later.
 */
@Entity('purchase_order')
// Rupiah travels as a JSON number: a total beyond 2^53 - 1 could never be read back.
@Check('CHK_purchase_order_total', 'total >= 0 AND total <= 9007199254740991')
@Index('UQ_purchase_order_award', ['demandId', 'cooperativeId'], {
  unique: true,
  where: 'shortfall_id IS NULL',
})
@Index('UQ_purchase_order_reaward', ['shortfallId', 'cooperativeId'], {
  unique: true,
  where: 'shortfall_id IS NOT NULL',
})
@Index(['kitchenId', 'createdAt'])
@Index(['cooperativeId', 'createdAt'])
@Index(['marketCode', 'createdAt'])
export class PurchaseOrderEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 40 })
  number: string;

  @Column({ type: 'uuid' })
  demandId: string;

  @ManyToOne(() => DemandRequestEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'demand_id' })
  demand?: Relation<DemandRequestEntity>;

  @Column({ type: 'uuid' })
  kitchenId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'kitchen_id' })
  kitchen?: Relation<OrganizationEntity>;

  @Column({ type: 'uuid' })
  cooperativeId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'cooperative_id' })
  cooperative?: Relation<OrganizationEntity>;

  @Column({ type: 'varchar', length: 20 })
  marketCode: string;

  @Column({ type: 'uuid' })
  batchId: string;

  @ManyToOne(() => MarketBatchEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'batch_id' })
  batch?: Relation<MarketBatchEntity>;

  @Column({ type: 'varchar', length: 20 })
  status: OrderStatus;

  @Column({ type: 'date' })
  deliveryDate: string;

  @Column({ type: 'timestamptz' })
  deliverBy: Date;

  @Column({ ...RUPIAH_COLUMN })
  total: bigint;

  /** Set when the order covers a shortfall (decline or rejection) rather than the first award. */
  @Column({ type: 'uuid', nullable: true })
  shortfallId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  dispatchedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  receivedAt: Date | null;

  /** Received after deliverBy. */
  @Column({ type: 'boolean', nullable: true })
  late: boolean | null;

  @Column({ type: 'text', nullable: true })
  declineReason: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  inspectorName: string | null;

  @Column({ type: 'double precision', nullable: true })
  temperatureCelsius: number | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  photoUrl: string | null;

  @Column({ type: 'text', nullable: true })
  inspectionNotes: string | null;

  /** Why the coordinator should look at this order (e.g. its cooperative was suspended). */
  @Column({ type: 'text', nullable: true })
  attentionReason: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

@Entity('order_line')
@Index('UQ_order_line_offer_per_order', ['orderId', 'offerId'], { unique: true })
@Check('CHK_order_line_quantity', 'quantity > 0')
@Check('CHK_order_line_price', 'unit_price >= 0 AND unit_price <= 9007199254740991')
@Check(
  'CHK_order_line_receipt',
  'accepted_quantity IS NULL OR (accepted_quantity >= 0 AND rejected_quantity >= 0 AND accepted_quantity + rejected_quantity = quantity)',
)
export class OrderLineEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({ type: 'uuid' })
  orderId: string;

  @ManyToOne(() => PurchaseOrderEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'order_id' })
  order?: Relation<PurchaseOrderEntity>;

  @Index()
  @Column({ type: 'uuid' })
  demandLineId: string;

  @ManyToOne(() => DemandLineEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'demand_line_id' })
  demandLine?: Relation<DemandLineEntity>;

  /** An offer appears once per order: a re-run of an evaluation cannot add a second line. */
  @Index()
  @Column({ type: 'uuid' })
  offerId: string;

  @ManyToOne(() => OfferEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'offer_id' })
  offer?: Relation<OfferEntity>;

  @Column({ type: 'varchar', length: 40 })
  commodityCode: string;

  @ManyToOne(() => CommodityEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'commodity_code' })
  commodity?: Relation<CommodityEntity>;

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

  @Column({ ...QUANTITY_COLUMN, nullable: true })
  acceptedQuantity: number | null;

  @Column({ ...QUANTITY_COLUMN, nullable: true })
  rejectedQuantity: number | null;

  @Column({ type: 'text', nullable: true })
  rejectionReason: string | null;
}

/** Hands out human-readable order numbers per market and delivery date. */
@Entity('order_number_counter')
export class OrderNumberCounterEntity {
  @PrimaryColumn({ type: 'varchar', length: 20 })
  marketCode: string;

  @PrimaryColumn({ type: 'date' })
  deliveryDate: string;

  @Column({ type: 'int' })
  lastNumber: number;
}
