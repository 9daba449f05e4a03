import { Module } from '@nestjs/common';
import { StockLedgerService } from './stock-ledger.service.js';

/** No imports of feature modules: orders, trade and market can all use the ledger without cycles. */
@Module({ providers: [StockLedgerService], exports: [StockLedgerService] })
export class StockLedgerModule {}
