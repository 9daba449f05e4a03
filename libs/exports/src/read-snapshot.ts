import type { DataSource, QueryRunner } from 'typeorm';

/** Rows fetched from the cursor per round trip: memory holds one page, never the whole export. */
export const EXPORT_PAGE_ROWS = 1000;

/**
 * One read-only, repeatable-read transaction on one connection: every query of an export sees
 * the same snapshot (the TOTAL row agrees with the rows above it), and long results are read
 * through a server-side cursor, a page at a time, as the client downloads them.
 */
export class ReadSnapshot {
  private cursors = 0;

  private constructor(private readonly runner: QueryRunner) {}

  static async open(dataSource: DataSource): Promise<ReadSnapshot> {
    const runner = dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    } catch (error) {
      await runner.release();
      throw error;
    }
    return new ReadSnapshot(runner);
  }

  /** Runs `use` inside a snapshot and always ends it (a client that hangs up included). */
  static async run<T>(dataSource: DataSource, use: (snapshot: ReadSnapshot) => Promise<T>): Promise<T> {
    const snapshot = await ReadSnapshot.open(dataSource);
    try {
      return await use(snapshot);
    } finally {
      await snapshot.close();
    }
  }

  query<T>(sql: string, parameters: unknown[] = []): Promise<T[]> {
    return this.runner.query(sql, parameters) as Promise<T[]>;
  }

  /** The rows of `sql`, `pageSize` at a time, through a cursor (one FETCH per page). */
  async *pages<T>(sql: string, parameters: unknown[], pageSize = EXPORT_PAGE_ROWS): AsyncGenerator<T[]> {
    const cursor = `export_cursor_${++this.cursors}`;
    await this.runner.query(`DECLARE ${cursor} NO SCROLL CURSOR FOR ${sql}`, parameters);
    try {
      for (;;) {
        const rows = (await this.runner.query(`FETCH FORWARD ${pageSize} FROM ${cursor}`)) as T[];
        if (rows.length > 0) yield rows;
        if (rows.length < pageSize) return;
      }
    } finally {
      await this.runner.query(`CLOSE ${cursor}`).catch(() => undefined);
    }
  }

  private async close(): Promise<void> {
    try {
      await this.runner.query('ROLLBACK');
    } finally {
      await this.runner.release();
    }
  }
}
