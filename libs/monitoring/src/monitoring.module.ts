import { Module } from '@nestjs/common';
import { CatalogModule } from '../../catalog/src/catalog.module.js';
import { FulfilmentService } from './fulfilment.service.js';

@Module({ imports: [CatalogModule], providers: [FulfilmentService], exports: [FulfilmentService] })
export class MonitoringModule {}
