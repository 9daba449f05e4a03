import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { requireActor, type Actor } from '../../identity/src/actor.js';
import { DomainError } from '../../core/src/domain-error.js';
import type { Page, PageRequest } from '../../core/src/pagination.js';
import { paginate } from '../../database/src/paginate.js';
import {
  NotificationEntity,
  NotificationPreferenceEntity,
} from '../../database/src/entities/notify.entity.js';
import {
  NOTIFICATION_CHANNELS,
  NOTIFICATION_KINDS,
  defaultChannels,
  isNotificationKind,
  type NotificationKind,
  type UserChannel,
} from './notification-kinds.js';

export interface NotificationPreferenceView {
  kind: NotificationKind;
  channels: UserChannel[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_IDS = 500;

/** The signed-in user's inbox and preferences: always and only their own. */
@Injectable()
export class NotificationService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async notifications(
    actor: Actor | null,
    unreadOnly: boolean,
    page: PageRequest,
  ): Promise<Page<NotificationEntity>> {
    const user = requireActor(actor);
    const query = this.dataSource
      .getRepository(NotificationEntity)
      .createQueryBuilder('n')
      .where('n.user_id = :userId', { userId: user.userId });
    if (unreadOnly) query.andWhere('n.read_at IS NULL');
    return paginate(query, { column: 'n.created_at', id: 'n.id', direction: 'DESC' }, page);
  }

  async unreadCount(actor: Actor | null): Promise<number> {
    const user = requireActor(actor);
    const [{ n }] = (await this.dataSource.query(
      `SELECT count(*)::int AS n FROM notification WHERE user_id = $1 AND read_at IS NULL`,
      [user.userId],
    )) as { n: number }[];
    return n;
  }

  /** Marks the given (or, with no ids, all) of the user's unread notifications read; returns how many. */
  async markRead(actor: Actor | null, ids: readonly string[] | null | undefined): Promise<number> {
    const user = requireActor(actor);
    if (ids) {
      if (ids.length > MAX_IDS)
        throw DomainError.badInput(
          `At most ${MAX_IDS} ids at once`,
          `Paling banyak ${MAX_IDS} id sekaligus`,
          {
            field: 'ids',
          },
        );
      if (ids.some((id) => !UUID.test(id)))
        throw DomainError.badInput('ids must be notification ids', 'ids harus berupa id notifikasi', {
          field: 'ids',
        });
      if (ids.length === 0) return 0;
    }
    // Another user's ids simply match nothing: their notifications are not even confirmed to exist.
    const [, count] = (await this.dataSource.query(
      `UPDATE notification SET read_at = now()
        WHERE user_id = $1 AND read_at IS NULL AND ($2::uuid[] IS NULL OR id = ANY($2::uuid[]))`,
      [user.userId, ids ?? null],
    )) as [unknown, number];
    return count;
  }

  async preferences(actor: Actor | null): Promise<NotificationPreferenceView[]> {
    const user = requireActor(actor);
    const stored = await this.dataSource
      .getRepository(NotificationPreferenceEntity)
      .findBy({ userId: user.userId });
    const byKind = new Map(stored.map((row) => [row.kind, row.channels as UserChannel[]]));
    return NOTIFICATION_KINDS.map((kind) => ({ kind, channels: byKind.get(kind) ?? defaultChannels(kind) }));
  }

  /**
   * Replaces the channels of each kind given (others keep theirs). IN_APP is always on, so it is
   * added if left out; webhooks are chosen per webhook (by its kinds), not here.
   */
  async updatePreferences(
    actor: Actor | null,
    input: readonly { kind: string; channels: readonly string[] }[],
  ): Promise<NotificationPreferenceView[]> {
    const user = requireActor(actor);
    if (!Array.isArray(input) || input.length > NOTIFICATION_KINDS.length)
      throw DomainError.badInput('Give each kind at most once', 'Setiap jenis paling banyak sekali', {
        field: 'input',
      });
    const kinds = new Set<string>();
    const rows = input.map((entry, index) => {
      if (!isNotificationKind(entry.kind) || kinds.has(entry.kind))
        throw DomainError.badInput('Give each kind at most once', 'Setiap jenis paling banyak sekali', {
          field: 'kind',
          index,
        });
      kinds.add(entry.kind);
      for (const channel of entry.channels) {
        if (!(NOTIFICATION_CHANNELS as readonly string[]).includes(channel))
          throw DomainError.badInput(`Unknown channel ${channel}`, `Kanal ${channel} tidak dikenal`, {
            field: 'channels',
            index,
          });
        if (channel === 'WEBHOOK')
          throw DomainError.badInput(
            'Webhooks are chosen per webhook (registerWebhook kinds), not per user',
            'Webhook dipilih per webhook (jenis pada registerWebhook), bukan per pengguna',
            { field: 'channels', index },
          );
      }
      const channels: string[] = [
        'IN_APP',
        ...Array.from(new Set<string>(entry.channels)).filter((c) => c !== 'IN_APP'),
      ];
      return { userId: user.userId, kind: entry.kind as string, channels };
    });
    if (rows.length > 0)
      await this.dataSource.getRepository(NotificationPreferenceEntity).upsert(rows, ['userId', 'kind']);
    return this.preferences(user);
  }
}
