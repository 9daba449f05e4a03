import { PassThrough } from 'node:stream';
import { CsvSink, csvField } from './csv.sink.js';
import type { ExportColumn } from './export-table.js';

async function written(
  columns: ExportColumn[],
  rows: (string | number | bigint | null)[][],
): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const sink = new CsvSink(out, columns);
  for (const row of rows) await sink.row(row);
  await sink.end();
  return Buffer.concat(chunks);
}

describe('CsvSink', () => {
  it('quotes fields with commas, quotes and line breaks (RFC 4180) and leaves the rest bare', () => {
    expect(csvField('Tahu, tempe')).toBe('"Tahu, tempe"');
    expect(csvField('Dapur "Sentul"')).toBe('"Dapur ""Sentul"""');
    expect(csvField('baris\nkedua')).toBe('"baris\nkedua"');
    expect(csvField('Koperasi Kelurahan Merah Putih — Sentul')).toBe(
      'Koperasi Kelurahan Merah Putih — Sentul',
    );
  });

  it('writes a UTF-8 BOM, a header, CRLF rows, exact quantities and whole rupiah', async () => {
    const bytes = await written(
      [
        { header: 'Dapur', kind: 'text' },
        { header: 'Diminta', kind: 'quantity' },
        { header: 'Belanja (Rp)', kind: 'money' },
        { header: 'Tingkat pemenuhan', kind: 'rate' },
      ],
      [
        ['SPPG Kota Blitar, Sentul — "pagi"', 20_500, 1_300_000n, 0.5],
        ['Dapur kosong', 1, 0n, null],
      ],
    );
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8')).toBe(
      'Dapur,Diminta,Belanja (Rp),Tingkat pemenuhan\r\n' +
        '"SPPG Kota Blitar, Sentul — ""pagi""",20.500,1300000,0.5\r\n' +
        'Dapur kosong,0.001,0,\r\n',
    );
  });

  it('waits for a slow reader instead of buffering the whole file', async () => {
    const out = new PassThrough({ highWaterMark: 1024 });
    const sink = new CsvSink(out, [{ header: 'Catatan', kind: 'text' }]);
    let rows = 0;
    const writing = (async () => {
      for (; rows < 10_000; rows++) await sink.row(['x'.repeat(100)]);
      await sink.end();
    })();
    await new Promise((resolve) => setTimeout(resolve, 50));
    // Nobody reads yet: the sink stopped after filling the stream, far short of 10 000 rows.
    expect(rows).toBeLessThan(2000);
    out.resume();
    await writing;
    expect(rows).toBe(10_000);
  });
});
