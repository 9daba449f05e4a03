import { GraphQLSchemaHost } from '@nestjs/graphql';
import { lexicographicSortSchema, parse, printSchema, validate } from 'graphql';
import { readFileSync, writeFileSync } from 'node:fs';
import { generateOperationTypes } from '../../apps/web/codegen/generate-operations.js';
import { queryLimitsRule } from '../../apps/api/src/graphql/query-limits.rule.js';
import { TestSystem } from '../support/test-app.js';

/**
 * The browser client's typed operations are generated from the API's own schema. The schema
 * copy and the generated file are committed; this test fails when either is stale.
 * `UPDATE_WEB_SCHEMA=1 npm test -- test/e2e/web-schema` rewrites both.
 */
const schemaFile = new URL('../../apps/web/src/api/schema.graphql', import.meta.url);
const operationsFile = new URL('../../apps/web/src/api/operations.graphql', import.meta.url);
const generatedFile = new URL('../../apps/web/src/api/generated.ts', import.meta.url);

describe('the web client types', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await TestSystem.start({ worker: false });
  });
  afterAll(async () => system.stop());

  it('are generated from the current schema', () => {
    const schema = lexicographicSortSchema(system.api.get(GraphQLSchemaHost).schema);
    const sdl = printSchema(schema) + '\n';
    const generated = generateOperationTypes(schema, readFileSync(operationsFile, 'utf8'));
    if (process.env.UPDATE_WEB_SCHEMA) {
      writeFileSync(schemaFile, sdl);
      writeFileSync(generatedFile, generated);
    }
    expect(readFileSync(schemaFile, 'utf8')).toBe(sdl);
    expect(readFileSync(generatedFile, 'utf8')).toBe(generated);
  });

  it("each fit within the API's depth, size and cost limits (a screen the API refuses is a broken screen)", () => {
    const schema = system.api.get(GraphQLSchemaHost).schema;
    const document = parse(readFileSync(operationsFile, 'utf8'));
    const refused = document.definitions.flatMap((definition) =>
      definition.kind === 'OperationDefinition'
        ? validate(schema, { ...document, definitions: [definition] }, [queryLimitsRule]).map(
            (error) => `${definition.name?.value}: ${error.message}`,
          )
        : [],
    );
    expect(refused).toEqual([]);
  });
});
