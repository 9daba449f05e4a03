import { Module } from '@nestjs/common';
import { MonitoringModule } from '../../monitoring/src/monitoring.module.js';
import { OpenDataService } from './open-data.service.js';

@Module({
  imports: [MonitoringModule],
  providers: [OpenDataService],
  exports: [OpenDataService],
})
export class OpenDataModule {}
