import { Module } from '@nestjs/common';
import { CatalogModule } from '../../catalog/src/catalog.module.js';
import { ComplianceService } from './compliance.service.js';
import { FulfilmentService } from './fulfilment.service.js';
import { ScorecardService } from './scorecard.service.js';
import { OversightService } from './oversight.service.js';

@Module({
  imports: [CatalogModule],
  providers: [FulfilmentService, OversightService, ComplianceService, ScorecardService],
  exports: [FulfilmentService, OversightService, ComplianceService, ScorecardService],
})
export class MonitoringModule {}
