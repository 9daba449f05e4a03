/**
 * A live-updates client for tests: graphql-ws over the `ws` package, as a browser would use
 * it, plus a raw socket for what the protocol client hides (close codes and reasons).
 */
import { createClient, type Client } from 'graphql-ws';
import { Redis } from 'ioredis';
import WebSocket from 'ws';

export interface LiveSubscription<T> {
  readonly received: T[];
  readonly errors: unknown[];
  /** Resolves with the first received item matching `match` (already received or to come). */
  next(match: (item: T) => boolean, timeoutMs?: number): Promise<T>;
  /** Resolves when the server ended the subscription (an error result, or complete). */
  readonly ended: Promise<void>;
  stop(): void;
}

export function wsUrl(httpGraphqlUrl: string): string {
  return httpGraphqlUrl.replace(/^http/, 'ws');
}

export function liveClient(httpGraphqlUrl: string, connectionParams: Record<string, unknown>): Client {
  return createClient({
    url: wsUrl(httpGraphqlUrl),
    webSocketImpl: WebSocket,
    connectionParams,
    retryAttempts: 0,
    lazy: true,
  });
}

export function subscribe<T = Record<string, any>>(
  client: Client,
  query: string,
  variables: Record<string, unknown> = {},
): LiveSubscription<T> {
  const received: T[] = [];
  const errors: unknown[] = [];
  const waiters: { match: (item: T) => boolean; resolve: (item: T) => void }[] = [];
  let end!: () => void;
  const ended = new Promise<void>((resolve) => (end = resolve));
  const stop = client.subscribe<T>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) errors.push(...result.errors);
        if (!result.data) return;
        const item = result.data as T;
        received.push(item);
        for (const waiter of [...waiters]) {
          if (waiter.match(item)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(item);
          }
        }
      },
      error: (error) => {
        errors.push(...(Array.isArray(error) ? error : [error]));
        end();
      },
      complete: () => end(),
    },
  );
  return {
    received,
    errors,
    ended,
    stop,
    next(match, timeoutMs = 20_000) {
      const found = received.find(match);
      if (found) return Promise.resolve(found);
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(`no matching live event within ${timeoutMs} ms; got ${JSON.stringify(received)}`),
            ),
          timeoutMs,
        );
        waiters.push({
          match,
          resolve: (item) => {
            clearTimeout(timer);
            resolve(item);
          },
        });
      });
    },
  };
}

/** Opens a raw graphql-transport-ws socket, sends connection_init and reports how it ended or that it was acknowledged. */
export async function connectRaw(
  httpGraphqlUrl: string,
  payload: Record<string, unknown> | undefined,
  headers: Record<string, string> = {},
): Promise<{ acknowledged: boolean; code?: number; reason?: string; socket: WebSocket }> {
  const socket = new WebSocket(wsUrl(httpGraphqlUrl), 'graphql-transport-ws', { headers });
  return new Promise((resolve, reject) => {
    socket.once('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload })));
    socket.once('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string };
      if (message.type === 'connection_ack') resolve({ acknowledged: true, socket });
    });
    socket.once('close', (code, reason) =>
      resolve({ acknowledged: false, code, reason: String(reason), socket }),
    );
    socket.once('unexpected-response', (_request, response) =>
      resolve({ acknowledged: false, code: response.statusCode, socket }),
    );
    socket.once('error', (error) => reject(error));
  });
}

/** Subscribers of a Redis channel right now (one per subscribed API process). */
export async function subscriberCount(redis: Redis, channel: string): Promise<number> {
  const [, count] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
  return Number(count);
}

/** Waits until at least `atLeast` processes have subscribed to a Redis channel (the subscription is live). */
export async function untilSubscribed(
  redis: Redis,
  channel: string,
  atLeast = 1,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if ((await subscriberCount(redis, channel)) >= atLeast) return;
    if (Date.now() > deadline) throw new Error(`nobody subscribed to ${channel} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
