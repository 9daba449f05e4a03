import { getDataSourceToken } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import type { DataSource, Logger } from 'typeorm';
import { MAX_QUERY_COST, MAX_QUERY_DEPTH } from '../../apps/api/src/graphql/query-limits.rule.js';
import {
  daysFromNow,
  errorCode,
  eventually,
  secondsFromNow,
  TestSystem,
  type GraphQLResult,
} from '../support/test-app.js';

/**
 * What a public API owes its clients beyond the business rules: safe retries, refusal of
 * abusive queries before they run, CSRF protection, no schema browsing in production, sane
 * configuration, stable pages and no N+1 queries.
 */

const POST_DEMAND = `mutation($input: PostDemandInput!) {
  postDemand(input: $input) { id status deliveryDate lines { id quantity commodity { code } } }
}`;
const ADD_LOT = `mutation($input: StockLotInput!) { addStockLot(input: $input) { id } }`;
const MY_DEMANDS = `{ myDemands(first: 1) { totalCount } }`;

/** Counts the SQL statements the API's DataSource runs while `run` is in flight. */
async function countQueries<T>(
  dataSource: DataSource,
  run: () => Promise<T>,
): Promise<{ result: T; queries: string[] }> {
  const original = dataSource.logger;
  const queries: string[] = [];
  const counting: Logger = Object.assign(Object.create(original) as Logger, {
    logQuery(query: string, parameters?: unknown[], queryRunner?: unknown) {
      queries.push(query);
      return original.logQuery(query, parameters, queryRunner as never);
    },
  });
  dataSource.logger = counting;
  try {
    return { result: await run(), queries };
  } finally {
    dataSource.logger = original;
  }
}

describe('API hygiene', () => {
  let system: TestSystem;
  let dataSource: DataSource;

  beforeAll(async () => {
    system = await TestSystem.start();
    dataSource = system.api.get<DataSource>(getDataSourceToken());
  });
  afterAll(async () => system.stop());

  const demandInput = (commodityCode = 'RICE_MEDIUM', quantity = 100) => ({
    deliveryDate: daysFromNow(3),
    biddingClosesAt: secondsFromNow(3600),
    lines: [{ commodityCode, quantity, maxUnitPrice: 14000 }],
  });
  const totalDemands = async (token: string) =>
    (await system.ok(MY_DEMANDS, {}, { token })).myDemands.totalCount as number;

  describe('Idempotency-Key', () => {
    let kitchen: string;
    let otherKitchen: string;
    beforeAll(async () => {
      [kitchen, otherKitchen] = await Promise.all([
        system.login('sppg.sentul@pasargizi.test'),
        system.login('sppg.gedog@pasargizi.test'),
      ]);
    });

    it('replays the first answer for the same key and body, and creates one demand', async () => {
      const headers = { 'Idempotency-Key': `demand-${randomUUID()}` };
      const input = demandInput('EGG', 150.5);
      const before = await totalDemands(kitchen);
      const first = await system.request(POST_DEMAND, { input }, { token: kitchen, headers });
      expect(first.errors).toBeUndefined();
      expect(first.data?.postDemand.status).toBe('OPEN');
      const again = await system.request(POST_DEMAND, { input }, { token: kitchen, headers });
      expect(again).toEqual(first);
      const third = await system.request(POST_DEMAND, { input }, { token: kitchen, headers });
      expect(third).toEqual(first);
      expect(await totalDemands(kitchen)).toBe(before + 1);
      // Without the key, the same body is a new demand: the key is what makes it a retry.
      const fresh = await system.request(POST_DEMAND, { input }, { token: kitchen });
      expect(fresh.data?.postDemand.id).not.toBe(first.data?.postDemand.id);
      expect(await totalDemands(kitchen)).toBe(before + 2);
    });

    it('answers the same key with a different body with CONFLICT and changes nothing', async () => {
      const headers = { 'Idempotency-Key': `demand-${randomUUID()}` };
      const input = demandInput('TOFU', 40);
      const first = await system.ok(POST_DEMAND, { input }, { token: kitchen, headers });
      const before = await totalDemands(kitchen);
      const changed = await system.request(
        POST_DEMAND,
        { input: { ...input, lines: [{ ...input.lines[0], quantity: 41 }] } },
        { token: kitchen, headers },
      );
      expect(errorCode(changed)).toBe('CONFLICT');
      expect(changed.errors![0]!.message).toMatch(/Idempotency-Key was already used/);
      expect(changed.data ?? null).toBeNull();
      expect(await totalDemands(kitchen)).toBe(before);
      // The key still replays its own first answer.
      const again = await system.ok(POST_DEMAND, { input }, { token: kitchen, headers });
      expect(again).toEqual(first);
    });

    it('lets different users use the same key independently', async () => {
      const headers = { 'Idempotency-Key': `shared-${randomUUID()}` };
      const input = demandInput('CARROT', 25);
      const [beforeMine, beforeTheirs] = [await totalDemands(kitchen), await totalDemands(otherKitchen)];
      const mine = await system.ok(POST_DEMAND, { input }, { token: kitchen, headers });
      const theirs = await system.ok(POST_DEMAND, { input }, { token: otherKitchen, headers });
      expect(theirs.postDemand.id).not.toBe(mine.postDemand.id);
      expect(await totalDemands(kitchen)).toBe(beforeMine + 1);
      expect(await totalDemands(otherKitchen)).toBe(beforeTheirs + 1);
      // Each sees its own demand (and not the other's) through the replay.
      const myReplay = await system.ok(POST_DEMAND, { input }, { token: kitchen, headers });
      expect(myReplay.postDemand.id).toBe(mine.postDemand.id);
      const theirReplay = await system.ok(POST_DEMAND, { input }, { token: otherKitchen, headers });
      expect(theirReplay.postDemand.id).toBe(theirs.postDemand.id);
    });

    it('creates one demand when the same request arrives several times at once', async () => {
      const headers = { 'Idempotency-Key': `burst-${randomUUID()}` };
      const input = demandInput('POTATO', 60);
      const before = await totalDemands(kitchen);
      const results = await Promise.all(
        Array.from({ length: 6 }, () => system.request(POST_DEMAND, { input }, { token: kitchen, headers })),
      );
      const succeeded = results.filter((r) => !r.errors);
      expect(succeeded.length).toBeGreaterThanOrEqual(1);
      const ids = new Set(succeeded.map((r) => r.data?.postDemand.id));
      expect(ids.size).toBe(1);
      for (const refused of results.filter((r) => r.errors)) expect(errorCode(refused)).toBe('CONFLICT');
      expect(await totalDemands(kitchen)).toBe(before + 1);
      const later = await system.request(POST_DEMAND, { input }, { token: kitchen, headers });
      expect(later).toEqual(succeeded[0]);
    });
  });

  describe('query limits', () => {
    let kitchen: string;
    let demandId: string;
    beforeAll(async () => {
      kitchen = await system.login('sppg.sentul@pasargizi.test');
      demandId = (await system.ok(POST_DEMAND, { input: demandInput('SUGAR', 10) }, { token: kitchen }))
        .postDemand.id;
    });

    /** demand → lines → demand → lines …: `levels` nested selection sets, `id` at the bottom. */
    function nestedQuery(levels: number): string {
      const fields = Array.from({ length: levels - 1 }, (_, i) =>
        i === 0 ? 'demand(id: $id)' : i % 2 === 1 ? 'lines' : 'demand',
      );
      return `query($id: ID!) { ${fields.map((f) => `${f} { id`).join(' ')} ${'}'.repeat(fields.length)} }`;
    }

    function expectRefusedBeforeRunning(result: GraphQLResult, queries: string[], message: RegExp) {
      expect(result.errors?.length).toBeGreaterThanOrEqual(1);
      expect(result.errors![0]!.message).toMatch(message);
      expect(errorCode(result)).toBe('BAD_USER_INPUT');
      expect(result).not.toHaveProperty('data');
      // Nothing ran: not one SQL statement for the refused query.
      expect(queries).toEqual([]);
    }

    it(`refuses a query nested deeper than ${MAX_QUERY_DEPTH} levels before running it`, async () => {
      const allowed = await system.request(
        nestedQuery(MAX_QUERY_DEPTH),
        { id: demandId },
        { token: kitchen },
      );
      expect(allowed.errors).toBeUndefined();
      expect(allowed.data?.demand.id).toBe(demandId);
      const { result, queries } = await countQueries(dataSource, () =>
        system.request(nestedQuery(MAX_QUERY_DEPTH + 1), { id: demandId }, { token: kitchen }),
      );
      expectRefusedBeforeRunning(result, queries, new RegExp(`${MAX_QUERY_DEPTH + 1} levels deep`));
    });

    it(`refuses a query costing more than ${MAX_QUERY_COST} before running it`, async () => {
      const page = `organizations(first: 200) { edges { node { id name kind regionCode } } }`;
      const single = await system.request(`{ ${page} }`, {}, { token: kitchen });
      expect(single.errors).toBeUndefined();
      expect(single.data?.organizations.edges.length).toBeGreaterThan(0);
      // Each page costs about 1,200: enough aliases of it pass the limit.
      const aliases = Math.ceil(MAX_QUERY_COST / 1200) + 1;
      const abusive = `{ ${Array.from({ length: aliases }, (_, i) => `p${i}: ${page}`).join(' ')} }`;
      const { result, queries } = await countQueries(dataSource, () =>
        system.request(abusive, {}, { token: kitchen }),
      );
      expectRefusedBeforeRunning(result, queries, /Query would cost \d+; the limit is/);
      // A `first` from a variable counts as a full page: a small variable does not dodge the limit.
      const viaVariable = `query($n: Int) { ${Array.from(
        { length: aliases },
        (_, i) => `p${i}: organizations(first: $n) { edges { node { id name kind regionCode } } }`,
      ).join(' ')} }`;
      const sneaky = await countQueries(dataSource, () =>
        system.request(viaVariable, { n: 1 }, { token: kitchen }),
      );
      expectRefusedBeforeRunning(sneaky.result, sneaky.queries, /Query would cost/);
    });

    it('counts fragments too', async () => {
      const fragments = `
        fragment Org on Organization { id name kind regionCode latitude longitude suspended }
        fragment Page on OrganizationConnection { totalCount edges { cursor node { ...Org } } }`;
      const aliases = Math.ceil(MAX_QUERY_COST / 1800) + 1;
      const query = `{ ${Array.from({ length: aliases }, (_, i) => `p${i}: organizations(first: 200) { ...Page }`).join(' ')} } ${fragments}`;
      const { result, queries } = await countQueries(dataSource, () =>
        system.request(query, {}, { token: kitchen }),
      );
      expectRefusedBeforeRunning(result, queries, /Query would cost/);
    });
  });

  describe('CSRF prevention', () => {
    let kitchen: string;
    beforeAll(async () => {
      kitchen = await system.login('sppg.sentul@pasargizi.test');
    });

    it('refuses a text/plain POST (a "simple" cross-site request) with 400, without running it', async () => {
      const before = await totalDemands(kitchen);
      const response = await fetch(system.url, {
        method: 'POST',
        headers: { 'content-type': 'text/plain', authorization: `Bearer ${kitchen}` },
        body: JSON.stringify({ query: POST_DEMAND, variables: { input: demandInput('BANANA', 5) } }),
      });
      expect(response.status).toBe(400);
      expect(await response.text()).toMatch(/Cross-Site Request Forgery|CSRF/i);
      expect(await totalDemands(kitchen)).toBe(before);
    });

    it('accepts application/json', async () => {
      const before = await totalDemands(kitchen);
      const response = await fetch(system.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${kitchen}` },
        body: JSON.stringify({ query: POST_DEMAND, variables: { input: demandInput('BANANA', 5) } }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as GraphQLResult;
      expect(body.errors).toBeUndefined();
      expect(body.data?.postDemand.status).toBe('OPEN');
      expect(await totalDemands(kitchen)).toBe(before + 1);
    });

    it('refuses a GET query without the apollo-require-preflight header', async () => {
      const url = `${system.url}?query=${encodeURIComponent('{ me { email } }')}`;
      const bare = await fetch(url, { headers: { authorization: `Bearer ${kitchen}` } });
      expect(bare.status).toBe(400);
      expect(await bare.text()).toMatch(/Cross-Site Request Forgery|CSRF/i);
      const preflighted = await fetch(url, {
        headers: { authorization: `Bearer ${kitchen}`, 'apollo-require-preflight': 'true' },
      });
      expect(preflighted.status).toBe(200);
      expect(((await preflighted.json()) as GraphQLResult).data?.me.email).toBe('sppg.sentul@pasargizi.test');
    });
  });

  describe('introspection and GraphiQL', () => {
    let production: TestSystem;
    beforeAll(async () => {
      production = await TestSystem.start({ production: true, worker: false });
    });
    afterAll(async () => production?.stop());

    const INTROSPECTION = `{ __schema { types { name } } }`;

    it('runs in production mode with its own secret', async () => {
      expect(production.config.production).toBe(true);
      expect(production.config.jwtSecret).not.toBe(system.config.jwtSecret);
      const token = await production.login('sppg.sentul@pasargizi.test');
      expect((await production.ok(`{ me { email } }`, {}, { token })).me.email).toBe(
        'sppg.sentul@pasargizi.test',
      );
      // A token signed by another deployment's secret is worthless here.
      const foreign = await system.login('sppg.sentul@pasargizi.test');
      expect(errorCode(await production.request(`{ me { email } }`, {}, { token: foreign }))).toBe(
        'UNAUTHENTICATED',
      );
    });

    it('answers introspection in test mode and refuses it in production', async () => {
      const open = await system.request(INTROSPECTION);
      expect(open.errors).toBeUndefined();
      expect(open.data?.__schema.types.map((t: { name: string }) => t.name)).toContain('DemandRequest');

      for (const query of [INTROSPECTION, `{ __type(name: "DemandRequest") { fields { name } } }`]) {
        const closed = await production.request(query);
        expect(closed.errors?.length).toBeGreaterThanOrEqual(1);
        expect(closed.errors![0]!.message).toMatch(/introspection/i);
        expect(closed).not.toHaveProperty('data');
      }
    });

    it('serves GraphiQL to a browser in test mode, never in production', async () => {
      const browser = { accept: 'text/html,application/xhtml+xml' };
      const dev = await fetch(system.url, { headers: browser });
      expect(dev.status).toBe(200);
      expect(dev.headers.get('content-type')).toMatch(/text\/html/);
      expect(await dev.text()).toMatch(/graphiql/i);

      const prod = await fetch(production.url, { headers: browser });
      expect(prod.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
      expect(await prod.text()).not.toMatch(/graphiql|<html/i);
    });
  });

  describe('pagination', () => {
    it('walks every page with endCursor: no duplicates, no gaps, stable while rows are added', async () => {
      const cooperative = await system.login('kkmp.klampok@pasargizi.test');
      const PAGE = `query($first: Int, $after: String) {
        myStockLots(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id } } }
      }`;
      const created: string[] = [];
      for (let i = 0; i < 5; i++) {
        const lot = await system.ok(
          ADD_LOT,
          { input: { commodityCode: 'SPINACH', quantity: 10 + i, grade: 'A', source: 'OWN' } },
          { token: cooperative },
        );
        created.push(lot.addStockLot.id);
      }
      const newestFirst = [...created].reverse();
      interface StockLotPage {
        totalCount: number;
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
        edges: { cursor: string; node: { id: string } }[];
      }

      async function walk(first: number, onFirstPage?: () => Promise<void>) {
        const seen: string[] = [];
        const shapes: { size: number; hasNextPage: boolean; totalCount: number }[] = [];
        let after: string | null = null;
        for (let page = 0; page < 10; page++) {
          const data: StockLotPage = (await system.ok(PAGE, { first, after }, { token: cooperative }))
            .myStockLots;
          const ids = data.edges.map((e) => e.node.id);
          seen.push(...ids);
          shapes.push({
            size: ids.length,
            hasNextPage: data.pageInfo.hasNextPage,
            totalCount: data.totalCount,
          });
          expect(data.pageInfo.endCursor).toBe(data.edges.at(-1)?.cursor ?? null);
          if (page === 0) await onFirstPage?.();
          if (!data.pageInfo.hasNextPage) break;
          after = data.pageInfo.endCursor;
        }
        return { seen, shapes };
      }

      const byTwo = await walk(2);
      expect(byTwo.seen).toEqual(newestFirst);
      expect(new Set(byTwo.seen).size).toBe(5);
      expect(byTwo.shapes).toEqual([
        { size: 2, hasNextPage: true, totalCount: 5 },
        { size: 2, hasNextPage: true, totalCount: 5 },
        { size: 1, hasNextPage: false, totalCount: 5 },
      ]);

      const byOne = await walk(1);
      expect(byOne.seen).toEqual(newestFirst);
      expect(byOne.shapes.map((s) => s.hasNextPage)).toEqual([true, true, true, true, false]);

      // A lot added after the first page was read does not shift the pages that follow.
      let added = '';
      const during = await walk(2, async () => {
        added = (
          await system.ok(
            ADD_LOT,
            { input: { commodityCode: 'SPINACH', quantity: 99, grade: 'B', source: 'OWN' } },
            { token: cooperative },
          )
        ).addStockLot.id;
      });
      expect(during.seen).toEqual(newestFirst);
      expect(during.shapes.at(-1)).toEqual({ size: 1, hasNextPage: false, totalCount: 6 });
      const all = await system.ok(PAGE, { first: 200 }, { token: cooperative });
      expect(all.myStockLots.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([
        added,
        ...newestFirst,
      ]);

      // After the last cursor there is nothing.
      const last = await system.ok(
        PAGE,
        { first: 2, after: all.myStockLots.pageInfo.endCursor },
        { token: cooperative },
      );
      expect(last.myStockLots.edges).toEqual([]);
      expect(last.myStockLots.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
    });
  });

  describe('DataLoaders', () => {
    const DEMAND_TREE = `query($id: ID!) {
      demand(id: $id) {
        id status
        lines {
          commodity { code }
          evaluations { offer { unitPrice cooperative { name } stockLot { id } } }
          awards { order { number } }
        }
      }
    }`;

    it('reads a demand tree with a number of SQL queries that does not grow with its lines', async () => {
      const kitchen = await system.login('sppg.bendo@pasargizi.test');
      const cooperatives = await Promise.all(
        ['kkmp.sentul', 'kkmp.turi', 'kkmp.gedog'].map((name) => system.login(`${name}@pasargizi.test`)),
      );
      const codes = (
        (await system.ok(`{ commodities { code } }`, {}, { token: kitchen })).commodities as {
          code: string;
        }[]
      ).map((c) => c.code);
      expect(codes).toHaveLength(25);
      // 25 commodities × (no minimum grade, A, B, C): 100 distinct lines.
      const allLines = codes.flatMap((commodityCode) =>
        [null, 'A', 'B', 'C'].map((minGrade) => ({ commodityCode, quantity: 2, minGrade })),
      );
      const ownerOf = (code: string) => cooperatives[codes.indexOf(code) % cooperatives.length]!;

      // One grade-A lot per commodity, held by one of three cooperatives.
      const lotOf = new Map<string, string>();
      for (const code of codes) {
        const lot = await system.ok(
          ADD_LOT,
          { input: { commodityCode: code, quantity: 1000, grade: 'A', source: 'OWN' } },
          { token: ownerOf(code) },
        );
        lotOf.set(code, lot.addStockLot.id);
      }

      async function evaluatedDemand(lines: typeof allLines): Promise<string> {
        const demand = (
          await system.ok(
            POST_DEMAND,
            { input: { deliveryDate: daysFromNow(5), biddingClosesAt: secondsFromNow(3600), lines } },
            { token: kitchen },
          )
        ).postDemand;
        for (const token of cooperatives) {
          const offers = demand.lines
            .filter((line: { commodity: { code: string } }) => ownerOf(line.commodity.code) === token)
            .map((line: { id: string; commodity: { code: string } }) => ({
              demandLineId: line.id,
              stockLotId: lotOf.get(line.commodity.code),
              quantity: 2,
              unitPrice: 10_000 + codes.indexOf(line.commodity.code),
            }));
          await system.ok(
            `mutation($input: [OfferInput!]!) { submitOffers(input: $input) { id } }`,
            { input: offers },
            {
              token,
            },
          );
        }
        await system.ok(
          `mutation($id: ID!) { closeBidding(demandId: $id) { id } }`,
          { id: demand.id },
          { token: kitchen },
        );
        await eventually(
          async () =>
            (
              await system.ok(
                `query($id: ID!) { demand(id: $id) { status } }`,
                { id: demand.id },
                { token: kitchen },
              )
            ).demand.status === 'AWARDED',
          45_000,
        );
        return demand.id;
      }

      const bigId = await evaluatedDemand(allLines);
      const smallId = await evaluatedDemand(allLines.slice(0, 10));

      const read = (id: string) =>
        countQueries(dataSource, () => system.ok(DEMAND_TREE, { id }, { token: kitchen }));
      const big = await read(bigId);
      const small = await read(smallId);

      // The answers are complete: every line has its evaluated offer and its order.
      for (const [result, count] of [
        [big.result, 100],
        [small.result, 10],
      ] as const) {
        const lines = result.demand.lines as {
          evaluations: {
            offer: { unitPrice: number; cooperative: { name: string }; stockLot: { id: string } };
          }[];
          awards: { order: { number: string } }[];
        }[];
        expect(lines).toHaveLength(count);
        for (const line of lines) {
          expect(line.evaluations).toHaveLength(1);
          expect(line.evaluations[0]!.offer.cooperative.name).toMatch(/Koperasi/);
          expect(line.evaluations[0]!.offer.stockLot.id).toBeTruthy();
          expect(line.awards).toHaveLength(1);
          expect(line.awards[0]!.order.number).toMatch(/^PO-/);
        }
      }
      const summary = `100 lines: ${big.queries.length} queries, 10 lines: ${small.queries.length} queries\n${big.queries.join('\n')}`;
      expect({ summary, ok: big.queries.length <= 25 }).toEqual({ summary, ok: true });
      expect(small.queries.length).toBeLessThanOrEqual(25);
      expect(Math.abs(big.queries.length - small.queries.length)).toBeLessThanOrEqual(2);
    }, 120_000);
  });
});
