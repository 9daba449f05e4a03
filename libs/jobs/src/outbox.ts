import type { EntityManager } from 'typeorm';
import { OutboxMessageEntity } from '../../database/src/entities/platform.entity.js';
import { currentRequestId } from '../../observability/src/request-context.js';
import { queueOfJob, type JobName, type JobPayloads } from './job-types.js';

export interface OutboxJob<N extends JobName> {
  name: N;
  jobId: string;
  payload: JobPayloads[N];
  runAt?: Date;
}

/**
 * Records a job in the caller's transaction. It reaches BullMQ only after the transaction
 * commits (the relay), so a worker never sees a job for rows it cannot read yet. The current
 * request id (HTTP request or parent job) rides along, so the worker's logs name it.
 */
export async function enqueueInTransaction<N extends JobName>(
  manager: EntityManager,
  job: OutboxJob<N>,
): Promise<void> {
  await manager.save(
    Object.assign(new OutboxMessageEntity(), {
      queue: queueOfJob(job.name),
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
