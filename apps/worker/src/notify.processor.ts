import { Inject, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { APP_CONFIG } from '../../../libs/core/src/app-config.module.js';
import type { AppConfig } from '../../../libs/core/src/app-config.js';
import {
  JOB_ATTEMPTS,
  JOB_FAN_OUT_NOTIFICATION,
  JOB_SEND_NOTIFICATION,
  NOTIFY_QUEUE,
  type FanOutNotificationPayload,
  type JobMetadata,
  type SendNotificationPayload,
} from '../../../libs/jobs/src/job-types.js';
import { NotificationDeliveryService } from '../../../libs/notify/src/notification-delivery.service.js';
import { NotificationFanOutService } from '../../../libs/notify/src/notification-fan-out.service.js';
import { jobDuration } from '../../../libs/observability/src/metrics.js';
import { runWithRequestId } from '../../../libs/observability/src/request-context.js';

/** Notification jobs: a fan-out per event, a send per outside delivery; each calls one service method. */
@Processor(NOTIFY_QUEUE)
export class NotifyProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(NotifyProcessor.name);

  constructor(
    private readonly fanOut: NotificationFanOutService,
    private readonly deliveries: NotificationDeliveryService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.workerConcurrency;
    const pauseMs = this.config.notifyFanOutPauseMs;
    if (pauseMs > 0) {
      // The chaos suite kills this worker while it waits here, inside the fan-out transaction.
      this.fanOut.pauseHook = async (step) => {
        console.log(`notification fan-out paused at ${step} for ${pauseMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      };
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.worker.close();
  }

  async process(job: Job): Promise<unknown> {
    const requestId = (job.data as JobMetadata | undefined)?.requestId ?? `job.${job.id}`;
    const stopTimer = jobDuration.startTimer({ queue: job.queueName, name: job.name });
    return runWithRequestId(requestId, async () => {
      try {
        const result = await this.handle(job);
        stopTimer({ outcome: 'completed' });
        return result;
      } catch (error) {
        stopTimer({ outcome: 'failed' });
        throw error;
      }
    });
  }

  private handle(job: Job): Promise<unknown> {
    switch (job.name) {
      case JOB_FAN_OUT_NOTIFICATION: {
        const { kind, subjectId } = job.data as FanOutNotificationPayload;
        return this.fanOut.fanOut(kind, subjectId);
      }
      case JOB_SEND_NOTIFICATION:
        return this.deliveries.send(
          (job.data as SendNotificationPayload).deliveryId,
          job.attemptsMade + 1 >= (job.opts.attempts ?? JOB_ATTEMPTS),
        );
      default:
        throw new Error(`No handler for job ${job.name}`);
    }
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    this.logger.warn(`Job ${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${error.message}`);
  }
}
