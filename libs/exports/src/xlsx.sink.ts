import ExcelJS from 'exceljs';
import type { Writable } from 'node:stream';
import { drained } from './drained.js';
import { cellValue, type Cell, type ColumnKind, type ExportColumn, type RowSink } from './export-table.js';

const NUMBER_FORMAT: Partial<Record<ColumnKind, string>> = {
  money: '#,##0',
  quantity: '0.000',
  rate: '0.0000',
  integer: '0',
};

/**
 * Writes rows as one xlsx worksheet with exceljs's streaming WorkbookWriter: each row is
 * committed (serialised into the zip stream) as it comes, so the workbook is never in memory.
 */
export class XlsxSink implements RowSink {
  private readonly workbook: ExcelJS.stream.xlsx.WorkbookWriter;
  private readonly sheet: ExcelJS.Worksheet;
  private rows = 0;

  constructor(
    private readonly out: Writable,
    private readonly columns: readonly ExportColumn[],
    sheetName: string,
  ) {
    this.workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useStyles: true,
      useSharedStrings: false,
    });
    this.sheet = this.workbook.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
    this.sheet.columns = columns.map((column) => ({
      header: column.header,
      width: Math.max(12, Math.min(40, column.header.length + 2)),
      style: NUMBER_FORMAT[column.kind] ? { numFmt: NUMBER_FORMAT[column.kind] } : {},
    }));
    this.sheet.getRow(1).font = { bold: true };
    this.sheet.getRow(1).commit();
  }

  async row(cells: readonly Cell[]): Promise<void> {
    this.sheet.addRow(this.columns.map((column, i) => cellValue(column.kind, cells[i] ?? null))).commit();
    // The zip stream is piped into the response: wait for a slow client every few hundred rows.
    if (++this.rows % 256 === 0) await drained(this.out);
  }

  async end(): Promise<void> {
    this.sheet.commit();
    await this.workbook.commit();
  }
}
