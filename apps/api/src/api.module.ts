import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import { Module, type DynamicModule } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { getDataSourceToken } from '@nestjs/typeorm';
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
import { createLoaders } from './graphql/loaders.js';
import { queryLimitsRule } from './graphql/query-limits.rule.js';
import { DateTimeScalar } from './graphql/scalars.js';
import {
  CatalogResolver,
  CommodityFieldsResolver,
  CommodityMinimumResolver,
} from './resolvers/catalog.resolver.js';
import { HealthController } from './health.controller.js';
import { OpenDataController } from './http/open-data.controller.js';
import { OpenDataModule } from '../../../libs/opendata/src/opendata.module.js';
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
      OpenDataModule,
    ];
    return {
      module: ApiModule,
      imports: [
        AppConfigModule.forRoot(config),
        DatabaseModule.forRoot(config, config.databasePoolSize),
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
            plugins: [idempotencyPlugin(dataSource), localisedErrorsPlugin()],
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
      controllers: [HealthController, OpenDataController],
      providers: [
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
      ],
    };
  }
}
