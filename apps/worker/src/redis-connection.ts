import type { ConnectionOptions } from 'bullmq';

/** BullMQ connection options from REDIS_URL (redis://[user:password@]host:port[/db]). */
export function redisConnection(redisUrl: string): ConnectionOptions {
  const url = new URL(redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
    // Workers block on Redis; BullMQ requires this to be null for them.
    maxRetriesPerRequest: null,
  };
}
