import { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import { JOB_ATTEMPTS, JOB_BACKOFF } from './job-types.js';

interface OutboxRow {
  id: string;
  queue: string;
  job_name: string;
  job_id: string;
  payload: Record<string, unknown>;
  run_at: Date;
}

/**
 * Moves committed outbox rows into BullMQ. Rows are claimed with SKIP LOCKED so several
 * relays (one per worker process) never publish the same row twice at once; if publishing
 * succeeds but marking fails, the next pass publishes again and BullMQ drops the duplicate
 * by its deterministic job id.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly dataSource: DataSource,
    private readonly queues: (name: string) => Queue,
  ) {}

  /** Polls every `intervalMs` until stopped; a pass that finds a full batch goes on at once. */
  start(intervalMs: number): void {
    const loop = async (): Promise<void> => {
      try {
        while ((await this.publishBatch()) === 200) {
          // a backlog: keep draining
        }
      } catch (error) {
        this.logger.warn(
          `Outbox relay pass failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    };
    const tick = () => {
      this.running = loop().finally(() => {
        this.running = null;
        if (this.timer !== null) this.timer = setTimeout(tick, intervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Publishes up to `limit` due rows; returns how many were published. */
  async publishBatch(limit = 200): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      const rows: OutboxRow[] = await manager.query(
        `SELECT id, queue, job_name, job_id, payload, run_at FROM outbox_message
          WHERE published_at IS NULL ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [limit],
      );
      if (rows.length === 0) return 0;
      const published: string[] = [];
      for (const row of rows) {
        try {
          const delay = Math.max(0, new Date(row.run_at).getTime() - Date.now());
          await this.queues(row.queue).add(row.job_name, row.payload, {
            jobId: row.job_id,
            delay,
            attempts: JOB_ATTEMPTS,
            backoff: JOB_BACKOFF,
            removeOnComplete: true,
            removeOnFail: { age: 7 * 24 * 3600 },
          });
          published.push(row.id);
        } catch (error) {
          // Redis is down or refused the job: keep the row, say why, try again on a later pass.
          const message = error instanceof Error ? error.message : String(error);
          this.logger.warn(`Outbox row ${row.id} (${row.job_id}) not published: ${message}`);
          await manager.query(
            `UPDATE outbox_message SET attempts = attempts + 1, last_error = $2 WHERE id = $1`,
            [row.id, message.slice(0, 1000)],
          );
          break;
        }
      }
      if (published.length > 0) {
        await manager.query(`UPDATE outbox_message SET published_at = now() WHERE id = ANY($1::bigint[])`, [
          published,
        ]);
      }
      return published.length;
    });
  }
}
