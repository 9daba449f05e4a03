import { BullModule, getQueueToken } from '@nestjs/bullmq';
import {
  Inject,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../../libs/core/src/app-config.js';
import { APP_CONFIG, AppConfigModule } from '../../../libs/core/src/app-config.module.js';
import { DatabaseModule } from '../../../libs/database/src/database.module.js';
import { COMPLIANCE_QUEUE, MARKET_QUEUE } from '../../../libs/jobs/src/job-types.js';
import { CatalogModule } from '../../../libs/catalog/src/catalog.module.js';
import { ComplianceProcessor } from './compliance.processor.js';
import { OutboxRelay } from '../../../libs/jobs/src/outbox-relay.js';
import { MarketModule } from '../../../libs/market/src/market.module.js';
import { redisConnection } from './redis-connection.js';
import { MarketProcessor } from './market.processor.js';

/** Runs the outbox relay for as long as the worker lives. */
class OutboxRelayRunner implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.relay.start(this.config.outboxPollMs);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay.stop();
  }
}

@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        AppConfigModule.forRoot(config),
        DatabaseModule.forRoot(config, Math.min(10, config.databasePoolSize)),
        BullModule.forRoot({ connection: redisConnection(config.redisUrl), prefix: config.queuePrefix }),
        BullModule.registerQueue({ name: MARKET_QUEUE }),
        BullModule.registerQueue({ name: COMPLIANCE_QUEUE }),
        MarketModule,
        CatalogModule,
      ],
      providers: [
        {
          provide: OutboxRelay,
          inject: [getDataSourceToken(), getQueueToken(MARKET_QUEUE)],
          useFactory: (dataSource: DataSource, marketQueue: Queue) =>
            new OutboxRelay(dataSource, (name) => {
              if (name !== MARKET_QUEUE) throw new Error(`Unknown queue ${name}`);
              return marketQueue;
            }),
        },
        OutboxRelayRunner,
        MarketProcessor,
        ComplianceProcessor,
      ],
    };
  }
}
