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
 * The "Bad input" rule of ARCHITECTURE.md: every refusal is a GraphQL error with
 * extensions.code BAD_USER_INPUT, a message a person can act on in English (message) and
 * Bahasa Indonesia (extensions.messages.id), never a 500, and never a half-written change.
 */

const POST_DEMAND = `mutation($input: PostDemandInput!) {
  postDemand(input: $input) { id status lines { id quantity commodity { code } } }
}`;
const ADD_LOT = `mutation($input: StockLotInput!) { addStockLot(input: $input) { id quantity availableQuantity } }`;
const SUBMIT = `mutation($input: OfferInput!) { submitOffer(input: $input) { id status } }`;
const SUBMIT_MANY = `mutation($input: [OfferInput!]!) { submitOffers(input: $input) { id status } }`;
const DEMAND = `query($id: ID!) { demand(id: $id) { id lines { id quantity commodity { code } } } }`;

/** Words that only a Bahasa Indonesia message would carry. */
const INDONESIAN =
  /\b(tidak|harus|bukan|paling|minimal|lebih|tanggal|masukan|penawaran|permintaan|komoditas|baris|bobot|waktu|bulat|negatif|penitip|biaya|stok|mutu|harga|kursor|nol)\b/i;

interface Counts {
  myDemands: number;
  myStockLots: number;
  myOffers: number;
  tables: Record<string, number>;
}

describe('bad input is refused with BAD_USER_INPUT and changes nothing', () => {
  let system: TestSystem;
  let dataSource: DataSource;
  let kitchen: string;
  let cooperative: string;

  beforeAll(async () => {
    system = await TestSystem.start();
    dataSource = system.api.get<DataSource>(getDataSourceToken());
    [kitchen, cooperative] = await Promise.all([
      system.login('sppg.sentul@pasargizi.test'),
      system.login('kkmp.sentul@pasargizi.test'),
    ]);
  });
  afterAll(async () => system.stop());

  /** What a user can read back (their lists) and the rows behind every write path. */
  async function counts(): Promise<Counts> {
    const [demands, coop] = await Promise.all([
      system.ok(`{ myDemands(first: 1) { totalCount } }`, {}, { token: kitchen }),
      system.ok(
        `{ myStockLots(first: 1) { totalCount } myOffers(first: 1) { totalCount } }`,
        {},
        {
          token: cooperative,
        },
      ),
    ]);
    const tables: Record<string, number> = {};
    for (const table of [
      'demand_request',
      'demand_line',
      'stock_lot',
      'offer',
      'outbox_message',
      'audit_entry',
      'idempotency_record',
    ]) {
      const [row] = (await dataSource.query(`SELECT count(*)::int AS n FROM ${table}`)) as { n: number }[];
      tables[table] = row!.n;
    }
    return {
      myDemands: demands.myDemands.totalCount,
      myStockLots: coop.myStockLots.totalCount,
      myOffers: coop.myOffers.totalCount,
      tables,
    };
  }

  function expectBadInput(result: GraphQLResult, english: RegExp, code = 'BAD_USER_INPUT'): void {
    expect(result.errors?.length).toBeGreaterThanOrEqual(1);
    expect(errorCode(result)).toBe(code);
    const [error] = result.errors!;
    expect(error!.message).toMatch(english);
    const messages = error!.extensions?.['messages'] as { en?: string; id?: string } | undefined;
    expect(typeof messages?.id).toBe('string');
    expect(messages!.id!.trim().length).toBeGreaterThan(0);
    expect(messages!.id).toMatch(INDONESIAN);
    expect(messages!.id).not.toBe(error!.message);
    // No partial answer: a refused request returns no data at all.
    expect(result.data ?? null).toBeNull();
  }

  /** Runs a request that must be refused, and proves nothing was written by reading back. */
  async function refused(
    run: () => Promise<GraphQLResult>,
    english: RegExp,
    code = 'BAD_USER_INPUT',
  ): Promise<GraphQLResult> {
    const before = await counts();
    const result = await run();
    expectBadInput(result, english, code);
    expect(await counts()).toEqual(before);
    return result;
  }

  const goodDemand = (overrides: Record<string, unknown> = {}) => ({
    deliveryDate: daysFromNow(3),
    biddingClosesAt: secondsFromNow(3600),
    lines: [{ commodityCode: 'RICE_MEDIUM', quantity: 100, maxUnitPrice: 14000 }],
    ...overrides,
  });
  const postDemand = (input: Record<string, unknown>) =>
    system.request(POST_DEMAND, { input }, { token: kitchen });
  const lineWith = (line: Record<string, unknown>) => ({
    lines: [{ commodityCode: 'RICE_MEDIUM', quantity: 100, ...line }],
  });

  describe('postDemand', () => {
    it('refuses a quantity of zero, a negative one and one with more than three decimals', async () => {
      await refused(
        () => postDemand(goodDemand(lineWith({ quantity: 0 }))),
        /quantity must be greater than zero/,
      );
      await refused(
        () => postDemand(goodDemand(lineWith({ quantity: -5 }))),
        /quantity must be greater than zero/,
      );
      await refused(() => postDemand(goodDemand(lineWith({ quantity: 1.0005 }))), /at most three decimals/);
    });

    it('refuses a fractional or negative maxUnitPrice given as a variable', async () => {
      await refused(
        () => postDemand(goodDemand(lineWith({ maxUnitPrice: 13000.5 }))),
        /Rupiah must be whole/,
      );
      await refused(
        () => postDemand(goodDemand(lineWith({ maxUnitPrice: -1 }))),
        /Rupiah may not be negative/,
      );
    });

    it('refuses a fractional or negative maxUnitPrice written inline in the query', async () => {
      const inline = (price: string) =>
        system.request(
          `mutation { postDemand(input: {
            deliveryDate: "${daysFromNow(3)}", biddingClosesAt: "${secondsFromNow(3600)}",
            lines: [{ commodityCode: "RICE_MEDIUM", quantity: 100, maxUnitPrice: ${price} }]
          }) { id } }`,
          {},
          { token: kitchen },
        );
      await refused(() => inline('13000.5'), /Rupiah must be whole/);
      await refused(() => inline('-1'), /Rupiah may not be negative/);
      await refused(() => inline('"13000"'), /Rupiah must be a number/);
    });

    it('refuses an unknown commodity', async () => {
      await refused(
        () => postDemand(goodDemand(lineWith({ commodityCode: 'DRAGON_FRUIT' }))),
        /unknown commodity DRAGON_FRUIT/i,
      );
    });

    it('refuses bidding that closed in the past, delivery before the close and deliverBy before the close', async () => {
      await refused(
        () => postDemand(goodDemand({ biddingClosesAt: secondsFromNow(-60) })),
        /Bidding must close in the future/,
      );
      await refused(
        () =>
          postDemand(
            goodDemand({ deliveryDate: daysFromNow(2), biddingClosesAt: secondsFromNow(5 * 86400) }),
          ),
        /delivery date is before bidding closes/i,
      );
      await refused(
        () =>
          postDemand(goodDemand({ biddingClosesAt: secondsFromNow(7200), deliverBy: secondsFromNow(3600) })),
        /deliverBy is at or before biddingClosesAt/,
      );
    });

    it('refuses a demand without lines', async () => {
      await refused(() => postDemand(goodDemand({ lines: [] })), /at least one line/);
    });

    it('refuses impossible dates and a DateTime without an offset', async () => {
      for (const deliveryDate of ['2026-02-30', '2026-13-01', 'tomorrow']) {
        await refused(() => postDemand(goodDemand({ deliveryDate })), /Not a real date/);
      }
      await refused(
        () => postDemand(goodDemand({ biddingClosesAt: '2026-12-01T10:00:00' })),
        /DateTime must be ISO 8601 with an offset/,
      );
      await refused(
        () => postDemand(goodDemand({ biddingClosesAt: '2026-02-30T10:00:00+07:00' })),
        /Not a real moment/,
      );
    });

    it('refuses negative weights and weights that are all zero', async () => {
      await refused(
        () =>
          postDemand(goodDemand({ weights: { price: 1, quality: -0.5, distance: 0.3, reliability: 0.2 } })),
        /weights must be numbers of zero or more/i,
      );
      await refused(
        () => postDemand(goodDemand({ weights: { price: 0, quality: 0, distance: 0, reliability: 0 } })),
        /weights must not all be zero/i,
      );
    });

    it('refuses more than 100 lines', async () => {
      const grades = [null, 'A', 'B', 'C'];
      const codes = (
        (await system.ok(`{ commodities { code } }`, {}, { token: kitchen })).commodities as {
          code: string;
        }[]
      ).map((c) => c.code);
      const lines = codes.flatMap((commodityCode) =>
        grades.map((minGrade) => ({ commodityCode, quantity: 1, minGrade })),
      );
      expect(lines).toHaveLength(100);
      lines.push({ commodityCode: 'RICE_MEDIUM', quantity: 2, minGrade: null });
      await refused(() => postDemand(goodDemand({ lines })), /at most 100 lines/);
    });

    it('stores quantities exactly to the thousandth', async () => {
      const posted = await system.ok(
        POST_DEMAND,
        {
          input: goodDemand({
            lines: [
              { commodityCode: 'GARLIC', quantity: 0.001 },
              { commodityCode: 'RICE_MEDIUM', quantity: 1234.567 },
            ],
          }),
        },
        { token: kitchen },
      );
      expect(posted.postDemand.lines.map((l: { quantity: number }) => l.quantity)).toEqual([0.001, 1234.567]);
      const read = await system.ok(DEMAND, { id: posted.postDemand.id }, { token: kitchen });
      expect(
        read.demand.lines.map((l: { quantity: number; commodity: { code: string } }) => [
          l.commodity.code,
          l.quantity,
        ]),
      ).toEqual([
        ['GARLIC', 0.001],
        ['RICE_MEDIUM', 1234.567],
      ]);
    });
  });

  describe('addStockLot', () => {
    const addLot = (input: Record<string, unknown>) =>
      system.request(
        ADD_LOT,
        { input: { commodityCode: 'CABBAGE', quantity: 10, grade: 'A', source: 'OWN', ...input } },
        { token: cooperative },
      );

    it('refuses a quantity of zero, a negative one and one with more than three decimals', async () => {
      await refused(() => addLot({ quantity: 0 }), /quantity must be greater than zero/);
      await refused(() => addLot({ quantity: -1 }), /quantity must be greater than zero/);
      await refused(() => addLot({ quantity: 1.2345 }), /at most three decimals/);
    });

    it('refuses consignment stock without its consignor or unit cost, and own stock with a unit cost', async () => {
      const consignors = await system.ok(
        `{ organizations(kind: CONSIGNOR, first: 10) { edges { node { id name } } } }`,
        {},
        { token: cooperative },
      );
      const consignorId = consignors.organizations.edges[0].node.id as string;
      await refused(() => addLot({ source: 'CONSIGNMENT', unitCost: 9000 }), /must name its consignor/);
      await refused(() => addLot({ source: 'CONSIGNMENT', consignorId }), /needs the unit cost/);
      await refused(() => addLot({ source: 'OWN', unitCost: 9000 }), /no consignor and no unit cost/);
      // The same consignment with both is accepted: the refusals were about the missing parts.
      const ok = await addLot({ source: 'CONSIGNMENT', consignorId, unitCost: 9000 });
      expect(ok.errors).toBeUndefined();
      expect(ok.data?.addStockLot.quantity).toBe(10);
    });
  });

  describe('submitOffer and submitOffers', () => {
    let line: string;
    let otherLine: string;
    let lotA: string;
    let lotC: string;

    beforeAll(async () => {
      const posted = await system.ok(
        POST_DEMAND,
        {
          input: goodDemand({
            lines: [
              { commodityCode: 'SHALLOT', quantity: 100, maxUnitPrice: 14000, minGrade: 'B' },
              { commodityCode: 'BIRD_CHILI', quantity: 20 },
            ],
          }),
        },
        { token: kitchen },
      );
      [line, otherLine] = posted.postDemand.lines.map((l: { id: string }) => l.id);
      const add = async (commodityCode: string, quantity: number, grade: string) =>
        (
          await system.ok(
            ADD_LOT,
            { input: { commodityCode, quantity, grade, source: 'OWN' } },
            {
              token: cooperative,
            },
          )
        ).addStockLot.id as string;
      lotA = await add('SHALLOT', 50, 'A');
      lotC = await add('SHALLOT', 80, 'C');
    });

    const offer = (input: Record<string, unknown>) =>
      system.request(
        SUBMIT,
        { input: { demandLineId: line, stockLotId: lotA, quantity: 40, unitPrice: 13000, ...input } },
        { token: cooperative },
      );

    it('refuses a fractional, negative or zero unit price', async () => {
      await refused(() => offer({ unitPrice: 13000.5 }), /Rupiah must be whole/);
      await refused(() => offer({ unitPrice: -13000 }), /Rupiah may not be negative/);
      await refused(() => offer({ unitPrice: 0 }), /unitPrice must be more than zero/);
    });

    it('refuses an offer bigger than the lot, above the ceiling, or below the minimum grade', async () => {
      await refused(() => offer({ quantity: 50.001 }), /bigger than what the lot has available/);
      await refused(() => offer({ unitPrice: 14001 }), /above the kitchen's ceiling/);
      await refused(() => offer({ stockLotId: lotC }), /grade C is below the minimum grade B/);
      await refused(() => offer({ quantity: 0 }), /quantity must be greater than zero/);
    });

    it('stores nothing from submitOffers when one item is bad', async () => {
      const items = [
        { demandLineId: line, stockLotId: lotA, quantity: 40, unitPrice: 13000 },
        // The lot holds shallots; the second line asks for chili.
        { demandLineId: otherLine, stockLotId: lotA, quantity: 10, unitPrice: 13000 },
      ];
      await refused(
        () => system.request(SUBMIT_MANY, { input: items }, { token: cooperative }),
        /^Offer 2: the lot holds SHALLOT but the line asks for BIRD_CHILI/,
      );
      await refused(
        () =>
          system.request(
            SUBMIT_MANY,
            { input: [items[0], { ...items[0], stockLotId: lotC, quantity: 80.001 }] },
            { token: cooperative },
          ),
        /^Offer 2: the offer \(80\.001\) is bigger than what the lot has available \(80\)/,
      );
      const second = [items[0], { ...items[0], stockLotId: lotC, unitPrice: 12000.5 }];
      await refused(
        () => system.request(SUBMIT_MANY, { input: second }, { token: cooperative }),
        /Rupiah must be whole/,
      );
      // The first item alone is fine: it was refused only because its neighbour was bad.
      const alone = await system.request(SUBMIT_MANY, { input: [items[0]] }, { token: cooperative });
      expect(alone.errors).toBeUndefined();
      expect(alone.data?.submitOffers).toHaveLength(1);
      await system.ok(
        `mutation($id: ID!) { withdrawOffer(id: $id) { id } }`,
        {
          id: alone.data!.submitOffers[0].id,
        },
        { token: cooperative },
      );
    });

    it('refuses more than 200 offers in one call', async () => {
      const items = Array.from({ length: 201 }, () => ({
        demandLineId: line,
        stockLotId: lotA,
        quantity: 1,
        unitPrice: 13000,
      }));
      await refused(
        () => system.request(SUBMIT_MANY, { input: items }, { token: cooperative }),
        /At most 200 offers at once/,
      );
    });
  });

  describe('pages, cursors and ids', () => {
    it('refuses first above 200 and first of zero', async () => {
      for (const first of [201, 0, -1]) {
        await refused(
          () =>
            system.request(
              `query($first: Int) { myDemands(first: $first) { totalCount } }`,
              { first },
              { token: kitchen },
            ),
          /first must be between 1 and 200/,
        );
        await refused(
          () =>
            system.request(
              `{ organizations(first: ${first}) { edges { node { id } } } }`,
              {},
              { token: kitchen },
            ),
          /first must be between 1 and 200/,
        );
      }
      // 200 itself is allowed.
      const page = await system.request(
        `{ organizations(first: 200) { totalCount } }`,
        {},
        { token: kitchen },
      );
      expect(page.errors).toBeUndefined();
      expect(page.data?.organizations.totalCount).toBeGreaterThan(0);
    });

    it('refuses a malformed after cursor', async () => {
      const shaped = (parts: unknown) => Buffer.from(JSON.stringify(parts)).toString('base64url');
      for (const after of [
        'not a cursor!',
        shaped({ value: 1 }),
        shaped([1, 2]),
        // Well-formed, but not a position in this list.
        shaped(['not a time', 'not an id']),
      ]) {
        await refused(
          () =>
            system.request(
              `query($after: String) { myDemands(first: 2, after: $after) { totalCount } }`,
              { after },
              { token: kitchen },
            ),
          /after is not a valid cursor/,
        );
        await refused(
          () =>
            system.request(
              `query($after: String) { organizations(first: 2, after: $after) { totalCount } }`,
              { after },
              { token: kitchen },
            ),
          /after is not a valid cursor/,
        );
      }
    });

    it('refuses an id that is not a UUID', async () => {
      await refused(
        () => system.request(`{ demand(id: "abc") { id } }`, {}, { token: kitchen }),
        /id .*not valid/,
      );
    });

    it('answers a wrong password with UNAUTHENTICATED', async () => {
      const result = await system.request(
        `mutation($input: LoginInput!) { login(input: $input) { accessToken } }`,
        { input: { email: 'sppg.sentul@pasargizi.test', password: 'not-the-password' } },
      );
      expect(errorCode(result)).toBe('UNAUTHENTICATED');
      expect(result.errors![0]!.message).toMatch(/password is wrong/);
      expect(result.data ?? null).toBeNull();
    });
  });
});
