import { readFileSync } from 'node:fs';
import AjvDraft04 from 'ajv-draft-04';
import { daysFromNow, errorCode, eventually, secondsFromNow, TestSystem } from '../support/test-app.js';

/**
 * Transparency (issue 11): public scorecards and the OCDS 1.1.5 feed from a day run through the
 * real API and worker: demand, sealed offers, award, dispatch, receipt, invoice and payment.
 */

const KITCHEN = 'sppg.sentul@pasargizi.test';
const SENTUL = 'kkmp.sentul@pasargizi.test';
const TURI = 'kkmp.turi@pasargizi.test';
const COORDINATOR = 'koordinator@pasargizi.test';

const POST_DEMAND = `mutation($input: PostDemandInput!) {
  postDemand(input: $input) { id lines { id commodity { code } } } }`;
const ADD_LOT = `mutation($input: StockLotInput!) { addStockLot(input: $input) { id } }`;
const SUBMIT = `mutation($input: OfferInput!) { submitOffer(input: $input) { id } }`;
const CLOSE = `mutation($id: ID!) { closeBidding(demandId: $id) { status } }`;
const DEMAND_STATUS = `query($id: ID!) { demand(id: $id) { status } }`;
const ORDERS = `{ purchaseOrders(first: 200) { edges { node { id status total lines { id quantity } } } } }`;
const RECEIVE = `mutation($input: ReceiveOrderInput!) { receiveOrder(input: $input) { status } }`;
const INVOICES = `{ invoices(first: 200) { edges { node { id total order { id } } } } }`;
const PAY = `mutation($id: ID!, $amount: Rupiah!, $ref: String!) {
  recordPayment(invoiceId: $id, amount: $amount, reference: $ref) { status } }`;
const SCORECARDS = `query($region: String!, $from: Date!, $to: Date!) {
  publicScorecards(regionCode: $region, from: $from, to: $to) {
    kitchen { id name } from to costPerPortion localShare distinctSuppliers fillRate onTimeRate } }`;

type Json = Record<string, any>;

interface Order {
  id: string;
  status: string;
  total: number;
  lines: { id: string; quantity: number }[];
}

function schemaValidator() {
  const read = (name: string) =>
    JSON.parse(readFileSync(new URL(`../fixtures/ocds-1.1.5/${name}`, import.meta.url), 'utf8'));
  // OCDS uses draft-04 with its own "deprecated"/"codelist" annotations; strict mode would refuse them.
  const ajv = new AjvDraft04.default({ strict: false, allErrors: true });
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)) && /T/.test(value));
  ajv.addFormat('email', (value: string) => /^[^@\s]+@[^@\s]+$/.test(value));
  ajv.addSchema(read('release-schema.json'));
  return ajv.compile(read('release-package-schema.json'));
}

describe('open data', () => {
  let system: TestSystem;
  const token = new Map<string, string>();
  const ok = (email: string, query: string, variables: Record<string, unknown> = {}) =>
    system.ok(query, variables, { token: token.get(email)! });
  const deliveryDate = daysFromNow(2);
  let demandId: string;
  let orders: Order[];

  beforeAll(async () => {
    system = await TestSystem.start();
    for (const email of [KITCHEN, SENTUL, TURI, COORDINATOR]) token.set(email, await system.login(email));

    const posted = await ok(KITCHEN, POST_DEMAND, {
      input: {
        deliveryDate,
        biddingClosesAt: secondsFromNow(600),
        lines: [
          { commodityCode: 'RICE_MEDIUM', quantity: 100 },
          { commodityCode: 'EGG', quantity: 20.5 },
        ],
      },
    });
    demandId = posted.postDemand.id;
    const [rice, egg] = posted.postDemand.lines;
    const lot = async (email: string, commodityCode: string) =>
      (await ok(email, ADD_LOT, { input: { commodityCode, quantity: 200, grade: 'A', source: 'OWN' } }))
        .addStockLot.id as string;
    const offer = async (email: string, lineId: string, lotId: string, quantity: number, unitPrice: number) =>
      ok(email, SUBMIT, { input: { demandLineId: lineId, stockLotId: lotId, quantity, unitPrice } });
    await offer(SENTUL, rice.id, await lot(SENTUL, 'RICE_MEDIUM'), 100, 13000);
    await offer(TURI, rice.id, await lot(TURI, 'RICE_MEDIUM'), 100, 13400);
    await offer(TURI, egg.id, await lot(TURI, 'EGG'), 20.5, 29000);
    expect((await ok(KITCHEN, CLOSE, { id: demandId })).closeBidding.status).toBe('EVALUATING');
    await eventually(async () =>
      (await ok(KITCHEN, DEMAND_STATUS, { id: demandId })).demand.status === 'AWARDED' ? true : undefined,
    );
    orders = (await ok(KITCHEN, ORDERS)).purchaseOrders.edges.map((e: { node: Order }) => e.node);
    expect(orders).toHaveLength(2);
    for (const [email, order] of [
      [SENTUL, orders.find((o) => o.total === 100 * 13000)!],
      [TURI, orders.find((o) => o.total === 20.5 * 29000)!],
    ] as const) {
      await ok(email, `mutation($id: ID!) { dispatchOrder(id: $id) { status } }`, { id: order.id });
      await ok(KITCHEN, RECEIVE, {
        input: {
          orderId: order.id,
          lines: order.lines.map((l) => ({
            orderLineId: l.id,
            acceptedQuantity: l.quantity,
            rejectedQuantity: 0,
          })),
        },
      });
    }
    const invoices = (await ok(KITCHEN, INVOICES)).invoices.edges.map(
      (e: { node: { id: string; total: number } }) => e.node,
    );
    expect(invoices).toHaveLength(2);
    await ok(KITCHEN, PAY, { id: invoices[0].id, amount: 100000, ref: 'TRF-OCDS-1' });
  });
  afterAll(async () => system?.stop());

  const baseUrl = () => system.url.replace(/\/graphql$/, '');

  it('publishes an OCDS 1.1.5 release package that validates against the schema with zero errors', async () => {
    const response = await fetch(
      `${baseUrl()}/ocds/releases.json?regionCode=35.72&from=${deliveryDate}&to=${deliveryDate}`,
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as Json;
    const validate = schemaValidator();
    const valid = validate(body);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);

    expect(body).toMatchObject({ version: '1.1', publisher: { name: 'Pasar Gizi' } });
    expect(body.license).toMatch(/^https:\/\//);
    expect(body.releases).toHaveLength(1);
    const release = body.releases[0];
    expect(release.ocid).toBe(`ocds-pasargizi-${demandId}`);
    expect(
      release.tender.items.map((i: { classification: { id: string } }) => i.classification.id).sort(),
    ).toEqual(['EGG', 'RICE_MEDIUM']);
    expect(
      release.tender.items.find((i: { quantity: number }) => i.quantity === 20.5).unit.name,
    ).toBeTruthy();
    expect(release.tender.numberOfTenderers).toBe(2);
    expect(release.bids.statistics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ measure: 'bids', value: 3 }),
        expect.objectContaining({ measure: 'bidders', value: 2 }),
      ]),
    );
    expect(release.awards).toHaveLength(2);
    expect(release.awards.map((a: { value: { amount: number } }) => a.value.amount).sort()).toEqual(
      [20.5 * 29000, 100 * 13000].sort(),
    );
    expect(release.contracts.map((c: { id: string }) => c.id).sort()).toEqual(orders.map((o) => o.id).sort());
    const transactions = release.contracts.flatMap(
      (c: { implementation: { transactions: unknown[] } }) => c.implementation.transactions,
    );
    expect(transactions).toEqual([expect.objectContaining({ value: { amount: 100000, currency: 'IDR' } })]);
    // The losing offer's price (13.400) is nowhere in the feed.
    expect(JSON.stringify(body)).not.toMatch(/:13400\b/);

    // Stable: the same OCID and release id on a second read.
    const again = (await (
      await fetch(`${baseUrl()}/ocds/releases.json?regionCode=35.72&from=${deliveryDate}&to=${deliveryDate}`)
    ).json()) as Json;
    expect(again.releases.map((r: { id: string }) => r.id)).toEqual([release.id]);
  });

  it('leaves open demands out of the feed and refuses bad input with a bilingual 400', async () => {
    const open = await ok(KITCHEN, POST_DEMAND, {
      input: {
        deliveryDate,
        biddingClosesAt: secondsFromNow(600),
        lines: [{ commodityCode: 'CARROT', quantity: 5 }],
      },
    });
    const body = (await (
      await fetch(`${baseUrl()}/ocds/releases.json?regionCode=35.72&from=${deliveryDate}&to=${deliveryDate}`)
    ).json()) as Json;
    expect(body.releases.map((r: { tender: { id: string } }) => r.tender.id)).not.toContain(
      open.postDemand.id,
    );

    for (const query of [
      'regionCode=35.72&from=2026-13-01&to=2026-12-31',
      'regionCode=99.99&from=2026-01-01&to=2026-01-02',
      'regionCode=35.72',
    ]) {
      const refused = await fetch(`${baseUrl()}/ocds/releases.json?${query}`);
      expect(refused.status).toBe(400);
      const error = await refused.json();
      expect(error).toMatchObject({
        code: 'BAD_USER_INPUT',
        message: expect.any(String),
        messageId: expect.any(String),
      });
    }
  });

  it('shows public scorecards without sign-in and without any offer price', async () => {
    const result = await system.request(SCORECARDS, {
      region: '35.72',
      from: deliveryDate,
      to: deliveryDate,
    });
    expect(result.errors).toBeUndefined();
    const cards = result.data!.publicScorecards;
    expect(cards.length).toBeGreaterThanOrEqual(10);
    const mine = cards.find((c: { kitchen: { name: string } }) => /Sentul/.test(c.kitchen.name));
    expect(mine).toEqual({
      kitchen: expect.any(Object),
      from: deliveryDate,
      to: deliveryDate,
      costPerPortion: null,
      localShare: 1,
      distinctSuppliers: 2,
      // 120.5 of 125.5 demanded: the previous test's carrot demand is still open.
      fillRate: expect.closeTo(120.5 / 125.5, 9),
      onTimeRate: 1,
    });
    expect(JSON.stringify(cards)).not.toMatch(/:13400\b/);
    expect(
      errorCode(
        await system.request(SCORECARDS, { region: '35.72', from: deliveryDate, to: daysFromNow(-1) }),
      ),
    ).toBe('BAD_USER_INPUT');
    expect(
      errorCode(await system.request(SCORECARDS, { region: '00', from: deliveryDate, to: deliveryDate })),
    ).toBe('BAD_USER_INPUT');
  });
});
