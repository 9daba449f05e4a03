import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { LiveHub, MAX_PENDING_MESSAGES } from './live-hub.js';

/** Against the real Redis the tests use (REDIS_URL, else the local one). */
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

describe('LiveHub: one Redis subscription per channel per process', () => {
  let hub: LiveHub;
  let publisher: Redis;
  const channel = `unit-${randomBytes(4).toString('hex')}:live:market:35.72`;
  const subscribers = async () =>
    Number(((await publisher.pubsub('NUMSUB', channel)) as [string, number])[1]);

  beforeAll(() => {
    hub = new LiveHub(new Redis(REDIS_URL, { lazyConnect: true }));
    publisher = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await hub.close();
    publisher.disconnect();
  });

  it('subscribes once for many local listeners, fans out each message, and unsubscribes when the last leaves', async () => {
    const first: unknown[] = [];
    const second: unknown[] = [];
    const [leaveFirst, leaveSecond] = await Promise.all([
      hub.listen(channel, (message) => first.push(message)),
      hub.listen(channel, (message) => second.push(message)),
    ]);
    expect(await subscribers()).toBe(1);
    await publisher.publish(channel, JSON.stringify({ n: 1 }));
    await publisher.publish(channel, 'not json');
    await publisher.publish(channel, JSON.stringify({ n: 2 }));
    await waitUntil(() => first.length === 2 && second.length === 2);
    expect(first).toEqual([{ n: 1 }, { n: 2 }]);

    leaveFirst();
    expect(await subscribers()).toBe(1);
    await publisher.publish(channel, JSON.stringify({ n: 3 }));
    await waitUntil(() => second.length === 3);
    expect(first).toHaveLength(2);
    leaveSecond();
    await waitUntil(async () => (await subscribers()) === 0);
    expect(hub.channelCount).toBe(0);
  });

  it('a listener that comes as the last one leaves is still subscribed (commands keep their order)', async () => {
    const leave = await hub.listen(channel, () => undefined);
    leave();
    const heard: unknown[] = [];
    const stay = await hub.listen(channel, (message) => heard.push(message));
    expect(await subscribers()).toBe(1);
    await publisher.publish(channel, JSON.stringify({ n: 4 }));
    await waitUntil(() => heard.length === 1);
    stay();
  });

  it('iterates messages in order, keeps at most MAX_PENDING_MESSAGES for a slow reader, and ends on return()', async () => {
    const iterator = await hub.iterate<{ n: number }>(channel);
    for (let n = 0; n < MAX_PENDING_MESSAGES + 10; n++)
      await publisher.publish(channel, JSON.stringify({ n }));
    await publisher.publish(channel, JSON.stringify({ n: -1 }));
    const seen: number[] = [];
    for (;;) {
      const { value } = await iterator.next();
      if (value.n === -1) break;
      seen.push(value.n);
    }
    // The oldest were dropped; what is left is the latest, in order.
    expect(seen.length).toBeLessThanOrEqual(MAX_PENDING_MESSAGES);
    expect(seen[seen.length - 1]).toBe(MAX_PENDING_MESSAGES + 9);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    await iterator.return!();
    expect(await iterator.next()).toEqual({ value: undefined, done: true });
    await waitUntil(async () => (await subscribers()) === 0);
  });
});

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
