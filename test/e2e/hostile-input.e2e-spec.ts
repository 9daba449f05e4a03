import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import {
  daysFromNow,
  errorCode,
  secondsFromNow,
  TestSystem,
  type GraphQLResult,
} from '../support/test-app.js';

/**
 * Issue 7, defect 8: inputs an outside probe sent that ended in INTERNAL_SERVER_ERROR. Each
 * is refused before any service runs, as BAD_USER_INPUT in both languages, and writes nothing.
 */

const POST_DEMAND = `mutation($input: PostDemandInput!) { postDemand(input: $input) { id } }`;
const ADD_LOT = `mutation($input: StockLotInput!) { addStockLot(input: $input) { id } }`;
const SUBMIT_MANY = `mutation($input: [OfferInput!]!) { submitOffers(input: $input) { id } }`;
const NUL = '\u0000';

describe('hostile input is BAD_USER_INPUT, bilingual, and writes nothing', () => {
  let system: TestSystem;
  let dataSource: DataSource;
  let kitchen: string;
  let cooperative: string;
  let coordinator: string;

  beforeAll(async () => {
    system = await TestSystem.start({ worker: false });
    dataSource = system.api.get<DataSource>(getDataSourceToken());
    [kitchen, cooperative, coordinator] = await Promise.all([
      system.login('sppg.sentul@pasargizi.test'),
      system.login('kkmp.sentul@pasargizi.test'),
      system.login('koordinator@pasargizi.test'),
    ]);
  });
  afterAll(async () => system.stop());

  async function rowCounts(): Promise<Record<string, number>> {
    const [row] = (await dataSource.query(
      `SELECT (SELECT count(*) FROM demand_request)::int AS demands, (SELECT count(*) FROM demand_line)::int AS lines,
              (SELECT count(*) FROM stock_lot)::int AS lots, (SELECT count(*) FROM offer)::int AS offers,
              (SELECT count(*) FROM organization)::int AS organizations, (SELECT count(*) FROM app_user)::int AS users,
              (SELECT count(*) FROM audit_entry)::int AS audits, (SELECT count(*) FROM outbox_message)::int AS outbox`,
    )) as Record<string, number>[];
    return row!;
  }

  async function expectRefused(run: () => Promise<GraphQLResult>, english?: RegExp): Promise<void> {
    const before = await rowCounts();
    const result = await run();
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    const messages = result.errors![0]!.extensions?.['messages'] as { en: string; id: string };
    expect(messages.en.length).toBeGreaterThan(0);
    expect(messages.id.length).toBeGreaterThan(0);
    expect(messages.id).not.toBe(messages.en);
    if (english) expect(messages.en).toMatch(english);
    expect(result.data ?? null).toBeNull();
    expect(await rowCounts()).toEqual(before);
  }

  const demand = (overrides: Record<string, unknown> = {}, line: Record<string, unknown> = {}) => ({
    deliveryDate: daysFromNow(3),
    biddingClosesAt: secondsFromNow(3600),
    lines: [{ commodityCode: 'RICE_MEDIUM', quantity: 100, maxUnitPrice: 14000, ...line }],
    ...overrides,
  });
  const lot = (overrides: Record<string, unknown> = {}) => ({
    commodityCode: 'RICE_MEDIUM',
    quantity: 100,
    grade: 'A',
    source: 'OWN',
    ...overrides,
  });

  describe('a NUL byte in any String or ID', () => {
    it('is refused in a variable, whatever the field', async () => {
      await expectRefused(
        () => system.request(POST_DEMAND, { input: demand({ note: `a${NUL}b` }) }, { token: kitchen }),
        /NUL/,
      );
      await expectRefused(() =>
        system.request(ADD_LOT, { input: lot({ commodityCode: `RICE${NUL}` }) }, { token: cooperative }),
      );
      await expectRefused(() =>
        system.request(`query($id: ID!) { demand(id: $id) { id } }`, { id: `${NUL}` }, { token: kitchen }),
      );
      await expectRefused(() =>
        system.request(
          `mutation($input: OrganizationInput!) { registerOrganization(input: $input) { id } }`,
          { input: { name: `Koperasi${NUL}Baru`, kind: 'COOPERATIVE', regionCode: '35.72.01' } },
          { token: coordinator },
        ),
      );
      await expectRefused(() =>
        system.request(`mutation($input: LoginInput!) { login(input: $input) { accessToken } }`, {
          input: { email: `a${NUL}@b.c`, password: 'whatever1' },
        }),
      );
    });

    it('is refused written inline in the query', async () => {
      await expectRefused(() => system.request(`{ demand(id: "\\u0000") { id } }`, {}, { token: kitchen }));
      await expectRefused(() =>
        system.request(`mutation { login(input: { email: "x\\u0000@y.z", password: "p" }) { accessToken } }`),
      );
    });
  });

  describe('a quantity too big for numeric(14,3)', () => {
    it('is refused for a stock lot and a demand line', async () => {
      await expectRefused(
        () => system.request(ADD_LOT, { input: lot({ quantity: 1e11 }) }, { token: cooperative }),
        /too large/,
      );
      await expectRefused(
        () => system.request(POST_DEMAND, { input: demand({}, { quantity: 1e11 }) }, { token: kitchen }),
        /too large/,
      );
      await expectRefused(() =>
        system.request(ADD_LOT, { input: lot({ quantity: 1e300 }) }, { token: cooperative }),
      );
    });
  });

  describe('huge lists', () => {
    it('thousands of nulls in a list variable', async () => {
      await expectRefused(() =>
        system.request(SUBMIT_MANY, { input: new Array(5000).fill(null) }, { token: cooperative }),
      );
      await expectRefused(() =>
        system.request(
          POST_DEMAND,
          { input: demand({ lines: new Array(5000).fill(null) }) },
          { token: kitchen },
        ),
      );
    });

    it('a list of thousands of items, as a variable or inline', async () => {
      // Small items: a body over 100 kB is refused earlier by the HTTP layer (413).
      await expectRefused(
        () =>
          system.request(
            SUBMIT_MANY,
            { input: new Array(1500).fill({ quantity: 1 }) },
            { token: cooperative },
          ),
        /too long/,
      );
      const inline = new Array(3000).fill('null').join(',');
      await expectRefused(() =>
        system.request(`mutation { submitOffers(input: [${inline}]) { id } }`, {}, { token: cooperative }),
      );
    });
  });

  describe('dates far from now', () => {
    it('a Date or DateTime near year 9999 (or before 2000) is refused by the scalar', async () => {
      await expectRefused(
        () =>
          system.request(POST_DEMAND, { input: demand({ deliveryDate: '9999-12-31' }) }, { token: kitchen }),
        /between 2000 and 2100/,
      );
      await expectRefused(() =>
        system.request(
          POST_DEMAND,
          { input: demand({ deliveryDate: '9999-12-31', biddingClosesAt: '9999-12-30T23:59:59+07:00' }) },
          { token: kitchen },
        ),
      );
      await expectRefused(() =>
        system.request(ADD_LOT, { input: lot({ expiresOn: '9999-12-31' }) }, { token: cooperative }),
      );
      await expectRefused(() =>
        system.request(ADD_LOT, { input: lot({ expiresOn: '0001-01-01' }) }, { token: cooperative }),
      );
      await expectRefused(() =>
        system.request(
          `mutation { postDemand(input: { deliveryDate: "9999-12-31", biddingClosesAt: "9999-12-31T00:00:00Z",
             lines: [{ commodityCode: "RICE_MEDIUM", quantity: 1 }] }) { id } }`,
          {},
          { token: kitchen },
        ),
      );
    });
  });
});
