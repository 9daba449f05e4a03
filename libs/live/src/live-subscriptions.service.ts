import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { Redis, type RedisOptions } from 'ioredis';
import type { AppConfig } from '../../core/src/app-config.js';
import { APP_CONFIG } from '../../core/src/app-config.module.js';
import { DomainError } from '../../core/src/domain-error.js';
import { requireActor, requireCoordinatorOf, type Actor } from '../../identity/src/actor.js';
import { createRedisClient, redisConnection } from '../../jobs/src/redis-connection.js';
import { liveChannels, type MarketEventMessage, type NotificationMessage } from './live-channels.js';
import { LiveHub } from './live-hub.js';

const REGION_CODE = /^\d{2}(\.\d{2}){0,3}$/;

/**
 * Who may hear what, live: a region's market activity is for its coordinators (and admins),
 * a user's notifications for that user alone. Each subscription is an iterator over the
 * process's one Redis subscriber connection (LiveHub).
 */
@Injectable()
export class LiveSubscriptions implements OnApplicationShutdown {
  private readonly hub: LiveHub;
  private readonly prefix: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    const options = redisConnection(config.redisUrl) as RedisOptions;
    // Subscribing waits for Redis (offline queue on); ioredis re-subscribes after a reconnect.
    const subscriber = config.redisClusterNodes
      ? createRedisClient(config, { autoResubscribe: true, lazyConnect: true })
      : new Redis({ ...options, autoResubscribe: true, lazyConnect: true });
    subscriber.on('error', () => undefined); // reported by the reconnect strategy, at most every 10 s
    this.hub = new LiveHub(subscriber);
    this.prefix = config.queuePrefix;
  }

  async marketActivity(
    actor: Actor | null,
    regionCode: string,
  ): Promise<AsyncIterableIterator<MarketEventMessage>> {
    if (typeof regionCode !== 'string' || !REGION_CODE.test(regionCode)) {
      throw DomainError.badInput(
        'regionCode is a Kemendagri code such as 35.72',
        'regionCode adalah kode Kemendagri seperti 35.72',
        { field: 'regionCode' },
      );
    }
    requireCoordinatorOf(actor, regionCode);
    return this.hub.iterate<MarketEventMessage>(liveChannels.market(this.prefix, regionCode));
  }

  async notifications(actor: Actor | null): Promise<AsyncIterableIterator<NotificationMessage>> {
    const signedIn = requireActor(actor);
    return this.hub.iterate<NotificationMessage>(liveChannels.user(this.prefix, signedIn.userId));
  }

  /** After the sockets closed (LiveSocketServer.onModuleDestroy). */
  async onApplicationShutdown(): Promise<void> {
    await this.hub.close();
  }
}
