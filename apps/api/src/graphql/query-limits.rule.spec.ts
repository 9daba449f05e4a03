import { buildSchema, parse, validate, type GraphQLSchema } from 'graphql';
import {
  MAX_QUERY_COST,
  MAX_ROOT_FIELDS,
  queryLimitsRule,
  RESOLVER_FIELD_COST,
} from './query-limits.rule.js';

/** A schema where `lines` has its own resolver (a relation) and `id`/`name` are plain properties. */
function schemaWithResolvers(): GraphQLSchema {
  const schema = buildSchema(`
    type Line { id: ID! name: String! }
    type Demand { id: ID! name: String! lines(first: Int): [Line!]! }
    type Query { demand: Demand demands(first: Int): [Demand!]! ping: String }
  `);
  const demand = schema.getType('Demand') as unknown as {
    getFields(): Record<string, { resolve?: unknown }>;
  };
  demand.getFields()['lines']!.resolve = () => [];
  return schema;
}

const messagesOf = (schema: GraphQLSchema, query: string) =>
  validate(schema, parse(query), [queryLimitsRule]).map((error) => error.message);

describe('queryLimitsRule', () => {
  const schema = schemaWithResolvers();

  it(`allows ${MAX_ROOT_FIELDS} root fields and refuses more, aliases and fragments included`, () => {
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `p${i}: ping`).join(' ');
    expect(messagesOf(schema, `{ ${aliases(MAX_ROOT_FIELDS)} }`)).toEqual([]);
    expect(messagesOf(schema, `{ ${aliases(MAX_ROOT_FIELDS + 1)} }`)[0]).toMatch(
      new RegExp(`${MAX_ROOT_FIELDS + 1} root fields; at most ${MAX_ROOT_FIELDS}`),
    );
    expect(
      messagesOf(schema, `{ ...F ping } fragment F on Query { ${aliases(MAX_ROOT_FIELDS)} }`)[0],
    ).toMatch(/root fields/);
  });

  it('charges a field with its own resolver more than a plain property', () => {
    // demands(first: 500): root 10 + 500 × (id 1 + name 1 + lines 10 + 10 × (id 1)) = 11,010 per alias.
    const page = `demands(first: 500) { id name lines(first: 10) { id } }`;
    const perAlias = RESOLVER_FIELD_COST + 500 * (1 + 1 + RESOLVER_FIELD_COST + 10 * 1);
    const fits = Math.floor(MAX_QUERY_COST / perAlias);
    const query = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `d${i}: ${page}`).join(' ')} }`;
    expect(messagesOf(schema, query(fits))).toEqual([]);
    expect(messagesOf(schema, query(fits + 1))[0]).toMatch(
      new RegExp(`Query would cost ${(fits + 1) * perAlias};`),
    );
  });
});
