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

export const ORGANIZATION_KINDS = [
  'KITCHEN',
  'COOPERATIVE',
  'CITY_OFFICE',
  'TRADE_CENTER',
  'CONSIGNOR',
] as const;
export type OrganizationKind = (typeof ORGANIZATION_KINDS)[number];
export const ROLES = [
  'KITCHEN_MANAGER',
  'COOPERATIVE_OPERATOR',
  'CITY_COORDINATOR',
  'TRADE_CENTER_OFFICER',
  'ADMIN',
] as const;
export type Role = (typeof ROLES)[number];

@Entity('region')
export class RegionEntity {
  /** Kemendagri code, e.g. 35.72 (Kota Blitar), 35.72.01.1001 (a ward). */
  @PrimaryColumn({ type: 'varchar', length: 20 })
  code: string;

  @Column({ type: 'varchar', length: 120 })
  name: string;

  @Column({ type: 'varchar', length: 20 })
  level: string;

  @Index()
  @Column({ type: 'varchar', length: 20, nullable: true })
  parentCode: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  timeZone: string | null;

  @Column({ type: 'int', nullable: true })
  priceZone: number | null;
}

@Entity('organization')
@Check('CHK_organization_kind', `kind IN ('KITCHEN','COOPERATIVE','CITY_OFFICE','TRADE_CENTER','CONSIGNOR')`)
export class OrganizationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 20 })
  kind: OrganizationKind;

  @Index()
  @Column({ type: 'varchar', length: 20 })
  regionCode: string;

  @ManyToOne(() => RegionEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'region_code' })
  region?: Relation<RegionEntity>;

  @Column({ type: 'double precision', nullable: true })
  latitude: number | null;

  @Column({ type: 'double precision', nullable: true })
  longitude: number | null;

  @Column({ type: 'boolean', default: false })
  suspended: boolean;

  @Column({ type: 'text', nullable: true })
  suspendedReason: string | null;

  /** Stable key of seeded organisations (kota-blitar.json), so seeding twice changes nothing. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 80, nullable: true })
  seedKey: string | null;

  @Column({ type: 'jsonb', default: () => `'{}'` })
  attributes: Record<string, unknown>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

@Entity('app_user')
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 200 })
  email: string;

  @Column({ type: 'varchar', length: 200 })
  name: string;

  @Column({ type: 'varchar', length: 30 })
  role: Role;

  @Index()
  @Column({ type: 'uuid', nullable: true })
  organizationId: string | null;

  @ManyToOne(() => OrganizationEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organization_id' })
  organization?: Relation<OrganizationEntity>;

  @Column({ type: 'varchar', length: 300 })
  passwordHash: string;

  /** Part of every access token; raising it revokes every token issued before. */
  @Column({ type: 'integer', default: 0 })
  tokenVersion: number;

  /** Set while the account is deactivated: no login, no token accepted. */
  @Column({ type: 'timestamptz', nullable: true })
  deactivatedAt: Date | null;

  /** Language of the user's notifications: 'id' (Bahasa Indonesia) or 'en'. */
  @Column({ type: 'varchar', length: 2, default: 'id' })
  language: string;

  /** E.164 mobile number for WhatsApp and SMS notifications, e.g. +6281234567890. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  phone: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
