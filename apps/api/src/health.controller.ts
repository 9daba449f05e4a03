import { InjectQueue } from '@nestjs/bullmq';
import { Controller, Get, Inject } from '@nestjs/common';
import {
  HealthCheck,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../../libs/core/src/app-config.module.js';
import type { AppConfig } from '../../../libs/core/src/app-config.js';
import { MARKET_QUEUE } from '../../../libs/jobs/src/job-types.js';
import { pingQueueRedis } from '../../../libs/jobs/src/redis-connection.js';

/**
 * Liveness (`/health/live`: the process answers; no I/O, so a held lock or an exhausted pool
 * never gets a healthy process restarted) and readiness (`/health/ready`: database, Redis
 * and the job queue answer within their timeouts; 503 otherwise).
 */
@Controller('health')
export class HealthController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(MARKET_QUEUE) private readonly queue: Queue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly checks: HealthCheckService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
  ) {}

  /** As before this release: the API reaches its database (compose healthchecks use it). */
  @Get()
  async health(): Promise<{ status: string }> {
    await this.dataSource.query('SELECT 1');
    return { status: 'ok' };
  }

  @Get('live')
  live(): { status: string } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    const timeout = this.config.redisCommandTimeoutMs;
    return this.checks.check([
      () =>
        this.database
          .pingCheck('database', { connection: this.dataSource })
          .withTimeout(this.config.databasePoolAcquireTimeoutMs + 1000),
      () =>
        this.indicators
          .check('redis')
          .attempt(() => pingQueueRedis(this.queue))
          .withTimeout(timeout),
      () =>
        this.indicators
          .check('queue')
          .attempt(async () => ({ waiting: await this.queue.getWaitingCount() }))
          .withTimeout(timeout),
    ]);
  }
}
