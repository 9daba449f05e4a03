import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Redis, type Cluster, type RedisOptions } from 'ioredis';
import type { AppConfig } from '../../core/src/app-config.js';
import { APP_CONFIG } from '../../core/src/app-config.module.js';
import { createRedisClient, redisConnection } from '../../jobs/src/redis-connection.js';
import type { MarketEventKind, MarketEventMessage } from './live-channels.js';
import { LivePublisher } from './live-publisher.js';

/** What a site says happened; `at` defaults to now. */
export interface MarketEventInput {
  kind: MarketEventKind;
  regionCode: string;
  entityType: string;
  entityId: string;
  summary: { en: string; id: string };
  at?: Date;
}

/**
 * Tells coordinators' live dashboards what just happened in a market (`marketActivity`).
 * Sites call it right after the causing transaction commits. Best effort: the publish is not
 * awaited by the change, and a failure is logged, never raised (the dashboard re-reads the
 * stored state when it reconnects).
 */
@Injectable()
export class MarketActivity implements OnModuleDestroy {
  private readonly logger = new Logger('MarketActivity');
  private readonly redis: Redis | Cluster;
  private readonly publisher: LivePublisher;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    // Fails fast while Redis is away (no offline queue, bounded commands): nothing piles up.
    this.redis = config.redisClusterNodes
      ? createRedisClient(config, { commandTimeout: config.redisCommandTimeoutMs, enableOfflineQueue: false })
      : new Redis(redisConnection(config.redisUrl, config.redisCommandTimeoutMs) as RedisOptions);
    this.redis.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
    this.publisher = new LivePublisher(this.redis, config.queuePrefix);
  }

  /** Awaits `change` (the committed transaction), then publishes what `describe` says of its result. */
  async after<T>(
    change: Promise<T>,
    describe: (result: T) => MarketEventInput | readonly MarketEventInput[] | null,
  ): Promise<T> {
    const result = await change;
    try {
      const described = describe(result);
      const events = described === null ? [] : Array.isArray(described) ? described : [described];
      for (const event of events as MarketEventInput[]) this.emit(event);
    } catch (error) {
      this.logger.warn(`Could not describe a market event: ${(error as Error).message}`);
    }
    return result;
  }

  /** Publishes without waiting; a failure is logged. */
  emit(event: MarketEventInput): void {
    const message: MarketEventMessage = {
      at: (event.at ?? new Date()).toISOString(),
      kind: event.kind,
      regionCode: event.regionCode,
      entityType: event.entityType,
      entityId: event.entityId,
      summary: event.summary,
    };
    this.publisher.publishMarketEvent(message).catch((error: Error) => {
      this.logger.warn(
        `Live ${event.kind} for ${event.entityType} ${event.entityId} not published: ${error.message}`,
      );
    });
  }

  onModuleDestroy(): void {
    this.redis.disconnect();
  }
}

/** The events the sites emit, with their bilingual summaries, in one place. */
export const marketEvents = {
  demandPosted(
    demand: { id: string; marketCode: string; deliveryDate: string },
    urgent = false,
  ): MarketEventInput {
    return {
      kind: 'DEMAND_POSTED',
      regionCode: demand.marketCode,
      entityType: 'DemandRequest',
      entityId: demand.id,
      summary: urgent
        ? {
            en: `Urgent re-tender posted for delivery on ${demand.deliveryDate}`,
            id: `Tender ulang mendesak dipasang untuk pengiriman ${demand.deliveryDate}`,
          }
        : {
            en: `Demand posted for delivery on ${demand.deliveryDate}`,
            id: `Permintaan dipasang untuk pengiriman ${demand.deliveryDate}`,
          },
    };
  },

  biddingClosed(batch: { id: string; marketCode: string; deliveryDate: string }): MarketEventInput {
    return {
      kind: 'BIDDING_CLOSED',
      regionCode: batch.marketCode,
      entityType: 'MarketBatch',
      entityId: batch.id,
      summary: {
        en: `Bidding closed for delivery on ${batch.deliveryDate}; offers are being evaluated`,
        id: `Penawaran ditutup untuk pengiriman ${batch.deliveryDate}; penawaran sedang dievaluasi`,
      },
    };
  },

  awarded(
    batch: { id: string; marketCode: string; deliveryDate: string },
    counts: { demands: number; orders: number },
  ): MarketEventInput {
    return {
      kind: 'AWARDED',
      regionCode: batch.marketCode,
      entityType: 'MarketBatch',
      entityId: batch.id,
      summary: {
        en: `${counts.demands} demand(s) for ${batch.deliveryDate} evaluated: ${counts.orders} order(s) confirmed`,
        id: `${counts.demands} permintaan untuk ${batch.deliveryDate} dievaluasi: ${counts.orders} pesanan dikonfirmasi`,
      },
    };
  },

  orderStatus(order: { id: string; number: string; marketCode: string; status: string }): MarketEventInput {
    const said = ORDER_STATUS_WORDS[order.status] ?? { en: order.status, id: order.status };
    return {
      kind: 'ORDER_STATUS',
      regionCode: order.marketCode,
      entityType: 'PurchaseOrder',
      entityId: order.id,
      summary: { en: `Order ${order.number} ${said.en}`, id: `Pesanan ${order.number} ${said.id}` },
    };
  },

  alert(alert: { id: string; regionCode: string; messageEn: string; messageId: string }): MarketEventInput {
    return {
      kind: 'ALERT',
      regionCode: alert.regionCode,
      entityType: 'Alert',
      entityId: alert.id,
      summary: { en: alert.messageEn, id: alert.messageId },
    };
  },
};

const ORDER_STATUS_WORDS: Record<string, { en: string; id: string }> = {
  CONFIRMED: { en: 'confirmed', id: 'dikonfirmasi' },
  DECLINED: { en: 'declined by the cooperative', id: 'ditolak oleh koperasi' },
  DISPATCHED: { en: 'dispatched', id: 'dikirim' },
  RECEIVED: { en: 'received by the kitchen', id: 'diterima oleh dapur' },
  CANCELLED: { en: 'cancelled', id: 'dibatalkan' },
};
