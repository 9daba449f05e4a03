import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * Transactional outbox: a state change and the jobs it causes commit together; the relay
 * moves rows into BullMQ afterwards, so a Redis outage delays work but never loses it.
 */
@Entity('outbox_message')
@Index(['publishedAt', 'id'])
export class OutboxMessageEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 60 })
  queue: string;

  @Column({ type: 'varchar', length: 60 })
  jobName: string;

  /** Deterministic BullMQ job id: what the job is about, so duplicates collapse. */
  @Column({ type: 'varchar', length: 200 })
  jobId: string;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  /** Earliest moment the job may run (delayed jobs such as closing bidding). */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  runAt: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  publishedAt: Date | null;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  /**
   * A relay's lease on the row while it publishes (committed at once, so no transaction stays
   * open while Redis is slow); once it lapses another relay may take the row.
   */
  @Column({ type: 'timestamptz', nullable: true })
  claimedUntil: Date | null;

  /** Which relay (host:pid:random) holds or last held the lease, for diagnosis. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  claimedBy: string | null;
}

/** A mutation's first answer, replayed when a phone retries with the same Idempotency-Key. */
@Entity('idempotency_record')
@Index(['createdAt'])
export class IdempotencyRecordEntity {
  /** User id, or "anonymous" for login. */
  @PrimaryColumn({ type: 'varchar', length: 60 })
  scope: string;

  @PrimaryColumn({ type: 'varchar', length: 200 })
  key: string;

  @Column({ type: 'varchar', length: 64 })
  requestHash: string;

  @Column({ type: 'jsonb', nullable: true })
  response: Record<string, unknown> | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** Append-only record of every state change; never updated or deleted through the API. */
@Entity('audit_entry')
@Index(['entityId', 'at'])
export class AuditEntryEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  at: Date;

  @Column({ type: 'uuid', nullable: true })
  actorUserId: string | null;

  @Column({ type: 'varchar', length: 60 })
  action: string;

  @Column({ type: 'varchar', length: 40 })
  entityType: string;

  @Column({ type: 'uuid' })
  entityId: string;

  /** Region code of the entity, for coordinators' visibility. */
  @Column({ type: 'varchar', length: 20 })
  regionCode: string;

  @Column({ type: 'jsonb', nullable: true })
  before: Record<string, unknown> | null;

  @Column({ type: 'jsonb', nullable: true })
  after: Record<string, unknown> | null;
}
