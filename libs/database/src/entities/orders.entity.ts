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

/** One purchase order per kitchen x cooperative x demand. */
@Entity('purchase_order')
@Index(['demandId', 'cooperativeId'], { unique: true })
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

  @Column({ type: 'timestamptz', nullable: true })
  dispatchedAt: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  receivedAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

@Entity('order_line')
@Check('CHK_order_line_quantity', 'quantity > 0')
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

  /** An offer is awarded at most once: a re-run of the evaluation cannot add a second line. */
  @Index({ unique: true })
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
