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
import type { QualityGrade } from '../../../core/src/grade.js';
import { OrganizationEntity } from './identity.entity.js';

export const CERTIFICATE_KINDS = ['HALAL', 'PIRT', 'SLHS', 'BPOM_MD', 'NKV'] as const;
export type CertificateKind = (typeof CERTIFICATE_KINDS)[number];

/**
 * A food-safety or halal certificate an organisation holds: a cooperative, a consignor (UMKM,
 * BUMN) or a kitchen (SLHS). Valid through `validUntil` inclusive; an empty commodity list
 * covers everything the holder produces.
 */
@Entity('certificate')
@Index(['organizationId', 'kind', 'number'], { unique: true })
@Index(['validUntil'])
export class CertificateEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  organizationId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Relation<OrganizationEntity>;

  @Column({ type: 'varchar', length: 20 })
  kind: CertificateKind;

  @Column({ type: 'varchar', length: 80 })
  number: string;

  @Column({ type: 'date' })
  validUntil: string;

  /** Commodity codes the certificate covers; empty = the whole organisation. */
  @Column({ type: 'varchar', array: true, default: () => `'{}'` })
  commodityCodes: string[];

  /** The region of the holder, copied so coordinators' lists need no join. */
  @Column({ type: 'varchar', length: 20 })
  regionCode: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** Portions a kitchen served on one day: the denominator of its cost per portion. */
@Entity('portion_record')
@Check('CHK_portion_record_portions', 'portions > 0')
export class PortionRecordEntity {
  @PrimaryColumn({ type: 'uuid' })
  kitchenId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'kitchen_id' })
  kitchen?: Relation<OrganizationEntity>;

  @PrimaryColumn({ type: 'date' })
  date: string;

  @Column({ type: 'int' })
  portions: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  recordedAt: Date;
}

/** One line of a template, as a kitchen would type it on postDemand (quantity in thousandths). */
export interface TemplateLine {
  commodityCode: string;
  quantityMilli: number;
  /** Whole rupiah as a decimal string (jsonb has no bigint). */
  maxUnitPrice: string | null;
  minGrade: QualityGrade | null;
}

/** A kitchen's saved shopping list, posted again as a demand without retyping. */
@Entity('demand_template')
@Index(['kitchenId', 'name'], { unique: true })
export class DemandTemplateEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  kitchenId: string;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'kitchen_id' })
  kitchen?: Relation<OrganizationEntity>;

  @Column({ type: 'varchar', length: 120 })
  name: string;

  @Column({ type: 'jsonb' })
  lines: TemplateLine[];

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
