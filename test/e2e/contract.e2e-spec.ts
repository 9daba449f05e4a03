import { GraphQLSchemaHost } from '@nestjs/graphql';
import { buildSchema, findBreakingChanges, findDangerousChanges } from 'graphql';
import { readFileSync, readdirSync } from 'node:fs';
import { TestSystem } from '../support/test-app.js';

/**
 * The public contract (docs/contract.graphql, a copy of the design's contract) is a promise to
 * outside clients: our schema may add to it, never rename, drop or change what is there.
 * Wave-2 sections of the design's contract are copied into docs/contract.d/ (one file a
 * section, byte-for-byte) as each is built; the test holds the schema to all of them.
 */
function contractSource(): string {
  const parts = new URL('../../docs/contract.d/', import.meta.url);
  let extra: string[] = [];
  try {
    extra = readdirSync(parts)
      .filter((name) => name.endsWith('.graphql'))
      .sort()
      .map((name) => readFileSync(new URL(name, parts), 'utf8'));
  } catch {
    // no wave-2 section implemented yet
  }
  return [readFileSync(new URL('../../docs/contract.graphql', import.meta.url), 'utf8'), ...extra].join('\n');
}

describe('the public GraphQL contract', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await TestSystem.start({ worker: false });
  });
  afterAll(async () => system.stop());

  it('is implemented in full, without breaking or dangerous changes', () => {
    const contract = buildSchema(contractSource());
    const ours = system.api.get(GraphQLSchemaHost).schema;
    const breaking = findBreakingChanges(contract, ours).map((change) => change.description);
    // Additions the contract allows (optional input fields and arguments) are "dangerous" to
    // graphql-js only because an old client never sends them; anything else is not allowed.
    const allowed = new Set(['OPTIONAL_INPUT_FIELD_ADDED', 'OPTIONAL_ARG_ADDED']);
    const dangerous = findDangerousChanges(contract, ours)
      .filter((change) => !allowed.has(change.type))
      .map((change) => change.description);
    expect(breaking).toEqual([]);
    expect(dangerous).toEqual([]);
  });
});
