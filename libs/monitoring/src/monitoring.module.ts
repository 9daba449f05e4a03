import { Module } from '@nestjs/common';
import { CatalogModule } from '../../catalog/src/catalog.module.js';
import { FulfilmentService } from './fulfilment.service.js';
import { OversightService } from './oversight.service.js';

@Module({
  imports: [CatalogModule],
  providers: [FulfilmentService, OversightService],
  exports: [FulfilmentService, OversightService],
})
export class MonitoringModule {}
