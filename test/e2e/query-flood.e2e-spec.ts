import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { MAX_ROOT_FIELDS } from '../../apps/api/src/graphql/query-limits.rule.js';
import { countQueries } from '../support/count-queries.js';
import { errorCode, TestSystem } from '../support/test-app.js';

/**
 * Issue 7, defect 6: an anonymous query of 3,000 aliased `commodities` ran 3,000 SQL queries.
 * Root fields are capped per operation, cost counts fields with their own resolvers, and the
 * static catalog (commodities, units, regions) is read once per process.
 */
describe('alias flooding', () => {
  let system: TestSystem;
  let dataSource: DataSource;

  beforeAll(async () => {
    system = await TestSystem.start({ worker: false });
    dataSource = system.api.get<DataSource>(getDataSourceToken());
  });
  afterAll(async () => system.stop());

  const aliased = (count: number, field = 'commodities { code units { code } }') =>
    `{ ${Array.from({ length: count }, (_, i) => `c${i}: ${field}`).join(' ')} }`;

  it('refuses 3,000 aliased commodities, anonymous, without one SQL statement', async () => {
    const floods = await countQueries(dataSource, () =>
      Promise.all(Array.from({ length: 5 }, () => system.request(aliased(3000, 'commodities { code }')))),
    );
    for (const result of floods.result) {
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(result.errors![0]!.message).toMatch(/too long/);
      const messages = result.errors![0]!.extensions?.['messages'] as { id: string };
      expect(messages.id).toMatch(/terlalu panjang/);
      expect(result).not.toHaveProperty('data');
    }
    expect(floods.queries).toEqual([]);
  });

  it('refuses a flood that passes the token limit by its root fields, without SQL', async () => {
    const { result, queries } = await countQueries(dataSource, () =>
      system.request(aliased(500, 'commodities { code }')),
    );
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.errors![0]!.message).toMatch(/500 root fields; at most 20/);
    const messages = result.errors![0]!.extensions?.['messages'] as { id: string };
    expect(messages.id).toMatch(/paling banyak 20/);
    expect(queries).toEqual([]);
  });

  it(`allows ${MAX_ROOT_FIELDS} root fields and refuses one more, also through fragments`, async () => {
    const allowed = await system.request(aliased(MAX_ROOT_FIELDS, 'commodities { code }'));
    expect(allowed.errors).toBeUndefined();
    expect(Object.keys(allowed.data!)).toHaveLength(MAX_ROOT_FIELDS);
    const refused = await system.request(aliased(MAX_ROOT_FIELDS + 1, 'commodities { code }'));
    expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    const viaFragment = await system.request(
      `{ ...Many } fragment Many on Query { ${Array.from(
        { length: MAX_ROOT_FIELDS + 1 },
        (_, i) => `c${i}: commodities { code }`,
      ).join(' ')} }`,
    );
    expect(errorCode(viaFragment)).toBe('BAD_USER_INPUT');
    expect(viaFragment.errors![0]!.message).toMatch(/root fields/);
  });

  it('reads commodities and their units from the process cache, not the database, once warm', async () => {
    const query = `{ commodities { code baseUnit units { code } } }`;
    const first = await system.ok<{ commodities: { code: string; units: unknown[] }[] }>(query);
    expect(first.commodities.length).toBeGreaterThan(10);
    const again = await countQueries(dataSource, () => system.ok(aliased(MAX_ROOT_FIELDS)));
    expect(again.queries).toEqual([]);
    expect(Object.keys(again.result)).toHaveLength(MAX_ROOT_FIELDS);
  });
});
