/**
 * Mutations made without a signal wait here (IndexedDB in the browser, see idb-store.ts) with
 * the Idempotency-Key they were first sent with. Replaying sends them in the order they were
 * made, with the same key, so the API applies each exactly once even if an earlier attempt did
 * reach it, or the tab was closed in between.
 */
export interface QueuedMutation {
  key: string;
  operation: string;
  source: string;
  variables: Record<string, unknown>;
  createdAt: number;
}

export interface QueueStore {
  all(): Promise<QueuedMutation[]>;
  put(item: QueuedMutation): Promise<void>;
  remove(key: string): Promise<void>;
}

/** What one attempt to send gave: sent (with or without an API error), or still no network. */
export type SendOutcome = { kind: 'sent'; errorMessage?: string } | { kind: 'offline' };

export interface ReplayReport {
  sent: number;
  failed: { item: QueuedMutation; message: string }[];
  remaining: number;
}

export class OfflineQueue {
  private running: Promise<ReplayReport> | null = null;
  private readonly listeners = new Set<(pending: number) => void>();

  constructor(
    private readonly store: QueueStore,
    private readonly send: (item: QueuedMutation) => Promise<SendOutcome>,
  ) {}

  async enqueue(item: QueuedMutation): Promise<void> {
    await this.store.put(item);
    await this.notify();
  }

  async pending(): Promise<QueuedMutation[]> {
    return (await this.store.all()).sort((a, b) => a.createdAt - b.createdAt);
  }

  subscribe(listener: (pending: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Sends what waits, oldest first; stops at the first that still finds no network (the rest
   * keep their order). One replay at a time: a second call while one runs shares its result.
   * An item the API answered, even with an error, leaves the queue: sending it again with the
   * same key would only repeat that answer.
   */
  replay(): Promise<ReplayReport> {
    this.running ??= this.replayOnce().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async replayOnce(): Promise<ReplayReport> {
    const items = await this.pending();
    const report: ReplayReport = { sent: 0, failed: [], remaining: items.length };
    for (const item of items) {
      let outcome: SendOutcome;
      try {
        outcome = await this.send(item);
      } catch {
        outcome = { kind: 'offline' };
      }
      if (outcome.kind === 'offline') break;
      await this.store.remove(item.key);
      report.remaining -= 1;
      if (outcome.errorMessage) report.failed.push({ item, message: outcome.errorMessage });
      else report.sent += 1;
    }
    await this.notify();
    return report;
  }

  private async notify(): Promise<void> {
    const count = (await this.store.all()).length;
    for (const listener of this.listeners) listener(count);
  }
}

/** A store in memory (tests, and browsers without IndexedDB). */
export class MemoryQueueStore implements QueueStore {
  private readonly items = new Map<string, QueuedMutation>();
  async all(): Promise<QueuedMutation[]> {
    return [...this.items.values()];
  }
  async put(item: QueuedMutation): Promise<void> {
    this.items.set(item.key, item);
  }
  async remove(key: string): Promise<void> {
    this.items.delete(key);
  }
}
