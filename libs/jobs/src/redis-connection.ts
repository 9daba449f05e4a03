import type { ConnectionOptions } from 'bullmq';

let stopping = false;
let lastWarning = 0;

/** From now on Redis connections stop reconnecting: the process is shutting down. */
export function stopRedisReconnects(): void {
  stopping = true;
}

/**
 * Reconnect with a growing pause (at most 2 s), never once shutting down, and say so at most
 * every 10 s: a Redis that went away (or was stopped first) must not flood the log.
 */
function retryStrategy(times: number): number | null {
  if (stopping) return null;
  const now = Date.now();
  if (times > 1 && now - lastWarning > 10_000) {
    lastWarning = now;
    console.warn(`Redis unreachable; reconnecting (attempt ${times})`);
  }
  return Math.min(times * 100, 2000);
}

/**
 * BullMQ connection options from REDIS_URL (redis://[user:password@]host:port[/db]).
 * `commandTimeoutMs`, for connections that never run blocking commands (producers, health):
 * a command Redis does not answer fails after it, and nothing waits for a connection that is
 * not up (the outbox keeps the job instead).
 */
export function redisConnection(redisUrl: string, commandTimeoutMs?: number): ConnectionOptions {
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
    retryStrategy,
    connectTimeout: commandTimeoutMs ?? 10_000,
    ...(commandTimeoutMs ? { commandTimeout: commandTimeoutMs, enableOfflineQueue: false } : {}),
  };
}

/** PING on a queue's own Redis connection (BullMQ's client interface leaves PING out; ioredis has it). */
export async function pingQueueRedis(queue: { getBackend(): { client: Promise<unknown> } }): Promise<void> {
  const client = (await queue.getBackend().client) as { ping(): Promise<string> };
  if ((await client.ping()) !== 'PONG') throw new Error('Redis did not answer PONG');
}
