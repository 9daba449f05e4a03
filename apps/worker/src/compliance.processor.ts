import { InjectQueue, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Queue } from 'bullmq';
import { CertificatesService } from '../../../libs/catalog/src/certificates.service.js';
import { APP_CONFIG } from '../../../libs/core/src/app-config.module.js';
import type { AppConfig } from '../../../libs/core/src/app-config.js';
import { scheduleRepeatable } from './repeatable-schedule.js';
import { instantToLocalDate } from '../../../libs/core/src/time.js';
import {
  CERTIFICATE_CHECK_EVERY_MS,
  CERTIFICATE_CHECK_SCHEDULER_ID,
  COMPLIANCE_QUEUE,
  JOB_ATTEMPTS,
  JOB_BACKOFF,
  JOB_CHECK_CERTIFICATES,
} from '../../../libs/jobs/src/job-types.js';

/** Scheduled compliance checks; each job calls one service method. */
@Processor(COMPLIANCE_QUEUE)
export class ComplianceProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(ComplianceProcessor.name);

  constructor(
    private readonly certificates: CertificatesService,
    @InjectQueue(COMPLIANCE_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  /** Every worker upserts the one schedule (fixed id): the check runs at boot and every 6 hours. */
  onApplicationBootstrap(): void {
    scheduleRepeatable(
      this.queue,
      CERTIFICATE_CHECK_SCHEDULER_ID,
      { every: CERTIFICATE_CHECK_EVERY_MS },
      {
        name: JOB_CHECK_CERTIFICATES,
        data: { v: 1 },
        opts: { attempts: JOB_ATTEMPTS, backoff: JOB_BACKOFF },
      },
      { timeoutMs: this.config.redisCommandTimeoutMs, what: 'the certificate check', logger: this.logger },
    );
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case JOB_CHECK_CERTIFICATES: {
        const alerts = await this.certificates.raiseExpiryAlerts(instantToLocalDate(new Date()));
        if (alerts > 0)
          this.logger.log(`${alerts} certificate(s) expire within 14 days: coordinators alerted`);
        return { alerts };
      }
      default:
        throw new Error(`No handler for job ${job.name}`);
    }
  }
}
