import { Module } from '@nestjs/common';
import { CatalogService } from './catalog.service.js';
import { CertificatesService } from './certificates.service.js';
import { ReferencePricesService } from './reference-prices.service.js';

@Module({
  providers: [CatalogService, CertificatesService, ReferencePricesService],
  exports: [CatalogService, CertificatesService, ReferencePricesService],
})
export class CatalogModule {}
