import { getDataSourceToken } from '@nestjs/typeorm';
import fc from 'fast-check';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import type { DataSource } from 'typeorm';
import { daysFromNow, secondsFromNow, TestSystem, type GraphQLResult } from '../support/test-app.js';

/**
 * Issue 7: a property-based fuzz test over every mutation. Inputs are generated from the
 * schema's own input types (hostile strings, NUL bytes, huge and odd numbers, far dates,
 * nulls, wrong JSON types, real and made-up ids) and sent to the real API by a signed-in user
 * of the role the mutation is for. Whatever comes in: never INTERNAL_SERVER_ERROR, and a
 * refused mutation leaves every table exactly as many rows as before.
 */

/** Who sends each mutation; anything not listed is sent by the coordinator. */
const ROLE_OF: Record<string, 'kitchen' | 'cooperative' | 'coordinator' | 'anonymous'> = {
  login: 'anonymous',
  postDemand: 'kitchen',
  cancelDemand: 'kitchen',
  closeBidding: 'kitchen',
  receiveOrder: 'kitchen',
  recordPayment: 'kitchen',
  changePassword: 'kitchen',
  addStockLot: 'cooperative',
  submitOffer: 'cooperative',
  submitOffers: 'cooperative',
  withdrawOffer: 'cooperative',
  dispatchOrder: 'cooperative',
  declineOrder: 'cooperative',
  settleConsignment: 'cooperative',
  returnConsignmentStock: 'cooperative',
};
const RUNS_PER_MUTATION = 10;
/** About 15 s on an idle machine; the margin is for a loaded one. */
const FUZZ_TIMEOUT_MS = 240_000;

const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  "'; DROP TABLE offer; --",
  '%_\\',
  '\uD800',
  '🍚🥚',
  'x'.repeat(5000),
  '35.72',
  'RICE_MEDIUM',
  'A',
  '-1',
  '1e11',
  'null',
  '<script>alert(1)</script>',
];
const HOSTILE_NUMBERS = [
  0,
  -0,
  -1,
  0.0005,
  1.0005,
  0.001,
  1e11,
  99_999_999_999.999,
  1e300,
  -1e300,
  2 ** 31,
  2 ** 53,
  9_007_199_254_740_991,
  1e21,
  3.5,
];
const HOSTILE_DATES = ['9999-12-31', '0001-01-01', '2026-02-30', '1999-12-31', '2101-01-01', 'tomorrow', ''];
const HOSTILE_DATE_TIMES = ['9999-12-31T23:59:59Z', '0001-01-01T00:00:00Z', '2026-12-01T10:00:00', 'now', ''];

describe('every mutation, fuzzed from the schema', () => {
  let system: TestSystem;
  let dataSource: DataSource;
  let schema: GraphQLSchema;
  const tokens: Record<string, string | null> = { anonymous: null };
  const realIds: string[] = [];

  beforeAll(async () => {
    system = await TestSystem.start({ worker: false });
    dataSource = system.api.get<DataSource>(getDataSourceToken());
    const introspection = await system.ok<IntrospectionQuery>(getIntrospectionQuery());
    schema = buildClientSchema(introspection);
    [tokens['kitchen'], tokens['cooperative'], tokens['coordinator']] = await Promise.all([
      system.login('sppg.sentul@pasargizi.test'),
      system.login('kkmp.sentul@pasargizi.test'),
      system.login('koordinator@pasargizi.test'),
    ]);
    // Real ids to aim at, so that generated input reaches past "not found" now and then.
    const demand = await system.ok(
      `mutation($input: PostDemandInput!) { postDemand(input: $input) { id lines { id } } }`,
      {
        input: {
          deliveryDate: daysFromNow(3),
          biddingClosesAt: secondsFromNow(3600),
          lines: [{ commodityCode: 'RICE_MEDIUM', quantity: 50 }],
        },
      },
      { token: tokens['kitchen'] },
    );
    const lot = await system.ok(
      `mutation($input: StockLotInput!) { addStockLot(input: $input) { id } }`,
      { input: { commodityCode: 'RICE_MEDIUM', quantity: 100, grade: 'A', source: 'OWN' } },
      { token: tokens['cooperative'] },
    );
    const offer = await system.ok(
      `mutation($input: OfferInput!) { submitOffer(input: $input) { id } }`,
      {
        input: {
          demandLineId: demand.postDemand.lines[0].id,
          stockLotId: lot.addStockLot.id,
          quantity: 50,
          unitPrice: 13000,
        },
      },
      { token: tokens['cooperative'] },
    );
    const others = (await dataSource.query(
      `SELECT id::text FROM organization WHERE kind = 'KITCHEN' LIMIT 2`,
    )) as { id: string }[];
    realIds.push(
      demand.postDemand.id,
      demand.postDemand.lines[0].id,
      lot.addStockLot.id,
      offer.submitOffer.id,
      ...others.map((row) => row.id),
    );
  });
  afterAll(async () => system.stop());

  let countEveryTable: string | null = null;

  /** Row counts of every table, in one statement. */
  async function rowCounts(): Promise<Record<string, number>> {
    countEveryTable ??= await countingStatement();
    const rows = (await dataSource.query(countEveryTable)) as { t: string; n: number }[];
    return Object.fromEntries(rows.map((row) => [row.t, row.n]));
  }

  async function countingStatement(): Promise<string> {
    const tables = (await dataSource.query(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`,
    )) as { table_name: string }[];
    return tables
      .map(({ table_name }) => `SELECT '${table_name}' AS t, count(*)::int AS n FROM "${table_name}"`)
      .join(' UNION ALL ');
  }

  function arbitraryFor(type: GraphQLInputType, depth = 0): fc.Arbitrary<unknown> {
    if (isNonNullType(type)) return valueFor(type.ofType, depth);
    return fc.oneof(
      { arbitrary: fc.constant(null), weight: 1 },
      { arbitrary: valueFor(type, depth), weight: 4 },
    );
  }

  function valueFor(type: GraphQLInputType, depth: number): fc.Arbitrary<unknown> {
    const wrongType = fc.jsonValue({ maxDepth: 1 });
    if (isListType(type)) {
      return fc.oneof(
        {
          arbitrary: fc.array(arbitraryFor(type.ofType, depth + 1), { maxLength: depth > 2 ? 1 : 3 }),
          weight: 6,
        },
        { arbitrary: fc.constant(new Array(1200).fill(null)), weight: 1 },
        { arbitrary: wrongType, weight: 1 },
      );
    }
    if (isInputObjectType(type)) {
      const fields = Object.values(type.getFields());
      const record = Object.fromEntries(
        fields.map((field) => [field.name, arbitraryFor(field.type, depth + 1)] as const),
      );
      return fc.oneof(
        {
          arbitrary: fc.record(record, {
            requiredKeys: fields.filter((f) => isNonNullType(f.type)).map((f) => f.name),
          }),
          weight: 8,
        },
        { arbitrary: wrongType, weight: 1 },
      );
    }
    if (isEnumType(type)) {
      return fc.oneof(
        { arbitrary: fc.constantFrom(...type.getValues().map((value) => value.name)), weight: 6 },
        { arbitrary: fc.constantFrom('NOT_A_VALUE', '', 'a\u0000'), weight: 1 },
      );
    }
    if (isScalarType(type)) {
      const strings = fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom(...HOSTILE_STRINGS));
      const numbers = fc.oneof(
        fc.integer(),
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        fc.constantFrom(...HOSTILE_NUMBERS),
      );
      const byName: Record<string, fc.Arbitrary<unknown>> = {
        String: strings,
        ID: fc.oneof(fc.constantFrom(...realIds), fc.uuid(), strings),
        Int: fc.oneof(fc.integer({ min: -5, max: 500 }), numbers),
        Float: fc.oneof(fc.integer({ min: 1, max: 500 }), numbers),
        Boolean: fc.boolean(),
        Rupiah: fc.oneof(fc.integer({ min: 1, max: 50_000 }), numbers),
        Date: fc.oneof(fc.integer({ min: -2, max: 10 }).map(daysFromNow), fc.constantFrom(...HOSTILE_DATES)),
        DateTime: fc.oneof(
          fc.integer({ min: -3600, max: 10 * 86400 }).map(secondsFromNow),
          fc.constantFrom(...HOSTILE_DATE_TIMES),
        ),
      };
      return fc.oneof(
        { arbitrary: byName[type.name] ?? strings, weight: 8 },
        { arbitrary: wrongType, weight: 1 },
      );
    }
    return wrongType;
  }

  function operationFor(field: GraphQLField<unknown, unknown>): string {
    const variables = field.args.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
    const args = field.args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
    const selection = isCompositeType(getNamedType(field.type)) ? ' { __typename }' : '';
    return `mutation${variables ? `(${variables})` : ''} { ${field.name}${args ? `(${args})` : ''}${selection} }`;
  }

  it(
    'never answers INTERNAL_SERVER_ERROR and never half-writes a refused mutation',
    async () => {
      const mutations = Object.values(schema.getMutationType()!.getFields());
      expect(mutations.length).toBeGreaterThanOrEqual(20);
      const outcomes: Record<string, { ok: number; refused: Record<string, number> }> = {};
      for (const field of mutations) {
        const query = operationFor(field);
        const token = tokens[ROLE_OF[field.name] ?? 'coordinator'] ?? null;
        const outcome: { ok: number; refused: Record<string, number> } = { ok: 0, refused: {} };
        outcomes[field.name] = outcome;
        const variables = fc.record(
          Object.fromEntries(field.args.map((arg) => [arg.name, arbitraryFor(arg.type)] as const)),
        );
        await fc.assert(
          fc.asyncProperty(variables, async (input) => {
            const before = await rowCounts();
            const result: GraphQLResult = await system.request(query, input as Record<string, unknown>, {
              token,
            });
            const codes = (result.errors ?? []).map((error) => error.extensions?.code ?? 'NONE');
            expect(codes).not.toContain('INTERNAL_SERVER_ERROR');
            expect(codes).not.toContain('NONE');
            if (codes.length > 0) {
              expect(await rowCounts()).toEqual(before);
              outcome.refused[codes[0]!] = (outcome.refused[codes[0]!] ?? 0) + 1;
            } else {
              outcome.ok += 1;
            }
          }),
          { numRuns: RUNS_PER_MUTATION, seed: Number(process.env.FUZZ_SEED ?? 20261201), endOnFailure: true },
        );
      }
      // The fuzzer reached the input checks, not only the door: BAD_USER_INPUT was met widely.
      const badInput = Object.values(outcomes).filter((o) => (o.refused['BAD_USER_INPUT'] ?? 0) > 0).length;
      expect(badInput).toBeGreaterThanOrEqual(mutations.length - 2);
    },
    FUZZ_TIMEOUT_MS,
  );
});
