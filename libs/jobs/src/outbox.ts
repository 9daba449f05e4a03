import type { EntityManager } from 'typeorm';
import { OutboxMessageEntity } from '../../database/src/entities/platform.entity.js';
import { currentRequestId } from '../../observability/src/request-context.js';
import { NOTIFY_QUEUE, queueOfJob, type JobName, type JobPayloads } from './job-types.js';
import { marketQueueFor } from './queues.js';

export interface OutboxJob<N extends JobName> {
  name: N;
  jobId: string;
  payload: JobPayloads[N];
  runAt?: Date;
  /**
   * The regency code of the market the job is about: picks its market queue group (so one
   * market's jobs share a queue and markets spread over the groups). Without one, group 0.
   */
  marketCode?: string | null;
}

/**
 * Records a job in the caller's transaction. It reaches BullMQ only after the transaction
 * commits (the relay), so a worker never sees a job for rows it cannot read yet. The current
 * request id (HTTP request or parent job) rides along, so the worker's logs name it. The row
 * carries its queue (the market's group), so the relay publishes it where the market's worker is.
 */
export async function enqueueInTransaction<N extends JobName>(
  manager: EntityManager,
  job: OutboxJob<N>,
): Promise<void> {
  await manager.save(
    Object.assign(new OutboxMessageEntity(), {
      // Notifications have their own queue; market jobs go to their market's group.
      queue: queueOfJob(job.name) === NOTIFY_QUEUE ? NOTIFY_QUEUE : marketQueueFor(job.marketCode),
      jobName: job.name,
      jobId: job.jobId,
      payload: withRequestId(job.payload as unknown as Record<string, unknown>),
      runAt: job.runAt ?? new Date(),
    }),
    { reload: false },
  );
}

function withRequestId(payload: Record<string, unknown>): Record<string, unknown> {
  const requestId = currentRequestId();
  return requestId && payload['requestId'] === undefined ? { ...payload, requestId } : payload;
}
