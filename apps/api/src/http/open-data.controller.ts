import { Controller, Get, Header, Query, Req, UseFilters } from '@nestjs/common';
import type { Request } from 'express';
import { OpenDataService } from '../../../../libs/opendata/src/open-data.service.js';
import { DomainHttpFilter } from './domain-http.filter.js';

/** Public, no sign-in: the OCDS 1.1.5 release package of closed, evaluated demands. */
@Controller('ocds')
@UseFilters(DomainHttpFilter)
export class OpenDataController {
  constructor(private readonly openData: OpenDataService) {}

  @Get('releases.json')
  @Header('Cache-Control', 'public, max-age=300')
  releases(
    @Req() req: Request,
    @Query('regionCode') regionCode: unknown,
    @Query('from') from: unknown,
    @Query('to') to: unknown,
  ) {
    return this.openData.releasePackage(
      String(regionCode ?? ''),
      String(from ?? ''),
      String(to ?? ''),
      `${req.protocol}://${req.get('host') ?? 'localhost'}${req.originalUrl}`,
    );
  }
}
