import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An in-app notification: one per (event, user), so a fan-out that runs twice stores nothing
 * twice. Title and body are written once, in the user's language at the time.
 */
@Entity('notification')
@Index('UQ_notification_event_user', ['eventKey', 'userId'], { unique: true })
@Index('IDX_notification_user_created', ['userId', 'createdAt'])
export class NotificationEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'uuid' })
  userId: string;

  @Column({ type: 'varchar', length: 30 })
  kind: string;

  /** What caused it: `<kind>.<subject>` of the outbox event (e.g. ORDER_DISPATCHED.<order id>). */
  @Column({ type: 'varchar', length: 200 })
  eventKey: string;

  @Column({ type: 'varchar', length: 300 })
  title: string;

  @Column({ type: 'text' })
  body: string;

  @Column({ type: 'varchar', length: 40, nullable: true })
  entityType: string | null;

  @Column({ type: 'uuid', nullable: true })
  entityId: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @Column({ type: 'timestamptz', nullable: true })
  readAt: Date | null;
}

/**
 * The delivery log: one row per (event, recipient, channel). The unique key is what makes a
 * delivery exactly-once: a repeated fan-out inserts nothing, a send job skips a row marked SENT.
 * The recipient is a user (IN_APP, WHATSAPP, SMS, EMAIL) or a webhook (WEBHOOK).
 */
@Entity('notification_delivery')
@Index('UQ_notification_delivery_event_recipient_channel', ['eventKey', 'recipientKey', 'channel'], {
  unique: true,
})
export class NotificationDeliveryEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 200 })
  eventKey: string;

  /** `user.<id>` or `webhook.<id>`. */
  @Column({ type: 'varchar', length: 100 })
  recipientKey: string;

  @Column({ type: 'varchar', length: 20 })
  channel: string;

  @Column({ type: 'varchar', length: 30 })
  kind: string;

  @Index('IDX_notification_delivery_notification')
  @Column({ type: 'uuid', nullable: true })
  notificationId: string | null;

  @Column({ type: 'uuid', nullable: true })
  webhookId: string | null;

  /** Phone (E.164), e-mail address or URL, as it was when the delivery was planned. */
  @Column({ type: 'varchar', length: 500, nullable: true })
  address: string | null;

  /** What an outside channel sends (title, body; a webhook's JSON payload), fixed when planned. */
  @Column({ type: 'jsonb', nullable: true })
  content: Record<string, unknown> | null;

  /** PENDING, SENT or FAILED (a failure that will never succeed, or retries used up). */
  @Column({ type: 'varchar', length: 10 })
  status: string;

  @Column({ type: 'int', default: 0 })
  attempts: number;

  @Column({ type: 'text', nullable: true })
  lastError: string | null;

  @Column({ type: 'varchar', length: 200, nullable: true })
  providerMessageId: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  sentAt: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}

/** A user's channels for one kind; absent: the defaults. IN_APP is always on. */
@Entity('notification_preference')
export class NotificationPreferenceEntity {
  @PrimaryColumn({ type: 'uuid' })
  userId: string;

  @PrimaryColumn({ type: 'varchar', length: 30 })
  kind: string;

  @Column({ type: 'varchar', array: true })
  channels: string[];
}
