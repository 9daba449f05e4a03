import { Controller, Get, Param, Query, Req, Res, UseFilters } from '@nestjs/common';
import type { Request, Response } from 'express';
import { DomainError } from '../../../../libs/core/src/domain-error.js';
import { CsvSink } from '../../../../libs/exports/src/csv.sink.js';
import {
  EXPORT_NAMES,
  ExportsService,
  type ExportName,
} from '../../../../libs/exports/src/exports.service.js';
import { XlsxSink } from '../../../../libs/exports/src/xlsx.sink.js';
import type { Actor } from '../../../../libs/identity/src/actor.js';
import { IdentityService } from '../../../../libs/identity/src/identity.service.js';
import { DomainHttpFilter } from './domain-http.filter.js';

const CONTENT_TYPE = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
} as const;
const FILE = new RegExp(`^(${EXPORT_NAMES.join('|')})\\.(csv|xlsx)$`);

/**
 * `GET /exports/{fulfilment|compliance|invoices|payables}.{csv|xlsx}?regionCode=&from=&to=`
 * (Bearer token; coordinators of the region): the file is streamed as its rows are read.
 */
@Controller('exports')
@UseFilters(DomainHttpFilter)
export class ExportsController {
  constructor(
    private readonly exports: ExportsService,
    private readonly identity: IdentityService,
  ) {}

  @Get(':file')
  async download(
    @Param('file') file: string,
    @Query('regionCode') regionCode: unknown,
    @Query('from') from: unknown,
    @Query('to') to: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const match = FILE.exec(file);
    if (!match) throw DomainError.notFound('Export', 'Ekspor', { file });
    const [, name, format] = match as unknown as [string, ExportName, 'csv' | 'xlsx'];
    const prepared = await this.exports.prepare(await this.actor(req), name, regionCode, from, to);
    res.status(200).set({
      'content-type': CONTENT_TYPE[format],
      'content-disposition': `attachment; filename="${prepared.fileName}.${format}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    const sink =
      format === 'csv'
        ? new CsvSink(res, prepared.columns)
        : new XlsxSink(res, prepared.columns, prepared.sheetName);
    await prepared.write(sink);
  }

  /** The signed-in actor, checked like a GraphQL request (revoked or deactivated: none). */
  private async actor(req: Request): Promise<Actor | null> {
    const header = req.headers.authorization;
    if (!header?.startsWith('Bearer ')) return null;
    return (await this.identity.authenticate(header.slice(7).trim()))?.actor ?? null;
  }
}
