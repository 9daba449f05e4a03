import { parseLocalDate } from '../../core/src/time.js';

/**
 * A small RFC 4180 reader: comma-separated, fields optionally in double quotes (a quote inside
 * is doubled, a quoted field may hold commas and line breaks), CRLF or LF, a byte-order mark
 * at the start ignored. Each record says on which line of the file it began, so an import can
 * name the line a person has to fix.
 */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

export function parseCsv(text: string): CsvRecord[] {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quotedField = false;
  const endRecord = () => {
    fields.push(field);
    // A blank line is no record.
    if (!(fields.length === 1 && fields[0] === '' && !quotedField))
      records.push({ line: recordLine, fields });
    fields = [];
    field = '';
    quotedField = false;
  };
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
          const next = source[i + 1];
          if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
            throw new CsvSyntaxError(line, 'text after a closing quote');
          }
        }
      } else {
        if (c === '\n') line++;
        field += c;
      }
      continue;
    }
    if (c === '"') {
      if (field !== '') throw new CsvSyntaxError(line, 'a quote inside an unquoted field');
      inQuotes = true;
      quotedField = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && source[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += c;
    }
  }
  if (inQuotes) throw new CsvSyntaxError(recordLine, 'a quoted field is not closed');
  if (field !== '' || fields.length > 0 || quotedField) endRecord();
  return records;
}

/** 13500, 13.500, 13,500, Rp13.500, "Rp 13.500" -> 13500n; decimals and anything else -> null. */
export function parsePrice(text: string): bigint | null {
  const compact = text.replace(/^Rp\.?\s*/i, '').trim();
  if (/^\d+$/.test(compact)) return BigInt(compact);
  if (/^\d{1,3}(\.\d{3})+$/.test(compact) || /^\d{1,3}(,\d{3})+$/.test(compact)) {
    return BigInt(compact.replace(/[.,]/g, ''));
  }
  return null;
}

/** YYYY-MM-DD or DD/MM/YYYY (how Indonesian spreadsheets write dates) -> YYYY-MM-DD, else null. */
export function parseDate(text: string): string | null {
  const iso = parseLocalDate(text);
  if (iso) return iso;
  const match = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(text);
  if (!match) return null;
  return parseLocalDate(`${match[3]}-${match[2]!.padStart(2, '0')}-${match[1]!.padStart(2, '0')}`);
}
