import { Module } from '@nestjs/common';
import { SettlementModule } from '../../settlement/src/settlement.module.js';
import { FulfilmentLifecycleService } from './fulfilment-lifecycle.service.js';
import { OrdersService } from './orders.service.js';

@Module({
  imports: [SettlementModule],
  providers: [OrdersService, FulfilmentLifecycleService],
  exports: [OrdersService, FulfilmentLifecycleService],
})
export class OrdersModule {}
