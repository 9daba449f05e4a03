import { Inject, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '../../../libs/core/src/app-config.module.js';
import type { AppConfig } from '../../../libs/core/src/app-config.js';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Worker, type Job } from 'bullmq';
import { marketQueueName, queuePrefix } from '../../../libs/jobs/src/queues.js';
import { RedisConnections } from '../../../libs/jobs/src/redis-connection.js';
import { RetentionService } from '../../../libs/jobs/src/retention.service.js';
import { MarketEvaluationService } from '../../../libs/market/src/market-evaluation.service.js';
import { DemandService } from '../../../libs/market/src/demand.service.js';
import { ShortfallService } from '../../../libs/market/src/shortfall.service.js';
import { awardEvaluationDuration, jobDuration } from '../../../libs/observability/src/metrics.js';
import { runWithRequestId } from '../../../libs/observability/src/request-context.js';
import { TradeService } from '../../../libs/trade/src/trade.service.js';
import {
  JOB_ALLOT_SHIPMENT,
  JOB_CLOSE_BIDDING,
  JOB_EVALUATE_MARKET,
  JOB_PRUNE_RECORDS,
  JOB_RESOLVE_SHORTFALL,
  MARKET_QUEUE,
  type JobMetadata,
  type AllotShipmentPayload,
  type ResolveShortfallPayload,
  type CloseBiddingPayload,
  type EvaluateMarketPayload,
} from '../../../libs/jobs/src/job-types.js';

/**
 * One handler per job name; each calls one service method. Unknown jobs fail loudly. It
 * consumes the market queue groups of WORKER_MARKET_GROUPS (all by default): group 0 through
 * the decorator's worker (started at bootstrap, if configured), the others through workers of
 * its own with the same handler.
 */
@Processor(MARKET_QUEUE, { autorun: false })
export class MarketProcessor extends WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(MarketProcessor.name);
  /** Every BullMQ worker of this process on a market queue (group 0's first, if consumed). */
  readonly workers: Worker[] = [];

  constructor(
    private readonly demands: DemandService,
    private readonly evaluation: MarketEvaluationService,
    private readonly shortfalls: ShortfallService,
    private readonly retention: RetentionService,
    private readonly trade: TradeService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RedisConnections) private readonly redis: RedisConnections,
  ) {
    super();
  }

  /** Jobs of different batches run side by side; jobs of one batch serialise on its row lock. */
  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.workerConcurrency;
    for (const group of this.config.workerMarketGroups) {
      if (group === 0) {
        this.workers.push(this.worker);
        this.worker
          .run()
          .catch((error: Error) => this.logger.error(`Market worker stopped: ${error.message}`));
        continue;
      }
      const name = marketQueueName(group);
      const worker = new Worker(name, (job: Job) => this.process(job), {
        connection: this.redis.shared(),
        prefix: queuePrefix(this.config, name),
        concurrency: this.config.workerConcurrency,
      });
      worker.on('failed', (job, error) => this.onFailed(job, error));
      // Unheard, an 'error' event (Redis went away) would crash the process.
      worker.on('error', (error: Error) => this.logger.warn(`Redis (${name}): ${error.message}`));
      this.workers.push(worker);
    }
    const pauseMs = this.config.evaluationPauseMs;
    if (pauseMs > 0) {
      // The chaos suite kills this worker while it waits here, inside the evaluate transaction.
      this.evaluation.pauseHook = async (step) => {
        if (step !== 'engine-ran') return;
        console.log(`evaluation paused at ${step} for ${pauseMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
      };
    }
  }

  /** Active jobs finish while the database pool is still open (BullMQ's own close comes later). */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.worker, ...this.workers].map((worker) => worker.close()));
  }

  /** Runs the job under the id of the request that caused it (its logs and the jobs it enqueues carry it). */
  async process(job: Job): Promise<unknown> {
    const requestId = (job.data as JobMetadata | undefined)?.requestId ?? `job.${job.id}`;
    const stopTimer = jobDuration.startTimer({ queue: job.queueName, name: job.name });
    return runWithRequestId(requestId, async () => {
      try {
        const result = await this.handle(job);
        stopTimer({ outcome: 'completed' });
        this.logger.debug(`Job ${job.name} ${job.id} completed`);
        return result;
      } catch (error) {
        stopTimer({ outcome: 'failed' });
        throw error;
      }
    });
  }

  private async handle(job: Job): Promise<unknown> {
    switch (job.name) {
      case JOB_CLOSE_BIDDING:
        return this.demands.closeDueDemand((job.data as CloseBiddingPayload).demandId);
      case JOB_EVALUATE_MARKET: {
        const stopTimer = awardEvaluationDuration.startTimer();
        try {
          return await this.evaluation.evaluateBatch((job.data as EvaluateMarketPayload).batchId);
        } finally {
          stopTimer();
        }
      }
      case JOB_RESOLVE_SHORTFALL:
        return this.shortfalls.resolve((job.data as ResolveShortfallPayload).shortfallId);
      case JOB_PRUNE_RECORDS:
        return this.retention.prune();
      case JOB_ALLOT_SHIPMENT:
        return this.trade.allotDue((job.data as AllotShipmentPayload).shipmentId);
      default:
        this.logger.error(`No handler for job ${job.name} (${job.id})`);
        throw new Error(`No handler for job ${job.name}`);
    }
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    runWithRequestId((job?.data as JobMetadata | undefined)?.requestId ?? `job.${job?.id}`, () =>
      this.logger.warn(`Job ${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${error.message}`),
    );
  }
}
