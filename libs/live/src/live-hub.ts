import { Logger } from '@nestjs/common';
import type { Cluster, Redis } from 'ioredis';

/** Messages a slow subscriber may have waiting before the oldest is dropped (a live view, not a log). */
export const MAX_PENDING_MESSAGES = 256;

type Listener = (message: unknown) => void;

/**
 * One Redis subscriber connection per API process, shared by every live subscription in it:
 * the first local subscriber of a channel SUBSCRIBEs, the last to leave UNSUBSCRIBEs, and each
 * message is parsed once and fanned out to the local subscribers. ioredis re-subscribes every
 * channel after a reconnect (autoResubscribe), so a Redis restart costs the messages published
 * while it was away, never the subscriptions.
 */
export class LiveHub {
  private readonly logger = new Logger('LiveHub');
  private readonly listeners = new Map<string, Set<Listener>>();
  /** The SUBSCRIBE of each channel, so a second local subscriber waits for the same confirmation. */
  private readonly subscribed = new Map<string, Promise<unknown>>();

  constructor(private readonly subscriber: Redis | Cluster) {
    subscriber.on('message', (channel: string, raw: string) => this.deliver(channel, raw));
  }

  /** Local subscribers right now, by channel (metrics, tests). */
  get channelCount(): number {
    return this.listeners.size;
  }

  /**
   * Calls `listener` with each message published on `channel` from now on. Resolves once Redis
   * has confirmed the subscription, so nothing published after it is missed; call the returned
   * function to leave.
   */
  async listen(channel: string, listener: Listener): Promise<() => void> {
    let local = this.listeners.get(channel);
    if (!local) {
      local = new Set();
      this.listeners.set(channel, local);
      // Commands on one connection run in order: a SUBSCRIBE after an UNSUBSCRIBE of the same
      // channel (the last one left, a new one came) leaves it subscribed.
      this.subscribed.set(channel, this.subscriber.subscribe(channel));
    }
    local.add(listener);
    try {
      await this.subscribed.get(channel);
    } catch (error) {
      this.leave(channel, listener);
      throw error;
    }
    return () => this.leave(channel, listener);
  }

  /** An async iterator over a channel's messages (what a GraphQL subscription resolver returns). */
  async iterate<T>(channel: string): Promise<AsyncIterableIterator<T>> {
    const pending: T[] = [];
    let waiting: ((result: IteratorResult<T>) => void) | null = null;
    let done = false;
    const stop = await this.listen(channel, (message) => {
      if (done) return;
      if (waiting) {
        const resolve = waiting;
        waiting = null;
        resolve({ value: message as T, done: false });
        return;
      }
      if (pending.length >= MAX_PENDING_MESSAGES) pending.shift();
      pending.push(message as T);
    });
    const finish = (): Promise<IteratorResult<T>> => {
      if (!done) {
        done = true;
        stop();
        pending.length = 0;
        waiting?.({ value: undefined, done: true });
        waiting = null;
      }
      return Promise.resolve({ value: undefined, done: true });
    };
    const iterator: AsyncIterableIterator<T> = {
      next: () => {
        if (pending.length > 0) return Promise.resolve({ value: pending.shift()!, done: false });
        if (done) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => (waiting = resolve));
      },
      return: finish,
      throw: async (error: unknown) => {
        await finish();
        throw error;
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.subscribed.clear();
    this.subscriber.disconnect();
  }

  private leave(channel: string, listener: Listener): void {
    const local = this.listeners.get(channel);
    if (!local?.delete(listener) || local.size > 0) return;
    this.listeners.delete(channel);
    this.subscribed.delete(channel);
    this.subscriber.unsubscribe(channel).catch((error: Error) => {
      this.logger.warn(`Redis: could not unsubscribe ${channel}: ${error.message}`);
    });
  }

  private deliver(channel: string, raw: string): void {
    const local = this.listeners.get(channel);
    if (!local) return;
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      this.logger.warn(`Ignoring a message on ${channel} that is not JSON`);
      return;
    }
    for (const listener of local) listener(message);
  }
}
