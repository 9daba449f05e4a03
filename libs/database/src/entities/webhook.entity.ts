import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An organisation's webhook (owned by libs/notify): where its notifications of some kinds are
 * POSTed, signed with a secret shown to the organisation once.
 */
@Entity('webhook')
@Index(['organizationId', 'createdAt'])
export class WebhookEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  organizationId: string;

  @Column({ type: 'varchar', length: 2000 })
  url: string;

  /** NotificationKind names. */
  @Column({ type: 'text', array: true })
  kinds: string[];

  /**
   * The signing secret, encrypted (AES-256-GCM, key from the config: WEBHOOK_SECRET_KEY or one
   * derived from JWT_SECRET): the worker needs the secret itself to sign, so it cannot be a hash.
   */
  @Column({ type: 'text' })
  secretCiphertext: string;

  @Column({ type: 'uuid' })
  createdBy: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
