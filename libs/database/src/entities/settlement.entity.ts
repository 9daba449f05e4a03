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
import { OrganizationEntity } from './identity.entity.js';
import { DemandLineEntity, StockLotEntity } from './market.entity.js';
import { OrderLineEntity, PurchaseOrderEntity } from './orders.entity.js';

export type InvoiceStatus = 'ISSUED' | 'PARTIALLY_PAID' | 'PAID';
export type PayableStatus = 'OPEN' | 'PAID';
export type ShortfallSource = 'DECLINE' | 'REJECTION';
export type ShortfallStatus = 'PENDING' | 'RESOLVED';

/** The cooperative's invoice for one received order: accepted quantity x unit price, never more. */
@Entity('invoice')
@Check('CHK_invoice_paid', 'paid >= 0 AND paid <= total')
@Check('CHK_invoice_total', 'total >= 0 AND total <= 9007199254740991')
@Index(['kitchenId', 'issuedAt'])
@Index(['cooperativeId', 'issuedAt'])
@Index(['marketCode', 'issuedAt'])
export class InvoiceEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 40 })
  number: string;

  @Index({ unique: true })
  @Column({ type: 'uuid' })
  orderId: string;

  @ManyToOne(() => PurchaseOrderEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'order_id' })
  order?: Relation<PurchaseOrderEntity>;

  @Column({ type: 'uuid' })
  cooperativeId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'cooperative_id' })
  cooperative?: Relation<OrganizationEntity>;

  @Column({ type: 'uuid' })
  kitchenId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'kitchen_id' })
  kitchen?: Relation<OrganizationEntity>;

  @Column({ type: 'varchar', length: 20 })
  marketCode: string;

  @Column({ ...RUPIAH_COLUMN })
  total: bigint;

  @Column({ ...RUPIAH_COLUMN, default: 0 })
  paid: bigint;

  @Column({ type: 'varchar', length: 20 })
  status: InvoiceStatus;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  issuedAt: Date;
}

@Entity('payment')
@Check('CHK_payment_amount', 'amount > 0')
export class PaymentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column({ type: 'uuid' })
  invoiceId: string;

  @ManyToOne(() => InvoiceEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'invoice_id' })
  invoice?: Relation<InvoiceEntity>;

  @Column({ ...RUPIAH_COLUMN })
  amount: bigint;

  @Column({ type: 'varchar', length: 120 })
  reference: string;

  @Column({ type: 'uuid' })
  recordedBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  recordedAt: Date;
}

/** What a cooperative owes a consignor (UMKM or BUMN) once consigned goods are accepted. */
@Entity('consignment_payable')
@Check('CHK_consignment_payable_amount', 'quantity >= 0 AND amount >= 0 AND amount <= 9007199254740991')
@Check('CHK_consignment_payable_source', '(order_line_id IS NULL) <> (trade_allotment_id IS NULL)')
@Index(['cooperativeId', 'status'])
@Index(['consignorId', 'status'])
export class ConsignmentPayableEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  consignorId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'consignor_id' })
  consignor?: Relation<OrganizationEntity>;

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

  /** One payable per accepted order line: a repeated receipt cannot owe twice. */
  @Index({ unique: true })
  @Column({ type: 'uuid', nullable: true })
  orderLineId: string | null;

  @ManyToOne(() => OrderLineEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'order_line_id' })
  orderLine?: Relation<OrderLineEntity>;

  /** Or one per Trade Center allotment sold out of a consigned lot (exactly one of the two is set). */
  @Index({ unique: true })
  @Column({ type: 'uuid', nullable: true })
  tradeAllotmentId: string | null;

  @Column({ type: 'varchar', length: 20 })
  marketCode: string;

  @Column({ ...QUANTITY_COLUMN })
  quantity: number;

  @Column({ ...RUPIAH_COLUMN })
  amount: bigint;

  @Column({ type: 'varchar', length: 20 })
  status: PayableStatus;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  paidAt: Date | null;

  @Column({ type: 'varchar', length: 120, nullable: true })
  settlementReference: string | null;
}

/**
 * Quantity a kitchen still needs after a decline or a rejection on receipt. The worker tries
 * the offers still standing, then a short re-tender, then alerts the coordinators; a shortfall
 * is resolved once, whatever the retries.
 */
@Entity('shortfall')
@Check(
  'CHK_shortfall_quantity',
  'quantity > 0 AND reawarded_quantity >= 0 AND reawarded_quantity <= quantity',
)
@Index(['source', 'sourceId', 'demandLineId'], { unique: true })
export class ShortfallEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 20 })
  source: ShortfallSource;

  /** The declined order or the rejected order line. */
  @Column({ type: 'uuid' })
  sourceId: string;

  @Column({ type: 'uuid' })
  demandLineId: string;

  @ManyToOne(() => DemandLineEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'demand_line_id' })
  demandLine?: Relation<DemandLineEntity>;

  /** The cooperative that declined or delivered the rejected goods: not asked again. */
  @Column({ type: 'uuid' })
  excludedCooperativeId: string;

  @Column({ ...QUANTITY_COLUMN })
  quantity: number;

  @Column({ type: 'varchar', length: 20 })
  status: ShortfallStatus;

  @Column({ ...QUANTITY_COLUMN, default: 0 })
  reawardedQuantity: number;

  @Column({ type: 'uuid', nullable: true })
  retenderDemandId: string | null;

  @Column({ type: 'text', nullable: true })
  outcome: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** Something a coordinator must act on (a shortfall nobody can cover in time, a suspended supplier's orders). */
@Entity('alert')
@Index(['regionCode', 'createdAt'])
export class AlertEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 20 })
  regionCode: string;

  @Column({ type: 'varchar', length: 40 })
  kind: string;

  @Column({ type: 'uuid' })
  entityId: string;

  @Column({ type: 'text' })
  messageEn: string;

  @Column({ type: 'text' })
  messageId: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
