import { Inject, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '../../../libs/core/src/app-config.module.js';
import type { AppConfig } from '../../../libs/core/src/app-config.js';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import type { Job } from 'bullmq';
import { MarketEvaluationService } from '../../../libs/market/src/market-evaluation.service.js';
import { MarketService } from '../../../libs/market/src/market.service.js';
import { ShortfallService } from '../../../libs/market/src/shortfall.service.js';
import { TradeService } from '../../../libs/trade/src/trade.service.js';
import {
  JOB_ALLOT_SHIPMENT,
  JOB_CLOSE_BIDDING,
  JOB_EVALUATE_MARKET,
  JOB_RESOLVE_SHORTFALL,
  MARKET_QUEUE,
  type AllotShipmentPayload,
  type ResolveShortfallPayload,
  type CloseBiddingPayload,
  type EvaluateMarketPayload,
} from '../../../libs/jobs/src/job-types.js';

/** One handler per job name; each calls one service method. Unknown jobs fail loudly. */
@Processor(MARKET_QUEUE)
export class MarketProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger(MarketProcessor.name);

  constructor(
    private readonly market: MarketService,
    private readonly evaluation: MarketEvaluationService,
    private readonly shortfalls: ShortfallService,
    private readonly trade: TradeService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    super();
  }

  /** Jobs of different batches run side by side; jobs of one batch serialise on its row lock. */
  onApplicationBootstrap(): void {
    this.worker.concurrency = this.config.workerConcurrency;
  }

  async process(job: Job): Promise<unknown> {
    switch (job.name) {
      case JOB_CLOSE_BIDDING:
        return this.market.closeDueDemand((job.data as CloseBiddingPayload).demandId);
      case JOB_EVALUATE_MARKET:
        return this.evaluation.evaluateBatch((job.data as EvaluateMarketPayload).batchId);
      case JOB_RESOLVE_SHORTFALL:
        return this.shortfalls.resolve((job.data as ResolveShortfallPayload).shortfallId);
      case JOB_ALLOT_SHIPMENT:
        return this.trade.allotDue((job.data as AllotShipmentPayload).shipmentId);
      default:
        this.logger.error(`No handler for job ${job.name} (${job.id})`);
        throw new Error(`No handler for job ${job.name}`);
    }
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job | undefined, error: Error): void {
    this.logger.warn(`Job ${job?.name} ${job?.id} failed (attempt ${job?.attemptsMade}): ${error.message}`);
  }
}
