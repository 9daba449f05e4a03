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
import { CatalogModule } from '../../../libs/catalog/src/catalog.module.js';
import { ComplianceProcessor } from './compliance.processor.js';
import { OutboxRelay } from '../../../libs/jobs/src/outbox-relay.js';
import type { Cluster, Redis } from 'ioredis';
import { ProducerQueues } from '../../../libs/jobs/src/producer-queues.js';
import { LivePublisher } from '../../../libs/live/src/live-publisher.js';
import { NotifyModule } from '../../../libs/notify/src/notify.module.js';
import { notificationChannelProviders } from '../../../libs/notify/src/channels/notification-channels.module.js';
import { NOTIFICATION_LIVE_PUBLISHER } from '../../../libs/notify/src/notify.tokens.js';
import { NotifyProcessor } from './notify.processor.js';
import { queuePrefix, useMarketQueueGroups } from '../../../libs/jobs/src/queues.js';
import {
  createRedisClient,
  pingQueueRedis,
  RedisConnections,
} from '../../../libs/jobs/src/redis-connection.js';
import { RetentionService } from '../../../libs/jobs/src/retention.service.js';
import { MarketModule } from '../../../libs/market/src/market.module.js';
import { metricsRegistry, watchBacklog } from '../../../libs/observability/src/metrics.js';
import { TradeModule } from '../../../libs/trade/src/trade.module.js';
import { MarketProcessor } from './market.processor.js';
import { scheduleRepeatable } from './repeatable-schedule.js';

/** The live publisher's own Redis connection. */
const LIVE_REDIS = 'LIVE_REDIS';

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
    @Inject(ProducerQueues) private readonly producers: ProducerQueues,
    @Inject(RedisConnections) private readonly redis: RedisConnections,
    @Inject(LIVE_REDIS) private readonly liveRedis: Redis | Cluster,
    @Inject(getDataSourceToken()) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.relay.start(this.config.outboxPollMs);
    watchBacklog({
      dataSource: this.dataSource,
      queues: [...this.producers.all(), this.producers.get(NOTIFY_QUEUE)],
      timeoutMs: this.config.redisCommandTimeoutMs,
    });
    scheduleRepeatable(
      this.producers.first,
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

  /** Last (the root module's hook runs after BullMQ's): then the cluster clients can go. */
  async onApplicationShutdown(): Promise<void> {
    await this.producers.close();
    this.liveRedis.disconnect();
    await this.redis.close();
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
    useMarketQueueGroups(config.marketQueueGroups);
    const redis = new RedisConnections(config);
    // The live publisher's own connection (publishing never waits behind a blocking command),
    // connected now: with no offline queue, a lazy connection would refuse its first publish.
    const liveRedis = createRedisClient(config, {
      commandTimeout: config.redisCommandTimeoutMs,
      enableOfflineQueue: false,
      lazyConnect: false,
    });
    liveRedis.on('error', (error: Error) => new Logger('LivePublisher').warn(`Redis: ${error.message}`));
    return {
      module: WorkerModule,
      imports: [
        AppConfigModule.forRoot(config),
        DatabaseModule.forRoot(config, Math.min(10, config.databasePoolSize)),
        BullModule.forRoot({ connection: redis.shared(), prefix: config.queuePrefix }),
        // Each queue its own prefix: hash-tagged on a cluster (see libs/jobs/src/queues.ts).
        BullModule.registerQueue({ name: MARKET_QUEUE, prefix: queuePrefix(config, MARKET_QUEUE) }),
        BullModule.registerQueue({ name: COMPLIANCE_QUEUE, prefix: queuePrefix(config, COMPLIANCE_QUEUE) }),
        BullModule.registerQueue({ name: NOTIFY_QUEUE, prefix: queuePrefix(config, NOTIFY_QUEUE) }),
        NotifyModule.forRoot([
          // The outside channels (webhook, WhatsApp, SMS, e-mail) and the webhooks directory.
          ...notificationChannelProviders(),
          // In-app notifications go live through Redis pub/sub (libs/live), best effort.
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
        { provide: RedisConnections, useValue: redis },
        { provide: LIVE_REDIS, useValue: liveRedis },
        {
          // Its own connection with a command timeout (the worker's blocking connection must not have one).
          provide: ProducerQueues,
          useFactory: () => new ProducerQueues(config, redis.connection(config.redisCommandTimeoutMs)),
        },
        {
          provide: OutboxRelay,
          inject: [getDataSourceToken(), ProducerQueues],
          useFactory: (dataSource: DataSource, producers: ProducerQueues) =>
            new OutboxRelay(
              dataSource,
              (name) => producers.get(name),
              { leaseMs: config.outboxLeaseMs, redisTimeoutMs: config.redisCommandTimeoutMs },
              () => pingQueueRedis(producers.first),
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
