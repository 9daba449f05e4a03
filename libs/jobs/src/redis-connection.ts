import type { ConnectionOptions } from 'bullmq';
import { Cluster, Redis, type RedisOptions } from 'ioredis';

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

/** Where Redis is: REDIS_URL alone, or a cluster's seed nodes (REDIS_URL then gives credentials and TLS). */
export interface RedisTarget {
  redisUrl: string;
  redisClusterNodes: { host: string; port: number }[] | null;
}

/** ioredis options from REDIS_URL (redis://[user:password@]host:port[/db]). */
function urlOptions(redisUrl: string): RedisOptions {
  const url = new URL(redisUrl);
  return {
    host: url.hostname,
    port: Number(url.port || 6379),
    username: url.username ? decodeURIComponent(url.username) : undefined,
    password: url.password ? decodeURIComponent(url.password) : undefined,
    db: url.pathname.length > 1 ? Number(url.pathname.slice(1)) : 0,
    tls: url.protocol === 'rediss:' ? {} : undefined,
  };
}

/**
 * An ioredis Cluster over the seed nodes, each node connection with `nodeOptions` (credentials
 * and TLS from REDIS_URL; a cluster has only database 0). Pub/sub works on it too: PUBLISH
 * reaches subscribers on every node.
 */
function clusterClient(
  target: RedisTarget,
  nodeOptions: RedisOptions,
  options: { enableOfflineQueue?: boolean; lazyConnect?: boolean } = {},
): Cluster {
  const { host: _host, port: _port, db: _db, ...credentials } = urlOptions(target.redisUrl);
  // The offline queue is the cluster's to decide (its node connections must queue while it
  // discovers slots).
  const { enableOfflineQueue: _nodeQueue, ...perNode } = nodeOptions;
  return new Cluster(target.redisClusterNodes!, {
    redisOptions: { ...credentials, ...perNode },
    clusterRetryStrategy: retryStrategy,
    enableOfflineQueue: options.enableOfflineQueue ?? true,
    lazyConnect: options.lazyConnect ?? false,
    // Slots move when an operator reshards: follow MOVED/ASK a few times before failing.
    maxRedirections: 16,
  });
}

/**
 * BullMQ connection options: from REDIS_URL for one Redis, or an ioredis Cluster when
 * REDIS_CLUSTER_NODES is set. `commandTimeoutMs`, for connections that never run blocking
 * commands (producers, health): a command Redis does not answer fails after it, and nothing
 * waits for a connection that is not up (the outbox keeps the job instead).
 *
 * A Cluster is a live client, which BullMQ shares and never closes: whoever asks for one owns
 * it. Use RedisConnections, which closes every cluster client it made.
 */
export function redisConnection(target: string | RedisTarget, commandTimeoutMs?: number): ConnectionOptions {
  const resolved = typeof target === 'string' ? { redisUrl: target, redisClusterNodes: null } : target;
  const nodeOptions: RedisOptions = {
    // Workers block on Redis; BullMQ requires this to be null for them.
    maxRetriesPerRequest: null,
    retryStrategy,
    connectTimeout: commandTimeoutMs ?? 10_000,
    ...(commandTimeoutMs ? { commandTimeout: commandTimeoutMs, enableOfflineQueue: false } : {}),
  };
  // A cluster keeps its offline queue even for producers: BullMQ takes a Cluster in state
  // 'connect' (slots not yet known) as up, and a queue whose first command failed stays failed.
  // The callers' own timeouts (withTimeout on the relay and health paths) bound the wait.
  if (resolved.redisClusterNodes) return clusterClient(resolved, nodeOptions);
  return { ...urlOptions(resolved.redisUrl), ...nodeOptions } as ConnectionOptions;
}

/**
 * A plain ioredis client (login throttle, live pub/sub) for one Redis or the cluster. On a
 * cluster, commands that touch several keys (a pipeline, DEL a b) need the keys in one slot:
 * give them one hash tag.
 */
export function createRedisClient(target: RedisTarget, options: RedisOptions = {}): Redis | Cluster {
  if (target.redisClusterNodes)
    return clusterClient(target, options, {
      enableOfflineQueue: options.enableOfflineQueue,
      lazyConnect: options.lazyConnect,
    });
  return new Redis({ ...urlOptions(target.redisUrl), ...options });
}

/**
 * The BullMQ connections of one app: plain options on one Redis; on a cluster, Cluster
 * clients that this object remembers and closes (BullMQ does not close a client it was given).
 * Close it after the app's queues and workers have closed.
 */
export class RedisConnections {
  private readonly clusters: Cluster[] = [];
  private sharedConnection: ConnectionOptions | null = null;

  constructor(private readonly target: RedisTarget) {}

  /** One connection for the app's queues and workers (BullMQ gives each worker its own blocking one). */
  shared(): ConnectionOptions {
    return (this.sharedConnection ??= this.connection());
  }

  connection(commandTimeoutMs?: number): ConnectionOptions {
    const connection = redisConnection(this.target, commandTimeoutMs);
    if (connection instanceof Cluster) this.clusters.push(connection);
    return connection;
  }

  async close(): Promise<void> {
    const clusters = this.clusters.splice(0);
    await Promise.all(
      clusters.map(async (cluster) => {
        try {
          await Promise.race([cluster.quit(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
        } catch {
          // Already closed or never connected: nothing to give back.
        }
        cluster.disconnect();
      }),
    );
  }
}

/** PING on a queue's own Redis connection (BullMQ's client interface leaves PING out; ioredis has it). */
export async function pingQueueRedis(queue: { getBackend(): { client: Promise<unknown> } }): Promise<void> {
  const client = (await queue.getBackend().client) as { ping(): Promise<string> };
  if ((await client.ping()) !== 'PONG') throw new Error('Redis did not answer PONG');
}
