import type { Redis } from 'ioredis';
import { liveChannels, type MarketEventMessage, type NotificationMessage } from './live-channels.js';

/**
 * Publishes live updates. Best effort by design: a live update missed while Redis is away is
 * not lost information (the dashboard and inbox read the stored state when they reconnect),
 * so a failed publish is reported to the caller's logger and never fails the change itself.
 */
export class LivePublisher {
  constructor(
    private readonly redis: Pick<Redis, 'publish'>,
    private readonly prefix: string,
  ) {}

  async publishMarketEvent(event: MarketEventMessage): Promise<void> {
    await this.redis.publish(liveChannels.market(this.prefix, event.regionCode), JSON.stringify(event));
  }

  async publishNotification(userId: string, notification: NotificationMessage): Promise<void> {
    await this.redis.publish(liveChannels.user(this.prefix, userId), JSON.stringify(notification));
  }
}
