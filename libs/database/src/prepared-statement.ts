import type { DataSource } from 'typeorm';

interface PgPool {
  query(config: { name?: string; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * The key in the data source's `extra` options (DATABASE_PREPARED_STATEMENTS) that turns naming
 * off: pg then sends the same text unnamed, parsed and planned on every call.
 */
export const NAMED_STATEMENTS_OPTION = 'pgzNamedStatements';

/**
 * A statement Postgres parses and plans once per connection instead of on every call: on the
 * offer path each request runs a few small statements, and planning them again each time cost
 * about a sixth of the database's time (issue 12). The pg pool underneath TypeORM runs it, so the
 * statement goes to any pooled connection outside a transaction; inside one use the manager.
 *
 * A pooler in front of Postgres must keep protocol-level prepared statements per client
 * (PgBouncer 1.21+ with max_prepared_statements > 0, or session pooling); behind one that
 * cannot, DATABASE_PREPARED_STATEMENTS=false sends them unnamed.
 */
export class PreparedStatement {
  constructor(
    /** Unique per text in the process: Postgres keeps one plan per name per connection. */
    readonly name: string,
    readonly text: string,
  ) {}

  /** Rows as pg returns them; the caller states their shape. */
  async run<Row>(dataSource: DataSource, values: unknown[]): Promise<Row[]> {
    const pool = (dataSource.driver as unknown as { master: PgPool }).master;
    const extra = dataSource.options.extra as Record<string, unknown> | undefined;
    const named = extra?.[NAMED_STATEMENTS_OPTION] !== false;
    const result = await pool.query(
      named ? { name: this.name, text: this.text, values } : { text: this.text, values },
    );
    return result.rows as Row[];
  }
}

/** A unique-constraint violation, from the pg pool (code) or TypeORM (driverError.code). */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const withCode = error as { code?: string; driverError?: { code?: string } };
  return withCode.code === '23505' || withCode.driverError?.code === '23505';
}
