import { Module } from '@nestjs/common';
import { CatalogModule } from '../../catalog/src/catalog.module.js';
import { OrdersModule } from '../../orders/src/orders.module.js';
import { EvaluationReadService } from './evaluation-read.service.js';
import { MarketEvaluationService } from './market-evaluation.service.js';
import { MarketService } from './market.service.js';
import { DemandTemplatesService } from './demand-templates.service.js';
import { OfferRulesService } from './offer-rules.service.js';
import { ShortfallService } from './shortfall.service.js';
import { SupervisionService } from './supervision.service.js';

@Module({
  imports: [CatalogModule, OrdersModule],
  providers: [
    MarketService,
    MarketEvaluationService,
    EvaluationReadService,
    ShortfallService,
    SupervisionService,
    OfferRulesService,
    DemandTemplatesService,
  ],
  exports: [
    DemandTemplatesService,
    MarketService,
    MarketEvaluationService,
    EvaluationReadService,
    ShortfallService,
    SupervisionService,
  ],
})
export class MarketModule {}
