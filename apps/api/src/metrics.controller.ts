import { Controller, Get, Header } from '@nestjs/common';
import { metricsRegistry } from '../../../libs/observability/src/metrics.js';

/** Prometheus scrape endpoint (text exposition format). */
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('content-type', metricsRegistry.contentType)
  @Header('cache-control', 'no-store')
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}
