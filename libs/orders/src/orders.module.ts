import { LiveModule } from '../../live/src/live.module.js';
import { Module } from '@nestjs/common';
import { StockLedgerModule } from '../../market/src/stock-ledger.module.js';
import { SettlementModule } from '../../settlement/src/settlement.module.js';
import { FulfilmentLifecycleService } from './fulfilment-lifecycle.service.js';
import { OrdersService } from './orders.service.js';

@Module({
  imports: [SettlementModule, StockLedgerModule, LiveModule],
  providers: [OrdersService, FulfilmentLifecycleService],
  exports: [OrdersService, FulfilmentLifecycleService],
})
export class OrdersModule {}
