import type { Queue } from 'bullmq';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DataSource } from 'typeorm';
import { withTimeout } from '../../core/src/with-timeout.js';

/** This process's Prometheus metrics, served at the API's /metrics (and the worker's, if enabled). */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'pasar_gizi_' });

export const httpRequests = new Counter({
  name: 'pasar_gizi_http_requests_total',
  help: 'HTTP requests by method, route and status code',
  labelNames: ['method', 'route', 'status'] as const,
  registers: [metricsRegistry],
});

export const graphqlRequests = new Counter({
  name: 'pasar_gizi_graphql_requests_total',
  help: 'GraphQL operations by operation (type:first root field) and outcome (ok or the error code)',
  labelNames: ['operation', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const graphqlDuration = new Histogram({
  name: 'pasar_gizi_graphql_request_duration_seconds',
  help: 'GraphQL operation duration by operation',
  labelNames: ['operation'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20],
  registers: [metricsRegistry],
});

export const jobDuration = new Histogram({
  name: 'pasar_gizi_job_duration_seconds',
  help: 'BullMQ job run time by queue, job name and outcome',
  labelNames: ['queue', 'name', 'outcome'] as const,
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
  registers: [metricsRegistry],
});

export const awardEvaluationDuration = new Histogram({
  name: 'pasar_gizi_award_evaluation_seconds',
  help: 'Time to evaluate one market batch (the award engine and its writes)',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});

export const outboxPublished = new Counter({
  name: 'pasar_gizi_outbox_published_total',
  help: 'Outbox rows this process published to BullMQ',
  registers: [metricsRegistry],
});

export const outboxPublishFailures = new Counter({
  name: 'pasar_gizi_outbox_publish_failures_total',
  help: 'Outbox rows this process failed to publish (Redis refused or did not answer in time)',
  registers: [metricsRegistry],
});

interface BacklogSources {
  dataSource: DataSource;
  queues: Queue[];
  timeoutMs: number;
}

let backlog: BacklogSources | null = null;

/** Where the queue-depth and outbox-lag gauges read from at scrape time. */
export function watchBacklog(sources: BacklogSources): void {
  backlog = sources;
}

const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'prioritized'] as const;

new Gauge({
  name: 'pasar_gizi_queue_jobs',
  help: 'Jobs in each BullMQ queue by state, read at scrape time',
  labelNames: ['queue', 'state'] as const,
  registers: [metricsRegistry],
  async collect() {
    this.reset();
    if (!backlog) return;
    for (const queue of backlog.queues) {
      try {
        const counts = await withTimeout(
          queue.getJobCounts(...QUEUE_STATES),
          backlog.timeoutMs,
          'queue depth',
        );
        for (const state of QUEUE_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
      } catch {
        // Redis did not answer: leave the gauge empty rather than hang the scrape.
      }
    }
  },
});

new Gauge({
  name: 'pasar_gizi_outbox_lag_seconds',
  help: 'Age of the oldest unpublished outbox row (0 when none waits)',
  registers: [metricsRegistry],
  async collect() {
    if (!backlog) return;
    const [row] = (await backlog.dataSource.query(
      `SELECT COALESCE(EXTRACT(EPOCH FROM now() - min(created_at)), 0)::float8 AS lag, count(*)::int AS waiting
         FROM outbox_message WHERE published_at IS NULL`,
    )) as { lag: number; waiting: number }[];
    this.set(row?.lag ?? 0);
  },
});

new Gauge({
  name: 'pasar_gizi_outbox_unpublished',
  help: 'Outbox rows not yet published',
  registers: [metricsRegistry],
  async collect() {
    if (!backlog) return;
    const [row] = (await backlog.dataSource.query(
      `SELECT count(*)::int AS waiting FROM outbox_message WHERE published_at IS NULL`,
    )) as { waiting: number }[];
    this.set(row?.waiting ?? 0);
  },
});
