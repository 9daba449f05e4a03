import { Module } from '@nestjs/common';
import { CatalogModule } from '../../catalog/src/catalog.module.js';
import { OrdersModule } from '../../orders/src/orders.module.js';
import { EvaluationReadService } from './evaluation-read.service.js';
import { MarketEvaluationService } from './market-evaluation.service.js';
import { MarketService } from './market.service.js';

@Module({
  imports: [CatalogModule, OrdersModule],
  providers: [MarketService, MarketEvaluationService, EvaluationReadService],
  exports: [MarketService, MarketEvaluationService, EvaluationReadService],
})
export class MarketModule {}
