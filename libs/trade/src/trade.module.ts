import { Module } from '@nestjs/common';
import { StockLedgerModule } from '../../market/src/stock-ledger.module.js';
import { SettlementModule } from '../../settlement/src/settlement.module.js';
import { TradeService } from './trade.service.js';

@Module({
  imports: [StockLedgerModule, SettlementModule],
  providers: [TradeService],
  exports: [TradeService],
})
export class TradeModule {}
