import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { BullModule, getQueueToken } from '@nestjs/bullmq';
import { Logger, Module, type DynamicModule } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { TerminusModule } from '@nestjs/terminus';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { Request } from 'express';
import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../../libs/core/src/app-config.js';
import { AppConfigModule } from '../../../libs/core/src/app-config.module.js';
import { CatalogModule } from '../../../libs/catalog/src/catalog.module.js';
import { CatalogService } from '../../../libs/catalog/src/catalog.service.js';
import { DatabaseModule } from '../../../libs/database/src/database.module.js';
import { IdentityModule } from '../../../libs/identity/src/identity.module.js';
import { IdentityService } from '../../../libs/identity/src/identity.service.js';
import { TokenService } from '../../../libs/identity/src/token.service.js';
import { EvaluationReadService } from '../../../libs/market/src/evaluation-read.service.js';
import { MarketModule } from '../../../libs/market/src/market.module.js';
import { MarketService } from '../../../libs/market/src/market.service.js';
import { MonitoringModule } from '../../../libs/monitoring/src/monitoring.module.js';
import { OrdersModule } from '../../../libs/orders/src/orders.module.js';
import { OrdersService } from '../../../libs/orders/src/orders.service.js';
import type { GqlContext } from './graphql/context.js';
import { formatGraphQLError } from './graphql/error-formatter.js';
import { idempotencyPlugin, localisedErrorsPlugin } from './graphql/idempotency.plugin.js';
import { metricsPlugin } from './graphql/metrics.plugin.js';
import { MetricsController } from './metrics.controller.js';
import { MARKET_QUEUE } from '../../../libs/jobs/src/job-types.js';
import { redisConnection } from '../../../libs/jobs/src/redis-connection.js';
import { watchBacklog } from '../../../libs/observability/src/metrics.js';
import { createLoaders } from './graphql/loaders.js';
import { queryLimitsRule } from './graphql/query-limits.rule.js';
import { DateTimeScalar } from './graphql/scalars.js';
import {
  CatalogResolver,
  CommodityFieldsResolver,
  CommodityMinimumResolver,
} from './resolvers/catalog.resolver.js';
import { HealthController } from './health.controller.js';
import { IdentityResolver } from './resolvers/identity.resolver.js';
import {
  AwardFieldsResolver,
  DemandFieldsResolver,
  DemandLineFieldsResolver,
  EvaluationFieldsResolver,
  OfferFieldsResolver,
  StockLotFieldsResolver,
} from './resolvers/market-fields.resolver.js';
import { MarketResolver } from './resolvers/market.resolver.js';
import {
  CommodityFulfilmentResolver,
  CooperativeFulfilmentResolver,
  MonitoringResolver,
} from './resolvers/monitoring.resolver.js';
import { OrderLineFieldsResolver, OrdersResolver } from './resolvers/orders.resolver.js';
import {
  AuditEntryFieldsResolver,
  ConsignorStatementFieldsResolver,
  InvoiceFieldsResolver,
  LotDeliveryFieldsResolver,
  LotTraceFieldsResolver,
  PayableFieldsResolver,
  SettlementResolver,
} from './resolvers/settlement.resolver.js';
import { SettlementModule } from '../../../libs/settlement/src/settlement.module.js';

function bearerToken(req: Request): string | null {
  const header = req.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : null;
}

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    const domainModules = [
      IdentityModule,
      CatalogModule,
      MarketModule,
      OrdersModule,
      MonitoringModule,
      SettlementModule,
    ];
    return {
      module: ApiModule,
      imports: [
        AppConfigModule.forRoot(config),
        DatabaseModule.forRoot(config, config.databasePoolSize),
        // The API only reads the queue (readiness, depth for /metrics); jobs go through the outbox.
        BullModule.forRoot({
          connection: redisConnection(config.redisUrl, config.redisCommandTimeoutMs),
          prefix: config.queuePrefix,
        }),
        BullModule.registerQueue({ name: MARKET_QUEUE }),
        TerminusModule.forRoot(),
        ...domainModules,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: domainModules,
          inject: [
            getDataSourceToken(),
            TokenService,
            IdentityService,
            CatalogService,
            MarketService,
            OrdersService,
            EvaluationReadService,
          ],
          useFactory: (
            dataSource: DataSource,
            tokens: TokenService,
            identity: IdentityService,
            catalog: CatalogService,
            market: MarketService,
            orders: OrdersService,
            evaluations: EvaluationReadService,
          ) => ({
            path: '/graphql',
            autoSchemaFile: true,
            sortSchema: true,
            buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: DateTimeScalar }] },
            introspection: !config.production,
            graphiql: !config.production,
            playground: false,
            // Apollo's CSRF prevention (on by default) stays on: simple cross-site requests are refused.
            csrfPrevention: true,
            includeStacktraceInErrorResponses: false,
            validationRules: [queryLimitsRule],
            formatError: formatGraphQLError,
            plugins: [metricsPlugin(), idempotencyPlugin(dataSource), localisedErrorsPlugin()],
            context: ({ req }: { req: Request }): GqlContext => {
              const token = bearerToken(req);
              return {
                req,
                actor: token ? tokens.verify(token) : null,
                loaders: createLoaders({ identity, catalog, market, orders, evaluations }),
                locale: /^id\b/i.test(req.headers['accept-language'] ?? '') ? 'id' : 'en',
              };
            },
          }),
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        {
          provide: 'BACKLOG_METRICS',
          inject: [getDataSourceToken(), getQueueToken(MARKET_QUEUE)],
          useFactory: (dataSource: DataSource, queue: Queue) => {
            // A timed-out Redis command is an 'error' event; unheard, it would crash the process.
            queue.on('error', (error: Error) => new Logger('Queue').warn(`Redis: ${error.message}`));
            watchBacklog({ dataSource, queues: [queue], timeoutMs: config.redisCommandTimeoutMs });
            return true;
          },
        },
        IdentityResolver,
        CatalogResolver,
        CommodityMinimumResolver,
        CommodityFieldsResolver,
        MarketResolver,
        StockLotFieldsResolver,
        DemandFieldsResolver,
        DemandLineFieldsResolver,
        OfferFieldsResolver,
        EvaluationFieldsResolver,
        AwardFieldsResolver,
        OrdersResolver,
        OrderLineFieldsResolver,
        MonitoringResolver,
        CommodityFulfilmentResolver,
        CooperativeFulfilmentResolver,
        SettlementResolver,
        InvoiceFieldsResolver,
        PayableFieldsResolver,
        LotTraceFieldsResolver,
        LotDeliveryFieldsResolver,
        AuditEntryFieldsResolver,
        ConsignorStatementFieldsResolver,
      ],
    };
  }
}
