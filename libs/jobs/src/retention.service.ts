import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

/** How long replayable answers and published jobs are kept. */
export const IDEMPOTENCY_RETENTION_HOURS = 24;
export const PUBLISHED_OUTBOX_RETENTION_DAYS = 7;
const DELETE_BATCH = 1000;

export interface PruneResult {
  idempotencyRecords: number;
  outboxMessages: number;
}

/**
 * Deletes what is no longer needed: idempotency records older than 24 h (a phone retries
 * within minutes) and outbox rows published more than 7 days ago. In batches, so no delete
 * holds locks for long; running it twice, or in two workers at once, deletes nothing twice.
 */
@Injectable()
export class RetentionService {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async prune(): Promise<PruneResult> {
    const idempotencyRecords = await this.deleteInBatches(
      `DELETE FROM idempotency_record WHERE (scope, key) IN (
         SELECT scope, key FROM idempotency_record
          WHERE created_at < now() - make_interval(hours => ${IDEMPOTENCY_RETENTION_HOURS})
          LIMIT ${DELETE_BATCH} FOR UPDATE SKIP LOCKED)`,
    );
    const outboxMessages = await this.deleteInBatches(
      `DELETE FROM outbox_message WHERE id IN (
         SELECT id FROM outbox_message
          WHERE published_at < now() - make_interval(days => ${PUBLISHED_OUTBOX_RETENTION_DAYS})
          LIMIT ${DELETE_BATCH} FOR UPDATE SKIP LOCKED)`,
    );
    return { idempotencyRecords, outboxMessages };
  }

  private async deleteInBatches(statement: string): Promise<number> {
    let total = 0;
    for (;;) {
      const [, deleted] = (await this.dataSource.query(statement)) as [unknown, number];
      total += deleted;
      if (deleted < DELETE_BATCH) return total;
    }
  }
}
