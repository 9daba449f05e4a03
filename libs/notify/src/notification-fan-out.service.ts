import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import { enqueueInTransaction } from '../../jobs/src/outbox.js';
import { JOB_SEND_NOTIFICATION, jobIds } from '../../jobs/src/job-types.js';
import type { LivePublisher } from '../../live/src/live-publisher.js';
import type { ChannelAdapter } from './channels/channel-adapter.js';
import { defaultChannels, isNotificationKind, type Language } from './notification-kinds.js';
import { planAudiences, type Audience } from './notification-planner.js';
import {
  NOTIFICATION_CHANNEL_ADAPTERS,
  NOTIFICATION_LIVE_PUBLISHER,
  WEBHOOK_RECIPIENTS,
  type WebhookRecipients,
} from './notify.tokens.js';

interface Recipient {
  id: string;
  organization_id: string | null;
  language: string;
  email: string;
  phone: string | null;
}

interface StoredNotification {
  id: string;
  user_id: string;
  kind: string;
  title: string;
  body: string;
  entity_type: string | null;
  entity_id: string | null;
  created_at: Date;
}

interface PlannedDelivery {
  recipientKey: string;
  channel: string;
  kind: string;
  userId: string | null;
  webhookId: string | null;
  address: string | null;
  content: Record<string, unknown> | null;
  status: 'PENDING' | 'SENT';
}

export interface FanOutResult {
  stored: number;
  deliveries: number;
}

/**
 * One event → its recipients' notifications and delivery rows, in ONE transaction whose unique
 * keys ((event, user) and (event, recipient, channel)) make any re-run — a retried job, a job
 * re-run after its worker was killed, a duplicate enqueue — insert nothing it inserted before.
 * The send jobs of outside deliveries are outbox rows of the same transaction, so none is lost
 * or doubled. New in-app notifications are published live right after the commit.
 */
@Injectable()
export class NotificationFanOutService {
  private readonly logger = new Logger(NotificationFanOutService.name);
  /** Tests only (chaos): called inside the transaction once everything is written. */
  pauseHook: ((step: 'written') => Promise<void>) | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(NOTIFICATION_CHANNEL_ADAPTERS) private readonly adapters: ChannelAdapter[],
    @Inject(WEBHOOK_RECIPIENTS) private readonly webhooks: WebhookRecipients,
    @Optional() @Inject(NOTIFICATION_LIVE_PUBLISHER) private readonly live: LivePublisher | null,
  ) {}

  async fanOut(kind: string, subjectId: string): Promise<FanOutResult> {
    if (!isNotificationKind(kind)) throw new Error(`Unknown notification kind ${kind}`);
    const eventKey = `${kind}.${subjectId}`;
    const { stored, deliveries } = await this.dataSource.transaction(async (tx) => {
      const audiences = await planAudiences(tx, kind, subjectId);
      if (audiences.length === 0) return { stored: [] as StoredNotification[], deliveries: 0 };
      const planned = await this.recipientsOf(tx, audiences);
      const stored = await this.storeNotifications(tx, eventKey, planned);
      const deliveries = await this.planDeliveries(tx, eventKey, planned, stored, audiences);
      await this.pauseHook?.('written');
      return { stored, deliveries };
    });
    await this.publish(stored);
    return { stored: stored.length, deliveries };
  }

  /** Each user once per event (the first audience naming them wins); deactivated users never. */
  private async recipientsOf(
    tx: EntityManager,
    audiences: Audience[],
  ): Promise<{ user: Recipient; audience: Audience }[]> {
    const seen = new Set<string>();
    const result: { user: Recipient; audience: Audience }[] = [];
    for (const audience of audiences) {
      const users: Recipient[] = [];
      if (audience.organizationIds?.length)
        users.push(
          ...((await tx.query(
            `SELECT id, organization_id, language, email, phone FROM app_user
              WHERE organization_id = ANY($1::uuid[]) AND deactivated_at IS NULL ORDER BY id`,
            [audience.organizationIds],
          )) as Recipient[]),
        );
      if (audience.coordinatorsOf)
        users.push(
          ...((await tx.query(
            `SELECT u.id, u.organization_id, u.language, u.email, u.phone
               FROM app_user u JOIN organization o ON o.id = u.organization_id
              WHERE u.role = 'CITY_COORDINATOR' AND u.deactivated_at IS NULL
                AND ($1 = o.region_code OR $1 LIKE o.region_code || '.%') ORDER BY u.id`,
            [audience.coordinatorsOf],
          )) as Recipient[]),
        );
      for (const user of users) {
        if (seen.has(user.id)) continue;
        seen.add(user.id);
        result.push({ user, audience });
      }
    }
    return result;
  }

  private async storeNotifications(
    tx: EntityManager,
    eventKey: string,
    planned: { user: Recipient; audience: Audience }[],
  ): Promise<StoredNotification[]> {
    if (planned.length === 0) return [];
    const text = (p: (typeof planned)[number]) => p.audience.text[language(p.user.language)];
    return (await tx.query(
      `INSERT INTO notification (user_id, kind, event_key, title, body, entity_type, entity_id)
       SELECT u, k, $3, t, b, et, ei
         FROM unnest($1::uuid[], $2::varchar[], $4::varchar[], $5::text[], $6::varchar[], $7::uuid[]) AS x(u, k, t, b, et, ei)
       ON CONFLICT (event_key, user_id) DO NOTHING
       RETURNING id, user_id, kind, title, body, entity_type, entity_id, created_at`,
      [
        planned.map((p) => p.user.id),
        planned.map((p) => p.audience.kind),
        eventKey,
        planned.map((p) => text(p).title.slice(0, 300)),
        planned.map((p) => text(p).body),
        planned.map((p) => p.audience.entityType),
        planned.map((p) => p.audience.entityId),
      ],
    )) as StoredNotification[];
  }

  /**
   * A delivery row per (event, recipient, channel): IN_APP (already delivered: stored) for each
   * new notification; an outside channel where the user wants it, the adapter is enabled and
   * the user has an address; each webhook of the audience's organisations that asked for the kind.
   */
  private async planDeliveries(
    tx: EntityManager,
    eventKey: string,
    planned: { user: Recipient; audience: Audience }[],
    stored: StoredNotification[],
    audiences: Audience[],
  ): Promise<number> {
    const enabled = new Set(this.adapters.filter((a) => a.enabled).map((a) => a.channel));
    const rows: (PlannedDelivery & { notificationId: string | null })[] = [];
    const storedByUser = new Map(stored.map((n) => [n.user_id, n]));
    const preferences = await this.preferencesOf(
      tx,
      planned.map((p) => p.user.id),
    );
    for (const { user, audience } of planned) {
      const notification = storedByUser.get(user.id) ?? null;
      const recipientKey = `user.${user.id}`;
      if (notification)
        rows.push({
          recipientKey,
          channel: 'IN_APP',
          kind: audience.kind,
          userId: user.id,
          webhookId: null,
          address: null,
          content: null,
          status: 'SENT',
          notificationId: notification.id,
        });
      const wanted = preferences.get(`${user.id}.${audience.kind}`) ?? defaultChannels(audience.kind);
      const text = audience.text[language(user.language)];
      for (const channel of ['WHATSAPP', 'SMS', 'EMAIL'] as const) {
        if (!wanted.includes(channel) || !enabled.has(channel)) continue;
        const address = channel === 'EMAIL' ? user.email : user.phone;
        if (!address) continue;
        rows.push({
          recipientKey,
          channel,
          kind: audience.kind,
          userId: user.id,
          webhookId: null,
          address,
          content: { title: text.title, body: text.body },
          status: 'PENDING',
          notificationId: notification?.id ?? null,
        });
      }
    }
    if (enabled.has('WEBHOOK')) {
      for (const audience of audiences) {
        if (!audience.organizationIds?.length) continue;
        for (const hook of await this.webhooks.forOrganizations(audience.organizationIds)) {
          if (!hook.kinds.includes(audience.kind)) continue;
          rows.push({
            recipientKey: `webhook.${hook.webhookId}`,
            channel: 'WEBHOOK',
            kind: audience.kind,
            userId: null,
            webhookId: hook.webhookId,
            address: hook.url,
            content: {
              title: audience.text.id.title,
              body: audience.text.id.body,
              payload: {
                event: eventKey,
                kind: audience.kind,
                organizationId: hook.organizationId,
                entityType: audience.entityType,
                entityId: audience.entityId,
                title: { id: audience.text.id.title, en: audience.text.en.title },
                body: { id: audience.text.id.body, en: audience.text.en.body },
              },
            },
            status: 'PENDING',
            notificationId: null,
          });
        }
      }
    }
    if (rows.length === 0) return 0;
    const inserted = (await tx.query(
      `INSERT INTO notification_delivery
              (event_key, recipient_key, channel, kind, notification_id, webhook_id, address, content, status, sent_at)
       SELECT $1, r, c, k, n, w, a, ct, s, CASE WHEN s = 'SENT' THEN now() END
         FROM unnest($2::varchar[], $3::varchar[], $4::varchar[], $5::uuid[], $6::uuid[], $7::varchar[], $8::jsonb[], $9::varchar[])
              AS x(r, c, k, n, w, a, ct, s)
       ON CONFLICT (event_key, recipient_key, channel) DO NOTHING
       RETURNING id, channel`,
      [
        eventKey,
        rows.map((r) => r.recipientKey),
        rows.map((r) => r.channel),
        rows.map((r) => r.kind),
        rows.map((r) => r.notificationId),
        rows.map((r) => r.webhookId),
        rows.map((r) => r.address),
        rows.map((r) => (r.content ? JSON.stringify(r.content) : null)),
        rows.map((r) => r.status),
      ],
    )) as { id: string; channel: string }[];
    for (const delivery of inserted) {
      if (delivery.channel === 'IN_APP') continue;
      await enqueueInTransaction(tx, {
        name: JOB_SEND_NOTIFICATION,
        jobId: jobIds.sendNotification(delivery.id),
        payload: { v: 1, deliveryId: delivery.id },
      });
    }
    return inserted.length;
  }

  private async preferencesOf(tx: EntityManager, userIds: string[]): Promise<Map<string, string[]>> {
    const rows = (await tx.query(
      `SELECT user_id, kind, channels FROM notification_preference WHERE user_id = ANY($1::uuid[])`,
      [userIds],
    )) as { user_id: string; kind: string; channels: string[] }[];
    return new Map(rows.map((row) => [`${row.user_id}.${row.kind}`, row.channels]));
  }

  /** Best effort: the inbox is the truth; a subscriber that missed a message reads it there. */
  private async publish(stored: StoredNotification[]): Promise<void> {
    if (!this.live || stored.length === 0) return;
    const outcomes = await Promise.allSettled(
      stored.map((n) =>
        this.live!.publishNotification(n.user_id, {
          id: n.id,
          kind: n.kind,
          title: n.title,
          body: n.body,
          entityType: n.entity_type,
          entityId: n.entity_id,
          createdAt: new Date(n.created_at).toISOString(),
          readAt: null,
        }),
      ),
    );
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed.length > 0)
      this.logger.warn(
        `${failed.length} of ${stored.length} live notification(s) not published: ${String(failed[0]!.reason?.message ?? failed[0]!.reason)}`,
      );
  }
}

function language(value: string): Language {
  return value === 'en' ? 'en' : 'id';
}
