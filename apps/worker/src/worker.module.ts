import { BullModule } from '@nestjs/bullmq';
import {
  Inject,
  Logger,
  Module,
  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { createServer, type Server } from 'node:http';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../../libs/core/src/app-config.js';
import { APP_CONFIG, AppConfigModule } from '../../../libs/core/src/app-config.module.js';
import { DatabaseModule } from '../../../libs/database/src/database.module.js';
import {
  COMPLIANCE_QUEUE,
  JOB_PRUNE_RECORDS,
  MARKET_QUEUE,
  NOTIFY_QUEUE,
  jobIds,
} from '../../../libs/jobs/src/job-types.js';
import { Redis } from 'ioredis';
import { LivePublisher } from '../../../libs/live/src/live-publisher.js';
import { NotifyModule } from '../../../libs/notify/src/notify.module.js';
import { notificationChannelProviders } from '../../../libs/notify/src/channels/notification-channels.module.js';
import { NOTIFICATION_LIVE_PUBLISHER } from '../../../libs/notify/src/notify.tokens.js';
import { NotifyProcessor } from './notify.processor.js';
import { CatalogModule } from '../../../libs/catalog/src/catalog.module.js';
import { ComplianceProcessor } from './compliance.processor.js';
import { OutboxRelay } from '../../../libs/jobs/src/outbox-relay.js';
import { pingQueueRedis, redisConnection } from '../../../libs/jobs/src/redis-connection.js';
import { RetentionService } from '../../../libs/jobs/src/retention.service.js';
import { MarketModule } from '../../../libs/market/src/market.module.js';
import { metricsRegistry, watchBacklog } from '../../../libs/observability/src/metrics.js';
import { TradeModule } from '../../../libs/trade/src/trade.module.js';
import { MarketProcessor } from './market.processor.js';
import { scheduleRepeatable } from './repeatable-schedule.js';

/** Producer-side queues (the relay's and the scheduler's): Redis calls time out. */
const PRODUCER_QUEUE = 'PRODUCER_QUEUE';
const NOTIFY_PRODUCER_QUEUE = 'NOTIFY_PRODUCER_QUEUE';
/** The live publisher's own connection (publishing never waits behind a blocking command). */
const LIVE_REDIS = 'LIVE_REDIS';

function producerQueue(name: string, config: AppConfig): Queue {
  const queue = new Queue(name, {
    connection: redisConnection(config.redisUrl, config.redisCommandTimeoutMs),
    prefix: config.queuePrefix,
  });
  // A timed-out command is an 'error' event; unheard, it would crash the process.
  queue.on('error', (error: Error) => new Logger('Queue').warn(`Redis: ${error.message}`));
  return queue;
}

/**
 * Runs the outbox relay for as long as the worker lives, keeps the pruning schedule in Redis
 * (one deterministic scheduler id, so every worker upserts the same one), and, when
 * WORKER_METRICS_PORT is set, serves /metrics and /health/live.
 */
class WorkerRuntime implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Worker');
  private metricsServer: Server | null = null;

  constructor(
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(PRODUCER_QUEUE) private readonly queue: Queue,
    @Inject(NOTIFY_PRODUCER_QUEUE) private readonly notifyQueue: Queue,
    @Inject(LIVE_REDIS) private readonly liveRedis: Redis,
    @Inject(getDataSourceToken()) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.relay.start(this.config.outboxPollMs);
    watchBacklog({
      dataSource: this.dataSource,
      queues: [this.queue, this.notifyQueue],
      timeoutMs: this.config.redisCommandTimeoutMs,
    });
    scheduleRepeatable(
      this.queue,
      jobIds.pruneRecords(),
      { every: this.config.pruneIntervalMs },
      { name: JOB_PRUNE_RECORDS, data: { v: 1 }, opts: { removeOnComplete: true, removeOnFail: 100 } },
      { timeoutMs: this.config.redisCommandTimeoutMs, what: 'pruning', logger: this.logger },
    );
    if (this.config.workerMetricsPort > 0) this.serveMetrics(this.config.workerMetricsPort);
  }

  /** Before the database pool closes: the relay's current pass finishes (or times out) first. */
  async beforeApplicationShutdown(): Promise<void> {
    this.metricsServer?.close();
    await this.relay.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue.close();
    await this.notifyQueue.close();
    this.liveRedis.disconnect();
  }

  private serveMetrics(port: number): void {
    this.metricsServer = createServer((req, res) => {
      if (req.url === '/metrics') {
        metricsRegistry.metrics().then(
          (body) => res.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(body),
          (error: Error) => res.writeHead(500).end(error.message),
        );
      } else if (req.url === '/health/live') {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      } else {
        res.writeHead(404).end();
      }
    }).listen(port);
  }
}

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    const liveRedis = new Redis({
      ...(redisConnection(config.redisUrl, config.redisCommandTimeoutMs) as object),
      // Connected now: with no offline queue, a lazy connection would refuse its first publish.
      lazyConnect: false,
    });
    liveRedis.on('error', (error: Error) => new Logger('LivePublisher').warn(`Redis: ${error.message}`));
    return {
      module: WorkerModule,
      imports: [
        AppConfigModule.forRoot(config),
        DatabaseModule.forRoot(config, Math.min(10, config.databasePoolSize)),
        BullModule.forRoot({ connection: redisConnection(config.redisUrl), prefix: config.queuePrefix }),
        BullModule.registerQueue({ name: MARKET_QUEUE }),
        BullModule.registerQueue({ name: COMPLIANCE_QUEUE }),
        BullModule.registerQueue({ name: NOTIFY_QUEUE }),
        // In-app notifications go live through Redis pub/sub (libs/live), best effort.
        NotifyModule.forRoot([
          // The outside channels (webhook, WhatsApp, SMS, e-mail) and the webhooks directory.
          ...notificationChannelProviders(),
          {
            provide: NOTIFICATION_LIVE_PUBLISHER,
            useValue: new LivePublisher(liveRedis, config.queuePrefix),
          },
        ]),
        MarketModule,
        TradeModule,
        CatalogModule,
      ],
      providers: [
        {
          // Its own connection with a command timeout (the worker's blocking connection must not have one).
          provide: PRODUCER_QUEUE,
          useFactory: () => producerQueue(MARKET_QUEUE, config),
        },
        { provide: LIVE_REDIS, useValue: liveRedis },
        { provide: NOTIFY_PRODUCER_QUEUE, useFactory: () => producerQueue(NOTIFY_QUEUE, config) },
        {
          provide: OutboxRelay,
          inject: [getDataSourceToken(), PRODUCER_QUEUE, NOTIFY_PRODUCER_QUEUE],
          useFactory: (dataSource: DataSource, queue: Queue, notifyQueue: Queue) =>
            new OutboxRelay(
              dataSource,
              (name) => {
                if (name === MARKET_QUEUE) return queue;
                if (name === NOTIFY_QUEUE) return notifyQueue;
                throw new Error(`Unknown queue ${name}`);
              },
              { leaseMs: config.outboxLeaseMs, redisTimeoutMs: config.redisCommandTimeoutMs },
              () => pingQueueRedis(queue),
            ),
        },
        RetentionService,
        WorkerRuntime,
        MarketProcessor,
        ComplianceProcessor,
        NotifyProcessor,
      ],
    };
  }
}
