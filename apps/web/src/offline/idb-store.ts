import type { QueuedMutation, QueueStore } from './queue.js';

/** The offline queue kept in IndexedDB, so it outlives a closed tab. */
export class IndexedDbQueueStore implements QueueStore {
  private db: Promise<IDBDatabase> | null = null;

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const request = indexedDB.open('pasar-gizi', 1);
      request.onupgradeneeded = () => request.result.createObjectStore('mutations', { keyPath: 'key' });
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    return this.db;
  }

  private async run<T>(
    mode: IDBTransactionMode,
    action: (store: IDBObjectStore) => IDBRequest<T>,
  ): Promise<T> {
    const db = await this.open();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction('mutations', mode);
      const request = action(transaction.objectStore('mutations'));
      transaction.oncomplete = () => resolve(request.result);
      transaction.onerror = () => reject(transaction.error);
    });
  }

  all(): Promise<QueuedMutation[]> {
    return this.run('readonly', (store) => store.getAll() as IDBRequest<QueuedMutation[]>);
  }
  async put(item: QueuedMutation): Promise<void> {
    await this.run('readwrite', (store) => store.put(item));
  }
  async remove(key: string): Promise<void> {
    await this.run('readwrite', (store) => store.delete(key));
  }
}
