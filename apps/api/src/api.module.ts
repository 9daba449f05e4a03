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
import { EvaluationReadService } from '../../../libs/market/src/evaluation-read.service.js';
import { MarketModule } from '../../../libs/market/src/market.module.js';
import { DemandService } from '../../../libs/market/src/demand.service.js';
import { OfferService } from '../../../libs/market/src/offer.service.js';
import { StockLotService } from '../../../libs/market/src/stock-lot.service.js';
import { MonitoringModule } from '../../../libs/monitoring/src/monitoring.module.js';
import { OrdersModule } from '../../../libs/orders/src/orders.module.js';
import { OrdersService } from '../../../libs/orders/src/orders.service.js';
import type { GqlContext } from './graphql/context.js';
import { authenticationPlugin } from './graphql/authentication.plugin.js';
import { formatGraphQLError } from './graphql/error-formatter.js';
import { idempotencyPlugin, localisedErrorsPlugin } from './graphql/idempotency.plugin.js';
import { metricsPlugin } from './graphql/metrics.plugin.js';
import { MetricsController } from './metrics.controller.js';
import { MARKET_QUEUE } from '../../../libs/jobs/src/job-types.js';
import { redisConnection } from '../../../libs/jobs/src/redis-connection.js';
import { watchBacklog } from '../../../libs/observability/src/metrics.js';
import { hostileLiteralsRule, hostileVariablesPlugin } from './graphql/input-guard.js';
import { createLoaders } from './graphql/loaders.js';
import { MAX_QUERY_TOKENS, queryLimitsRule } from './graphql/query-limits.rule.js';
import { DateTimeScalar } from './graphql/scalars.js';
import {
  CatalogResolver,
  CommodityFieldsResolver,
  CommodityMinimumResolver,
} from './resolvers/catalog.resolver.js';
import { HealthController } from './health.controller.js';
import { PhotoController } from './photo.controller.js';
import { FilesModule } from '../../../libs/files/src/files.module.js';
import { OpenDataController } from './http/open-data.controller.js';
import { OpenDataModule } from '../../../libs/opendata/src/opendata.module.js';
import { ExportsController } from './http/exports.controller.js';
import { ExportsModule } from '../../../libs/exports/src/exports.module.js';
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
import { SettlementService } from '../../../libs/settlement/src/settlement.service.js';
import { TradeModule } from '../../../libs/trade/src/trade.module.js';
import { TradeService } from '../../../libs/trade/src/trade.service.js';
import {
  AllotmentFieldsResolver,
  ContractLevyFieldsResolver,
  CooperativeLevyFieldsResolver,
  PledgeFieldsResolver,
  ShipmentFieldsResolver,
  TradeResolver,
} from './resolvers/trade.resolver.js';
import {
  CertificateFieldsResolver,
  CertificateRuleFieldsResolver,
  DemandTemplateLineFieldsResolver,
  KitchenComplianceFieldsResolver,
  PortionRecordFieldsResolver,
  RulesResolver,
  StockLotCertificatesResolver,
} from './resolvers/rules.resolver.js';
import { TransparencyResolver } from './resolvers/transparency.resolver.js';
import { LiveResolver } from './resolvers/live.resolver.js';
import { LiveSocketServer } from './graphql/live-socket.server.js';
import { LiveSubscriptionsModule } from '../../../libs/live/src/live-subscriptions.module.js';

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
      TradeModule,
      OpenDataModule,
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
        FilesModule,
        LiveSubscriptionsModule,
        ExportsModule,
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          imports: domainModules,
          inject: [
            getDataSourceToken(),
            IdentityService,
            CatalogService,
            DemandService,
            OfferService,
            StockLotService,
            OrdersService,
            EvaluationReadService,
            TradeService,
            SettlementService,
          ],
          useFactory: (
            dataSource: DataSource,
            identity: IdentityService,
            catalog: CatalogService,
            demands: DemandService,
            offers: OfferService,
            stockLots: StockLotService,
            orders: OrdersService,
            evaluations: EvaluationReadService,
            trade: TradeService,
            settlement: SettlementService,
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
            parseOptions: { maxTokens: MAX_QUERY_TOKENS },
            validationRules: [queryLimitsRule, hostileLiteralsRule],
            formatError: formatGraphQLError,
            plugins: [
              metricsPlugin(),
              hostileVariablesPlugin(),
              authenticationPlugin(identity),
              idempotencyPlugin(dataSource),
              localisedErrorsPlugin(),
            ],
            context: ({ req }: { req: Request }): GqlContext => {
              const viewer: GqlContext['viewer'] = { actor: null };
              return {
                req,
                token: bearerToken(req),
                actor: null,
                viewer,
                organizationSuspended: false,
                loaders: createLoaders(
                  { identity, catalog, demands, offers, stockLots, orders, evaluations, trade, settlement },
                  () => viewer.actor,
                ),
                locale: /^id\b/i.test(req.headers['accept-language'] ?? '') ? 'id' : 'en',
              };
            },
          }),
        }),
      ],
      controllers: [
        HealthController,
        MetricsController,
        PhotoController,
        OpenDataController,
        ExportsController,
      ],
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
        TradeResolver,
        ShipmentFieldsResolver,
        PledgeFieldsResolver,
        AllotmentFieldsResolver,
        ContractLevyFieldsResolver,
        CooperativeLevyFieldsResolver,
        // MBG rules (issue 9)
        RulesResolver,
        CertificateFieldsResolver,
        CertificateRuleFieldsResolver,
        DemandTemplateLineFieldsResolver,
        PortionRecordFieldsResolver,
        KitchenComplianceFieldsResolver,
        StockLotCertificatesResolver,
        // Transparency and open data (issue 11)
        TransparencyResolver,
        // Live updates (issue 11): subscriptions over graphql-ws at /graphql
        LiveResolver,
        LiveSocketServer,
      ],
    };
  }
}
