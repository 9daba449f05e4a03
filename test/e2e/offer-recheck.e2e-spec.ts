import pg from 'pg';
import {
  daysFromNow,
  errorCode,
  secondsFromNow,
  TestSystem,
  type GraphQLResult,
} from '../support/test-app.js';

/**
 * submitOffers checks without locks, then stores with one statement that re-checks under lock
 * (every demand still open, the cooperative not suspended, no lot returned) and stores nothing
 * if something changed in between. Each case here holds the demand rows FOR UPDATE from a
 * connection of its own, starts the offer, waits until the API's insert is blocked behind that
 * lock, makes the change (or none) and commits: the insert then runs against the changed market.
 */

const POST_DEMAND = `mutation($input: PostDemandInput!) { postDemand(input: $input) { id lines { id } } }`;
const ADD_LOT = `mutation($input: StockLotInput!) { addStockLot(input: $input) { id } }`;
const SUBMIT = `mutation($input: OfferInput!) { submitOffer(input: $input) { id status } }`;
const SUBMIT_MANY = `mutation($input: [OfferInput!]!) { submitOffers(input: $input) { id status } }`;
const SUSPEND = `mutation($id: ID!) { suspendCooperative(id: $id, reason: "Food-safety incident") { id suspended } }`;
const RETURN_LOT = `mutation($id: ID!) {
  returnConsignmentStock(stockLotId: $id, note: "Unsold, back to the consignor") { id returnedAt } }`;
const ME = `{ me { organization { id } } }`;

interface OfferInput {
  demandLineId: string;
  stockLotId: string;
  quantity: number;
  unitPrice: number;
}

describe('the offer insert re-checks, under lock, what changed since the checks', () => {
  let system: TestSystem;
  let sql: pg.Client;
  let kitchen: string;
  let coordinator: string;
  let sentul: string;
  let kauman: string;

  beforeAll(async () => {
    // No worker: nothing closes a demand but the case itself. A roomy lock timeout: the insert
    // waits behind the case's lock for as long as the (possibly loaded) machine needs.
    system = await TestSystem.start({
      worker: false,
      env: { DATABASE_LOCK_TIMEOUT_MS: '30000', DATABASE_STATEMENT_TIMEOUT_MS: '30000' },
    });
    sql = new pg.Client({ connectionString: system.config.databaseUrl });
    await sql.connect();
    [kitchen, coordinator, sentul, kauman] = await Promise.all([
      system.login('sppg.sentul@pasargizi.test'),
      system.login('koordinator@pasargizi.test'),
      system.login('kkmp.sentul@pasargizi.test'),
      system.login('kkmp.kauman@pasargizi.test'),
    ]);
  });
  afterAll(async () => {
    await sql?.end();
    await system?.stop();
  });

  async function postDemand(commodityCodes: string[]) {
    const data = await system.ok(
      POST_DEMAND,
      {
        input: {
          deliveryDate: daysFromNow(4),
          biddingClosesAt: secondsFromNow(3600),
          lines: commodityCodes.map((commodityCode) => ({ commodityCode, quantity: 50 })),
        },
      },
      { token: kitchen },
    );
    return {
      id: data.postDemand.id as string,
      lineIds: (data.postDemand.lines as { id: string }[]).map((line) => line.id),
    };
  }

  async function addLot(token: string, commodityCode: string, extra: Record<string, unknown> = {}) {
    const data = await system.ok(
      ADD_LOT,
      { input: { commodityCode, quantity: 60, grade: 'A', source: 'OWN', ...extra } },
      { token },
    );
    return data.addStockLot.id as string;
  }

  /** What the offers left behind: offer rows, their 'offer.submitted' audit entries, reservations. */
  async function storedFor(lineIds: string[], lotIds: string[]) {
    const offers = await sql.query<{ id: string; status: string }>(
      `SELECT id, status FROM offer WHERE demand_line_id = ANY($1::uuid[])`,
      [lineIds],
    );
    const audits = await sql.query<{ entity_id: string }>(
      `SELECT entity_id FROM audit_entry
        WHERE action = 'offer.submitted' AND after->>'demandLineId' = ANY($1::text[])`,
      [lineIds],
    );
    const reserved = await sql.query<{ reserved: string }>(
      `SELECT COALESCE(sum(reserved_quantity), 0)::text AS reserved FROM stock_lot WHERE id = ANY($1::uuid[])`,
      [lotIds],
    );
    return {
      offers: offers.rows,
      auditedOfferIds: audits.rows.map((row) => row.entity_id),
      reserved: Number(reserved.rows[0]!.reserved),
    };
  }

  /**
   * Holds the demands FOR UPDATE, starts the offer, waits until the API's insert is blocked on
   * that lock (its FOR SHARE), runs `change` while it waits, commits and returns the answer.
   */
  async function whileTheInsertWaits(
    demandIds: string[],
    submit: () => Promise<GraphQLResult>,
    change: (holder: pg.Client) => Promise<void>,
  ): Promise<GraphQLResult> {
    const holder = new pg.Client({ connectionString: system.config.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      const locked = await holder.query(
        `SELECT id FROM demand_request WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
        [demandIds],
      );
      expect(locked.rowCount).toBe(demandIds.length);
      const [{ pid: holderPid }] = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))
        .rows as [{ pid: number }];

      let answered: GraphQLResult | null = null;
      const answer = submit().then((result) => (answered = result));
      // Deterministic: the offer's insert is the only statement that locks these new demands, so
      // a session blocked by the holder is it, waiting on its FOR SHARE.
      for (;;) {
        const waiting = await sql.query(
          `SELECT pid FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid)) AND wait_event_type = 'Lock'`,
          [holderPid],
        );
        if (waiting.rowCount) break;
        if (answered) {
          throw new Error(`The offer answered before it reached the insert: ${JSON.stringify(answered)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await change(holder);
      await holder.query('COMMIT');
      return await answer;
    } finally {
      await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
  }

  /** A fresh one-line potato demand, a lot of the cooperative's, and the offer of 50 kg from it. */
  async function potatoOffer(token: string, lot: Record<string, unknown> = {}) {
    const demand = await postDemand(['POTATO']);
    const lotId = await addLot(token, 'POTATO', lot);
    const input: OfferInput = {
      demandLineId: demand.lineIds[0]!,
      stockLotId: lotId,
      quantity: 50,
      unitPrice: 11000,
    };
    return { demand, lot: lotId, input };
  }

  /** As the close does: the demand leaves OPEN and its closing time becomes now. */
  async function closeInHolder(holder: pg.Client, demandId: string) {
    await holder.query(
      `UPDATE demand_request SET status = 'EVALUATING', bidding_closes_at = now() WHERE id = $1`,
      [demandId],
    );
  }

  it('bidding closed while the insert waited: CONFLICT, and nothing is stored', async () => {
    const { demand, lot, input } = await potatoOffer(sentul);

    const result = await whileTheInsertWaits(
      [demand.id],
      () => system.request(SUBMIT, { input }, { token: sentul }),
      (holder) => closeInHolder(holder, demand.id),
    );

    expect(errorCode(result)).toBe('CONFLICT');
    expect(result.errors![0]!.message).toMatch(/closed/);
    expect(await storedFor(demand.lineIds, [lot])).toEqual({ offers: [], auditedOfferIds: [], reserved: 0 });
  });

  it('cooperative suspended while the insert waited: FORBIDDEN, and nothing is stored', async () => {
    const organizationId = (await system.ok(ME, {}, { token: kauman })).me.organization.id as string;
    const { demand, lot, input } = await potatoOffer(kauman);

    // The real suspension: it commits on its own while the insert waits behind the demand lock.
    const result = await whileTheInsertWaits(
      [demand.id],
      () => system.request(SUBMIT, { input }, { token: kauman }),
      async () => {
        const suspended = await system.ok(SUSPEND, { id: organizationId }, { token: coordinator });
        expect(suspended.suspendCooperative.suspended).toBe(true);
      },
    );

    expect(errorCode(result)).toBe('FORBIDDEN');
    expect(result.errors![0]!.message).toMatch(/suspended/);
    expect(await storedFor(demand.lineIds, [lot])).toEqual({ offers: [], auditedOfferIds: [], reserved: 0 });
  });

  it('lot returned to its consignor while the insert waited: CONFLICT, and nothing is stored', async () => {
    const consignors = await system.ok(
      `{ organizations(kind: CONSIGNOR, first: 50) { edges { node { id } } } }`,
      {},
      { token: sentul },
    );
    const consignorId = consignors.organizations.edges[0].node.id as string;
    const { demand, lot, input } = await potatoOffer(sentul, {
      source: 'CONSIGNMENT',
      consignorId,
      unitCost: 8000,
    });

    // The real return: it commits on its own while the insert waits behind the demand lock.
    const result = await whileTheInsertWaits(
      [demand.id],
      () => system.request(SUBMIT, { input }, { token: sentul }),
      async () => {
        const returned = await system.ok(RETURN_LOT, { id: lot }, { token: sentul });
        expect(returned.returnConsignmentStock.returnedAt).toBeTruthy();
      },
    );

    expect(errorCode(result)).toBe('CONFLICT');
    expect(result.errors![0]!.message).toMatch(/returned/);
    expect(await storedFor(demand.lineIds, [lot])).toEqual({ offers: [], auditedOfferIds: [], reserved: 0 });
  });

  it('nothing changed while the insert waited: the offer is stored once, with one audit entry', async () => {
    const { demand, lot, input } = await potatoOffer(sentul);

    const result = await whileTheInsertWaits(
      [demand.id],
      () => system.request(SUBMIT, { input }, { token: sentul }),
      async () => undefined,
    );

    expect(result.errors).toBeUndefined();
    const offerId = result.data!['submitOffer'].id as string;
    expect(result.data!['submitOffer'].status).toBe('SUBMITTED');
    expect(await storedFor(demand.lineIds, [lot])).toEqual({
      offers: [{ id: offerId, status: 'SUBMITTED' }],
      auditedOfferIds: [offerId],
      reserved: 0,
    });
  });

  it('a batch where one of its demands closed while the insert waited: none of its offers is stored', async () => {
    const open = await postDemand(['POTATO', 'GARLIC']);
    const closing = await postDemand(['POTATO']);
    const [potato, garlic, lateLot] = await Promise.all([
      addLot(sentul, 'POTATO'),
      addLot(sentul, 'GARLIC'),
      addLot(sentul, 'POTATO'),
    ]);
    const input: OfferInput[] = [
      { demandLineId: open.lineIds[0]!, stockLotId: potato, quantity: 50, unitPrice: 11000 },
      { demandLineId: open.lineIds[1]!, stockLotId: garlic, quantity: 50, unitPrice: 35000 },
      { demandLineId: closing.lineIds[0]!, stockLotId: lateLot, quantity: 50, unitPrice: 11000 },
    ];

    const result = await whileTheInsertWaits(
      [open.id, closing.id],
      () => system.request(SUBMIT_MANY, { input }, { token: sentul }),
      (holder) => closeInHolder(holder, closing.id),
    );

    expect(errorCode(result)).toBe('CONFLICT');
    // The fresh checks name the offer whose demand closed.
    expect(result.errors![0]!.message).toMatch(/^Offer 3: .*closed/);
    expect(await storedFor([...open.lineIds, ...closing.lineIds], [potato, garlic, lateLot])).toEqual({
      offers: [],
      auditedOfferIds: [],
      reserved: 0,
    });
  });
});
