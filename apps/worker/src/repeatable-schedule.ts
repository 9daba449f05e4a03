import type { Logger } from '@nestjs/common';
import type { Queue } from 'bullmq';
import { withTimeout } from '../../../libs/core/src/with-timeout.js';

type SchedulerArgs = Parameters<Queue['upsertJobScheduler']>;

/**
 * Upserts a repeatable job's scheduler (a fixed id: one schedule however many workers) without
 * holding up boot: a worker whose Redis hangs or is down still starts, and tries again every
 * minute until Redis answers.
 */
export function scheduleRepeatable(
  queue: Queue,
  schedulerId: SchedulerArgs[0],
  repeat: SchedulerArgs[1],
  template: SchedulerArgs[2],
  options: { timeoutMs: number; what: string; logger: Logger },
): void {
  const attempt = async (): Promise<void> => {
    try {
      await withTimeout(
        queue.upsertJobScheduler(schedulerId, repeat, template),
        options.timeoutMs,
        `Redis (scheduling ${options.what})`,
      );
    } catch (error) {
      options.logger.warn(
        `${options.what} not scheduled yet: ${(error as Error).message}; retrying in a minute`,
      );
      setTimeout(() => void attempt(), 60_000).unref();
    }
  };
  void attempt();
}
