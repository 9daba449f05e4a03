import { CsvSyntaxError, parseCsv, parseDate, parsePrice } from './csv.js';

describe('parseCsv', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and numbers lines', () => {
    const text = '\uFEFFa,b,c\r\n"1,5","say ""hi""",x\n\n"multi\nline",2,3\n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['1,5', 'say "hi"', 'x'] },
      { line: 4, fields: ['multi\nline', '2', '3'] },
    ]);
  });

  it('keeps empty fields and a last line without a newline', () => {
    expect(parseCsv('a,,c\nd,e,')).toEqual([
      { line: 1, fields: ['a', '', 'c'] },
      { line: 2, fields: ['d', 'e', ''] },
    ]);
  });

  it('names the line of broken quoting', () => {
    expect(() => parseCsv('a,b\n"open,c\n')).toThrow(CsvSyntaxError);
    expect(() => parseCsv('a,b\nx"y,c\n')).toThrow(expect.objectContaining({ line: 2 }));
    expect(() => parseCsv('a,b\n"x"y,c\n')).toThrow(expect.objectContaining({ line: 2 }));
  });
});

describe('Panel Harga-shaped values', () => {
  it('reads rupiah with thousands separators and Rp, and refuses decimals', () => {
    expect(parsePrice('13500')).toBe(13500n);
    expect(parsePrice('13.500')).toBe(13500n);
    expect(parsePrice('Rp 1,250,000')).toBe(1250000n);
    expect(parsePrice('13.50')).toBeNull();
    expect(parsePrice('13.500,5')).toBeNull();
    expect(parsePrice('-5')).toBeNull();
    expect(parseDate('05/01/2026')).toBe('2026-01-05');
    expect(parseDate('2026-02-30')).toBeNull();
  });
});
