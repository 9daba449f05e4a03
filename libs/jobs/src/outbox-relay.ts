import { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { DataSource } from 'typeorm';
import { withTimeout } from '../../core/src/with-timeout.js';
import { outboxPublished, outboxPublishFailures } from '../../observability/src/metrics.js';
import { JOB_ATTEMPTS, JOB_BACKOFF } from './job-types.js';

interface OutboxRow {
  id: string;
  queue: string;
  job_name: string;
  job_id: string;
  payload: Record<string, unknown>;
  run_at: Date;
}

export interface OutboxRelayOptions {
  /** How long a claim lasts; a relay that dies or hangs holds its rows no longer than this. */
  leaseMs: number;
  /** Longest wait for Redis per publish; then the rows are given back and the relay backs off. */
  redisTimeoutMs: number;
}

const BATCH = 200;
const MAX_BACKOFF_MS = 5000;

/**
 * Moves committed outbox rows into BullMQ. A pass claims due rows with a lease that commits at
 * once (UPDATE ... FOR UPDATE SKIP LOCKED, in its own statement), publishes them with no
 * transaction open, then marks them published. So a relay whose Redis hangs holds no lock and
 * no transaction: it gives its rows back when a publish times out (or its lease lapses if it
 * dies), and another relay publishes them. If publishing succeeds but marking fails, a later
 * pass publishes again and BullMQ drops the duplicate by its deterministic job id.
 */
export class OutboxRelay {
  private readonly logger = new Logger(OutboxRelay.name);
  /** Who holds a lease: enough to find the process in logs. */
  readonly relayId = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private failures = 0;
  /** False until Redis has answered, and again after a failed publish: then ping before claiming. */
  private redisAnswered = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly queues: (name: string) => Queue,
    private readonly options: OutboxRelayOptions,
    /** A cheap round trip to Redis (PING); a relay whose Redis does not answer claims nothing. */
    private readonly pingRedis: () => Promise<unknown>,
  ) {}

  /**
   * Polls every `intervalMs` until stopped; a pass that finds a full batch goes on at once.
   * After a failed publish it waits longer each time (up to 5 s), so a relay with a broken
   * Redis does not keep taking rows a healthy relay could publish.
   */
  start(intervalMs: number): void {
    const loop = async (): Promise<void> => {
      try {
        let published: number;
        do published = await this.publishBatch();
        while (published === BATCH && this.timer !== null);
      } catch (error) {
        this.failures++;
        this.logger.warn(
          `Outbox relay pass failed: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    };
    const tick = () => {
      this.running = loop().finally(() => {
        this.running = null;
        const pause =
          this.failures === 0 ? intervalMs : Math.min(MAX_BACKOFF_MS, intervalMs * 2 ** this.failures);
        if (this.timer !== null) this.timer = setTimeout(tick, pause);
      });
    };
    this.timer = setTimeout(tick, 0);
  }

  /** Whether Redis answered this relay's last call (false before the first, or after a failure). */
  get redisAnswering(): boolean {
    return this.redisAnswered;
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Publishes up to `limit` due rows; returns how many were published. */
  async publishBatch(limit = BATCH): Promise<number> {
    if (!this.redisAnswered) {
      await withTimeout(this.pingRedis(), this.options.redisTimeoutMs, 'Redis (ping before claiming)');
      this.redisAnswered = true;
    }
    // UPDATE ... RETURNING comes back from TypeORM as [rows, count].
    const [claimed] = (await this.dataSource.query(
      `UPDATE outbox_message SET claimed_until = now() + make_interval(secs => $2::float8 / 1000), claimed_by = $3
        WHERE id IN (
          SELECT id FROM outbox_message
           WHERE published_at IS NULL AND (claimed_until IS NULL OR claimed_until < now())
           ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING id, queue, job_name, job_id, payload, run_at`,
      [limit, this.options.leaseMs, this.relayId],
    )) as [OutboxRow[], number];
    if (claimed.length === 0) return 0;
    const rows = claimed.sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    const published: string[] = [];
    let failure: { row: OutboxRow; message: string } | null = null;
    for (const row of rows) {
      try {
        const delay = Math.max(0, new Date(row.run_at).getTime() - Date.now());
        await withTimeout(
          this.queues(row.queue).add(row.job_name, row.payload, {
            jobId: row.job_id,
            delay,
            attempts: JOB_ATTEMPTS,
            backoff: JOB_BACKOFF,
            removeOnComplete: true,
            removeOnFail: { age: 7 * 24 * 3600 },
          }),
          this.options.redisTimeoutMs,
          'Redis (publishing an outbox row)',
        );
        published.push(row.id);
      } catch (error) {
        failure = { row, message: error instanceof Error ? error.message : String(error) };
        break;
      }
    }
    if (published.length > 0) {
      await this.dataSource.query(
        `UPDATE outbox_message SET published_at = now(), claimed_until = NULL WHERE id = ANY($1::bigint[])`,
        [published],
      );
      outboxPublished.inc(published.length);
    }
    if (failure) {
      // Redis is down, slow or refused the job: give back every row not published (so another
      // relay can take them now), count the attempt, say why, and back off.
      outboxPublishFailures.inc();
      const unpublished = rows.filter((row) => !published.includes(row.id)).map((row) => row.id);
      this.logger.warn(
        `Outbox row ${failure.row.id} (${failure.row.job_id}) not published: ${failure.message}`,
      );
      await this.dataSource.query(
        `UPDATE outbox_message
            SET claimed_until = NULL,
                attempts = attempts + CASE WHEN id = $2 THEN 1 ELSE 0 END,
                last_error = CASE WHEN id = $2 THEN $3 ELSE last_error END
          WHERE id = ANY($1::bigint[]) AND claimed_by = $4 AND published_at IS NULL`,
        [unpublished, failure.row.id, failure.message.slice(0, 1000), this.relayId],
      );
      this.failures++;
      this.redisAnswered = false;
    } else {
      this.failures = 0;
    }
    return published.length;
  }
}
