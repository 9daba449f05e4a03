import type { Writable } from 'node:stream';
import { cellText, type Cell, type ExportColumn, type RowSink } from './export-table.js';
import { drained } from './drained.js';

/** Excel reads a UTF-8 file as UTF-8 (not the ANSI code page) only with a byte order mark. */
const UTF8_BOM = '\uFEFF';
/** Rows are written in chunks of about this many characters, not one write per row. */
const CHUNK_CHARS = 64 * 1024;

/** RFC 4180: a field with a comma, quote or line break is quoted, its quotes doubled. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Writes rows as CSV (comma-separated, CRLF, UTF-8 with BOM) to a stream as they come. */
export class CsvSink implements RowSink {
  private buffer: string;

  constructor(
    private readonly out: Writable,
    private readonly columns: readonly ExportColumn[],
  ) {
    this.buffer = UTF8_BOM + columns.map((c) => csvField(c.header)).join(',') + '\r\n';
  }

  async row(cells: readonly Cell[]): Promise<void> {
    this.buffer +=
      this.columns.map((column, i) => csvField(cellText(column.kind, cells[i] ?? null))).join(',') + '\r\n';
    if (this.buffer.length >= CHUNK_CHARS) await this.flush();
  }

  async end(): Promise<void> {
    await this.flush();
    await new Promise<void>((resolve) => this.out.end(resolve));
  }

  private async flush(): Promise<void> {
    if (this.buffer.length === 0) return;
    const chunk = this.buffer;
    this.buffer = '';
    if (!this.out.write(chunk, 'utf8')) await drained(this.out);
  }
}
