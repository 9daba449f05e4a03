import { Module } from '@nestjs/common';
import { CatalogModule } from '../../catalog/src/catalog.module.js';
import { MonitoringModule } from '../../monitoring/src/monitoring.module.js';
import { ExportsService } from './exports.service.js';

/** The coordinator's CSV and xlsx downloads: a read model, it writes no table. */
@Module({
  imports: [CatalogModule, MonitoringModule],
  providers: [ExportsService],
  exports: [ExportsService],
})
export class ExportsModule {}
