import { MARKET_QUEUE } from './job-types.js';

/**
 * How queues are named and prefixed, so they work on one Redis and on a Redis Cluster alike.
 *
 * - The market queue is split into MARKET_QUEUE_GROUPS queues (`market`, `market-1`, …); a
 *   market's jobs all go to one of them, chosen by a stable hash of its regency code, so on a
 *   cluster the load spreads over slots (and nodes) while one market's jobs stay together.
 * - On a cluster every queue's prefix is a hash tag (`{pasar-gizi:market-1}`): BullMQ's Lua
 *   scripts touch several keys of one queue at once, and Redis Cluster runs a script only when
 *   all its keys share a slot. On one Redis the prefix stays QUEUE_PREFIX (keys unchanged).
 *
 * A new queue follows the scheme by naming itself through a constant (or a `…QueueName(group)`
 * like marketQueueName) and taking its prefix from queuePrefix(config, name).
 */

/** The group count every outbox write uses in this process (set once at boot from config). */
let marketGroups = 1;

/** Called by each app's module at boot with MARKET_QUEUE_GROUPS. */
export function useMarketQueueGroups(groups: number): void {
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`Bad market queue group count ${groups}`);
  marketGroups = groups;
}

export function marketQueueGroups(): number {
  return marketGroups;
}

/** Group 0 keeps the historical name `market`, so one group means exactly the old queue. */
export function marketQueueName(group: number): string {
  return group === 0 ? MARKET_QUEUE : `${MARKET_QUEUE}-${group}`;
}

/** Every market queue name of `groups` groups. */
export function marketQueueNames(groups = marketGroups): string[] {
  return Array.from({ length: groups }, (_, group) => marketQueueName(group));
}

/** Whether `name` is a market queue (of any group count: rows written under another count). */
export function isMarketQueueName(name: string): boolean {
  return name === MARKET_QUEUE || /^market-[1-9]\d?$/.test(name);
}

/**
 * A market's group: FNV-1a of its regency code, modulo the group count. Stable across
 * processes and releases (never Math.random, never a per-process seed).
 */
export function marketGroupOf(marketCode: string, groups = marketGroups): number {
  let hash = 0x811c9dc5;
  for (const char of marketCode) {
    hash ^= char.codePointAt(0)!;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % groups;
}

/** The queue a market's jobs go to; without a market code (no market to speak of), group 0. */
export function marketQueueFor(marketCode: string | null | undefined, groups = marketGroups): string {
  return marketQueueName(marketCode ? marketGroupOf(marketCode, groups) : 0);
}

/** The BullMQ prefix of one queue: hash-tagged on a cluster, so all its keys share a slot. */
export function queuePrefix(
  config: { queuePrefix: string; redisClusterNodes: unknown[] | null },
  queueName: string,
): string {
  return config.redisClusterNodes ? `{${config.queuePrefix}:${queueName}}` : config.queuePrefix;
}
