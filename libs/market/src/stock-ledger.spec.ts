import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { sumPerId } from './stock-ledger.service.js';

describe('stock ledger: summing items per row', () => {
  it('sums quantities per id and sorts by id, so rows are always locked in one order', () => {
    expect(
      sumPerId([
        { id: 'lot-b', milli: 1500 },
        { id: 'lot-a', milli: 250 },
        { id: 'lot-b', milli: 500 },
      ]),
    ).toEqual([
      { id: 'lot-a', milli: 250 },
      { id: 'lot-b', milli: 2000 },
    ]);
    expect(sumPerId([])).toEqual([]);
  });

  it('refuses a quantity that is not a positive whole number of milli (a caller bug)', () => {
    for (const milli of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => sumPerId([{ id: 'lot', milli }])).toThrow(RangeError);
    }
    expect(() =>
      sumPerId([
        { id: 'lot', milli: Number.MAX_SAFE_INTEGER },
        { id: 'lot', milli: 1 },
      ]),
    ).toThrow(/overflows/);
  });
});

/** Every TypeScript file of the application (not tests, not migrations). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'migrations' ? [] : sourceFiles(path);
    return path.endsWith('.ts') && !path.endsWith('.spec.ts') ? [path] : [];
  });
}

describe('stock ledger: the only writer of reserved and awarded quantities', () => {
  const root = join(import.meta.dirname, '..', '..', '..');
  const files = ['libs', 'apps', 'scripts', 'bench'].flatMap((dir) => sourceFiles(join(root, dir)));
  const ledger = join(root, 'libs', 'market', 'src', 'stock-ledger.service.ts');

  it('finds the ledger itself with the patterns below (the check can fail)', () => {
    const text = readFileSync(ledger, 'utf8');
    expect(/\$\{column\} = /.test(text)).toBe(true);
    expect(writesOf('UPDATE stock_lot SET reserved_quantity = reserved_quantity + 1')).toEqual([
      'reserved_quantity',
    ]);
    expect(writesOf('tx.update(DemandLineEntity, { id }, { awardedQuantity: 5 })')).toEqual([
      'awardedQuantity',
    ]);
    expect(writesOf('UPDATE shortfall SET reawarded_quantity = 1')).toEqual([]);
  });

  it('no other file writes stock_lot.reserved_quantity or demand_line.awarded_quantity', () => {
    const offenders = files
      .filter((file) => file !== ledger)
      .flatMap((file) =>
        writesOf(readFileSync(file, 'utf8')).map((what) => `${relative(root, file)}: ${what}`),
      );
    expect(offenders).toEqual([]);
  });
});

/** SQL assignments (`reserved_quantity =`) and ORM updates/saves naming the two columns. */
function writesOf(text: string): string[] {
  const sql = [...text.matchAll(/\b(reserved_quantity|awarded_quantity)\s*=(?!=)/g)].map((m) => m[1]!);
  const orm = [
    ...text.matchAll(
      /\.(?:update|save|increment|decrement)\(\s*(?:StockLotEntity|DemandLineEntity)[\s\S]{0,300}?\b(reservedQuantity|awardedQuantity)\b/g,
    ),
  ].map((m) => m[1]!);
  return [...sql, ...orm];
}
