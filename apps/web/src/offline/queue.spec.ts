import { MemoryQueueStore, OfflineQueue, type QueuedMutation, type SendOutcome } from './queue.js';

function item(key: string, createdAt: number): QueuedMutation {
  return { key, operation: 'RecordPayment', source: 'mutation', variables: { n: key }, createdAt };
}

describe('the offline mutation queue', () => {
  it('replays oldest first with each mutation’s own key, and empties', async () => {
    const store = new MemoryQueueStore();
    const sent: string[] = [];
    const queue = new OfflineQueue(store, async (m) => {
      sent.push(m.key);
      return { kind: 'sent' };
    });
    await queue.enqueue(item('b', 2));
    await queue.enqueue(item('a', 1));
    const report = await queue.replay();
    expect(sent).toEqual(['a', 'b']);
    expect(report).toEqual({ sent: 2, failed: [], remaining: 0 });
    expect(await queue.pending()).toEqual([]);
  });

  it('stops at the first mutation that still finds no network and keeps the rest in order', async () => {
    const store = new MemoryQueueStore();
    const outcomes: SendOutcome[] = [{ kind: 'sent' }, { kind: 'offline' }];
    const queue = new OfflineQueue(store, async () => outcomes.shift() ?? { kind: 'sent' });
    await queue.enqueue(item('a', 1));
    await queue.enqueue(item('b', 2));
    await queue.enqueue(item('c', 3));
    const first = await queue.replay();
    expect(first.remaining).toBe(2);
    expect((await queue.pending()).map((m) => m.key)).toEqual(['b', 'c']);
    await queue.replay();
    expect(await queue.pending()).toEqual([]);
  });

  it('treats a thrown network error as offline, never as done', async () => {
    const queue = new OfflineQueue(new MemoryQueueStore(), async () => {
      throw new TypeError('Failed to fetch');
    });
    await queue.enqueue(item('a', 1));
    expect((await queue.replay()).remaining).toBe(1);
    expect(await queue.pending()).toHaveLength(1);
  });

  it('drops a mutation the API refused and reports its message (resending would repeat it)', async () => {
    const queue = new OfflineQueue(new MemoryQueueStore(), async (m) =>
      m.key === 'a' ? { kind: 'sent', errorMessage: 'Jumlah melebihi tagihan' } : { kind: 'sent' },
    );
    await queue.enqueue(item('a', 1));
    await queue.enqueue(item('b', 2));
    const report = await queue.replay();
    expect(report.failed.map((f) => [f.item.key, f.message])).toEqual([['a', 'Jumlah melebihi tagihan']]);
    expect(report.sent).toBe(1);
    expect(await queue.pending()).toEqual([]);
  });

  it('runs one replay at a time, so two "online" events send each mutation once', async () => {
    const sent: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const queue = new OfflineQueue(new MemoryQueueStore(), async (m) => {
      await gate;
      sent.push(m.key);
      return { kind: 'sent' };
    });
    await queue.enqueue(item('a', 1));
    const first = queue.replay();
    const second = queue.replay();
    release();
    await Promise.all([first, second]);
    expect(sent).toEqual(['a']);
  });

  it('tells subscribers how many wait', async () => {
    const counts: number[] = [];
    const queue = new OfflineQueue(new MemoryQueueStore(), async () => ({ kind: 'sent' }));
    queue.subscribe((n) => counts.push(n));
    await queue.enqueue(item('a', 1));
    await queue.replay();
    expect(counts).toEqual([1, 0]);
  });
});
