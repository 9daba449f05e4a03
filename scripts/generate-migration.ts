/**
 * Writes a timestamped migration with the SQL that brings an up-to-date database to the
 * entities (TypeORM's schema diff), and registers it in migrations/index.ts.
 * Usage: npm run migration:generate -- AddSomething   (needs DATABASE_URL or the local default)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { loadConfig } from '../libs/core/src/app-config.js';
import { createDataSource } from '../libs/database/src/data-source.js';

const name = process.argv[2];
if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
  console.error('Give the migration a PascalCase name: npm run migration:generate -- AddInvoices');
  process.exit(1);
}
const dataSource = createDataSource(loadConfig().databaseUrl);
await dataSource.initialize();
await dataSource.runMigrations();
const sql = await dataSource.driver.createSchemaBuilder().log();
await dataSource.destroy();
if (sql.upQueries.length === 0) {
  console.log('The entities and the migrations agree: nothing to generate.');
  process.exit(0);
}
const quote = (query: string) =>
  '`' + query.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
const timestamp = Date.now();
const className = `${name}${timestamp}`;
const up = sql.upQueries.map((q) => `    await queryRunner.query(${quote(q.query)});`).join('\n');
const down = sql.downQueries
  .reverse()
  .map((q) => `    await queryRunner.query(${quote(q.query)});`)
  .join('\n');
const source = `import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(queryRunner: QueryRunner): Promise<void> {
${up}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${down}
  }
}
`;
// Scripts run from dist/scripts; the sources live in libs/database/src/migrations.
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const folder = join(root, 'libs', 'database', 'src', 'migrations');
const fileName = `${timestamp}-${name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase()}.migration`;
writeFileSync(join(folder, `${fileName}.ts`), source);
const indexPath = join(folder, 'index.ts');
const index = readFileSync(indexPath, 'utf8');
const importLine = `import { ${className} } from './${fileName}.js';\n`;
const updated = (importLine + index).replace(/= \[([\s\S]*?)\];/, (_match, body: string) => {
  const existing = body
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  return `= [\n${[...existing, className].map((name) => `  ${name},`).join('\n')}\n];`;
});
writeFileSync(indexPath, updated);
console.log(`Wrote libs/database/src/migrations/${fileName}.ts (${sql.upQueries.length} statements)`);
