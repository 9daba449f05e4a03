import { Module } from '@nestjs/common';
import { StockLedgerService } from './stock-ledger.service.js';

/**
 * The stock-and-award ledger on its own, importing no feature module: orders, market and
 * trade all import it without an import cycle.
 */
@Module({
  providers: [StockLedgerService],
  exports: [StockLedgerService],
})
export class StockLedgerModule {}
