import { LiveModule } from '../../live/src/live.module.js';
import { Module } from '@nestjs/common';
import { CatalogModule } from '../../catalog/src/catalog.module.js';
import { OrdersModule } from '../../orders/src/orders.module.js';
import { AwardInputBuilder } from './award-input.builder.js';
import { StockLedgerModule } from './stock-ledger.module.js';
import { EvaluationReadService } from './evaluation-read.service.js';
import { MarketEvaluationService } from './market-evaluation.service.js';
import { DemandService } from './demand.service.js';
import { OfferService } from './offer.service.js';
import { StockLotService } from './stock-lot.service.js';
import { DemandTemplatesService } from './demand-templates.service.js';
import { OfferRulesService } from './offer-rules.service.js';
import { ShortfallService } from './shortfall.service.js';
import { SupervisionService } from './supervision.service.js';

@Module({
  imports: [CatalogModule, OrdersModule, StockLedgerModule, LiveModule],
  providers: [
    AwardInputBuilder,
    StockLotService,
    DemandService,
    OfferService,
    MarketEvaluationService,
    EvaluationReadService,
    ShortfallService,
    SupervisionService,
    OfferRulesService,
    DemandTemplatesService,
  ],
  exports: [
    StockLotService,
    DemandService,
    OfferService,
    DemandTemplatesService,
    MarketEvaluationService,
    EvaluationReadService,
    ShortfallService,
    SupervisionService,
  ],
})
export class MarketModule {}
