/**
 * The Blitar Trade Center, over the public API: a contract with two shipments, five
 * cooperatives pledging, fair allotment with its reasons, a lot that an MBG kitchen also
 * wants, inspection with a rejection and a re-allotment, a shipment that goes out short,
 * payment of nets with the levy booked, the levy report, a consignor payable, who may do what,
 * and the races (SQL checks that a lot is never promised beyond what it holds).
 */
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { TradeService } from '../../libs/trade/src/trade.service.js';
import { daysFromNow, errorCode, eventually, secondsFromNow, TestSystem } from '../support/test-app.js';

const CREATE = `mutation($input: TradeContractInput!) {
  createTradeContract(input: $input) { id number status levyRate totalQuantity shipments { id sequence quantity status } }
}`;
const CONTRACT = `query($id: ID!) { tradeContract(id: $id) {
  id status acceptedQuantity
  shipments { id sequence status allottedQuantity acceptedQuantity
    pledges { id quantity status invalidReason explanation cooperative { id } }
    allotments { id round quantity acceptedQuantity rejectedQuantity rejectionReason grossAmount levyAmount netAmount paid
      explanation explanationId cooperative { id } pledge { id } consignorPayables { consignorId quantity amount status } }
    alerts { kind message } } } }`;
const PLEDGE = `mutation($input: PledgeInput!) { pledgeStock(input: $input) { id status quantity } }`;
const WITHDRAW = `mutation($id: ID!) { withdrawPledge(id: $id) { id status } }`;
const ALLOT = `mutation($id: ID!) { allotShipment(shipmentId: $id) { id status allottedQuantity } }`;
const RECEIVE = `mutation($input: [TradeReceiptInput!]!) {
  receiveAtTradeCenter(input: $input) { id acceptedQuantity rejectedQuantity grossAmount levyAmount netAmount } }`;
const DISPATCH = `mutation($id: ID!) { dispatchShipment(shipmentId: $id) { id status } }`;
const DELIVERED = `mutation($id: ID!) { confirmShipmentDelivered(shipmentId: $id) { id status } }`;
const PAY = `mutation($ids: [ID!]!, $ref: String!) { payAllotments(allotmentIds: $ids, reference: $ref) { id paid netAmount levyAmount } }`;
const CANCEL = `mutation($id: ID!, $reason: String!) { cancelTradeContract(id: $id, reason: $reason) { id status } }`;
const ADD_LOT = `mutation($input: StockLotInput!) { addStockLot(input: $input) { id } }`;
const LEVY = `query($region: String!, $from: Date!, $to: Date!) { levyReport(regionCode: $region, from: $from, to: $to) {
  total byContract { contract { id } accepted gross levy } byCooperative { cooperative { id } accepted gross levy net } } }`;

interface Allotment {
  id: string;
  round: number;
  quantity: number;
  acceptedQuantity: number | null;
  rejectedQuantity: number | null;
  grossAmount: number;
  levyAmount: number;
  netAmount: number;
  paid: boolean;
  explanation: string;
  explanationId: string;
  cooperative: { id: string };
  consignorPayables: { consignorId: string; quantity: number; amount: number; status: string }[];
}
interface Pledge {
  id: string;
  quantity: number;
  status: string;
  invalidReason: string | null;
  explanation: string | null;
  cooperative: { id: string };
}
interface Shipment {
  id: string;
  sequence: number;
  status: string;
  allottedQuantity: number;
  acceptedQuantity: number;
  pledges: Pledge[];
  allotments: Allotment[];
  alerts: { kind: string; message: string }[];
}
interface Contract {
  id: string;
  status: string;
  acceptedQuantity: number;
  shipments: Shipment[];
}

const COOPERATIVES = ['kepanjenkidul', 'ngadirejo', 'sentul', 'kauman', 'tanggung'] as const;

describe('the Blitar Trade Center', () => {
  let system: TestSystem;
  let db: DataSource;
  let officer: string;
  let coordinator: string;
  let kitchen: string;
  const coop: Record<string, { token: string; id: string }> = {};

  const sql = async <T = Record<string, unknown>>(query: string, params: unknown[] = []) =>
    (await db.query(query, params)) as T[];
  const addLot = async (token: string, quantity: number, extra: Record<string, unknown> = {}) =>
    (
      await system.ok<{ addStockLot: { id: string } }>(
        ADD_LOT,
        { input: { commodityCode: 'RICE_MEDIUM', quantity, grade: 'A', source: 'OWN', ...extra } },
        { token },
      )
    ).addStockLot.id;
  const pledge = async (token: string, shipmentId: string, stockLotId: string, quantity: number) =>
    (
      await system.ok<{ pledgeStock: { id: string } }>(
        PLEDGE,
        { input: { shipmentId, stockLotId, quantity } },
        { token },
      )
    ).pledgeStock.id;
  const contractAs = async (token: string, id: string, locale?: string) =>
    (
      await system.ok<{ tradeContract: Contract }>(
        CONTRACT,
        { id },
        { token, headers: locale ? { 'accept-language': locale } : {} },
      )
    ).tradeContract;
  const createContract = async (
    shipments: { quantity: number; closeIn: number; consolidateIn: number }[],
    extra = {},
  ) =>
    (
      await system.ok<{ createTradeContract: { id: string; shipments: { id: string }[] } }>(
        CREATE,
        {
          input: {
            buyerName: 'PT Sumber Pangan',
            destination: 'Makassar (Sulawesi Selatan)',
            commodityCode: 'RICE_MEDIUM',
            minGrade: 'B',
            unitPrice: 12_345,
            levyRate: 0.015,
            shipments: shipments.map((s) => ({
              quantity: s.quantity,
              pledgesCloseAt: secondsFromNow(s.closeIn),
              consolidateBy: secondsFromNow(s.consolidateIn),
            })),
            ...extra,
          },
        },
        { token: officer },
      )
    ).createTradeContract;
  const reserved = async (lotId: string) =>
    (
      await sql<{ r: string; q: string }>(
        'SELECT reserved_quantity::text r, quantity::text q FROM stock_lot WHERE id = $1',
        [lotId],
      )
    )[0]!;

  beforeAll(async () => {
    system = await TestSystem.start();
    db = system.api.get<DataSource>(getDataSourceToken());
    officer = await system.login('btc@pasargizi.test');
    coordinator = await system.login('koordinator@pasargizi.test');
    kitchen = await system.login('sppg.kepanjenkidul@pasargizi.test');
    for (const name of COOPERATIVES) {
      const token = await system.login(`kkmp.${name}@pasargizi.test`);
      const me = await system.ok<{ me: { organization: { id: string } } }>(
        `{ me { organization { id } } }`,
        {},
        { token },
      );
      coop[name] = { token, id: me.me.organization.id };
    }
  });
  afterAll(async () => system.stop());

  it('allots fairly, inspects, re-allots, ships short with an alert, pays nets and reports the levy', async () => {
    const contract = await createContract([
      { quantity: 600, closeIn: 3600, consolidateIn: 2 * 86400 },
      { quantity: 500, closeIn: 5, consolidateIn: 10 },
    ]);
    const [first, second] = contract.shipments as [{ id: string }, { id: string }];
    const [a, b, c, d, e] = COOPERATIVES.map((name) => coop[name]!);
    // The second shipment's pledges first: it closes in seconds and the worker allots it then.
    const lotA2 = await addLot(a.token, 100);
    const lotB2 = await addLot(b.token, 150);
    await pledge(a.token, second.id, lotA2, 100);
    const pledgeB2 = await pledge(b.token, second.id, lotB2, 150);

    // The regency's cooperatives are told.
    const notices = await system.ok<{ tradeNotices: { kind: string; entityId: string }[] }>(
      `{ tradeNotices { kind entityId } }`,
      {},
      { token: a.token },
    );
    expect(notices.tradeNotices).toContainEqual({ kind: 'TRADE_CONTRACT_OPENED', entityId: contract.id });

    // Five cooperatives pledge unequal amounts. A's rice is Bulog's (BUMN, consigned).
    const [bulog] = (await sql<{ id: string }>(
      `SELECT id FROM organization WHERE seed_key = 'bumn-bulog'`,
    )) as [{ id: string }];
    const lotA = await addLot(a.token, 100, { source: 'BUMN', consignorId: bulog.id, unitCost: 11_000 });
    const lotB = await addLot(b.token, 400);
    const lotC = await addLot(c.token, 600);
    const lotD = await addLot(d.token, 300, { grade: 'C' });
    const lotE = await addLot(e.token, 250);
    await pledge(a.token, first.id, lotA, 100);
    const pledgeB = await pledge(b.token, first.id, lotB, 300);
    await pledge(c.token, first.id, lotC, 500); // above any fair share
    const gradeTooLow = await system.request(
      PLEDGE,
      { input: { shipmentId: first.id, stockLotId: lotD, quantity: 200 } },
      { token: d.token },
    );
    expect(errorCode(gradeTooLow)).toBe('BAD_USER_INPUT');
    expect(gradeTooLow.errors![0]!.message).toContain('grade C');
    const expiring = await addLot(d.token, 50, { expiresOn: daysFromNow(1) });
    const tooSoon = await system.request(
      PLEDGE,
      { input: { shipmentId: first.id, stockLotId: expiring, quantity: 50 } },
      { token: d.token },
    );
    expect(errorCode(tooSoon)).toBe('BAD_USER_INPUT');
    const tooMuch = await system.request(
      PLEDGE,
      { input: { shipmentId: first.id, stockLotId: lotB, quantity: 401 } },
      { token: b.token },
    );
    expect(errorCode(tooMuch)).toBe('BAD_USER_INPUT');
    const notMine = await system.request(
      PLEDGE,
      { input: { shipmentId: first.id, stockLotId: lotB, quantity: 1 } },
      { token: c.token },
    );
    expect(errorCode(notMine)).toBe('NOT_FOUND');
    const twice = await system.request(
      PLEDGE,
      { input: { shipmentId: first.id, stockLotId: lotB, quantity: 1 } },
      { token: b.token },
    );
    expect(errorCode(twice)).toBe('CONFLICT');
    await pledge(e.token, first.id, lotE, 250);
    // D changes its mind about a pledge and withdraws it.
    const lotD2 = await addLot(d.token, 10);
    const withdrawn = await pledge(d.token, first.id, lotD2, 10);
    expect((await system.ok(WITHDRAW, { id: withdrawn }, { token: d.token })).withdrawPledge.status).toBe(
      'WITHDRAWN',
    );
    expect(errorCode(await system.request(WITHDRAW, { id: withdrawn }, { token: d.token }))).toBe('CONFLICT');

    // E's lot is offered to an MBG kitchen in the same hours, and the kitchen's award comes first.
    const demand = await system.ok<{ postDemand: { id: string; lines: { id: string }[] } }>(
      `mutation($input: PostDemandInput!) { postDemand(input: $input) { id lines { id } } }`,
      {
        input: {
          deliveryDate: daysFromNow(2),
          biddingClosesAt: secondsFromNow(3600),
          lines: [{ commodityCode: 'RICE_MEDIUM', quantity: 200 }],
        },
      },
      { token: kitchen },
    );
    await system.ok(
      `mutation($input: OfferInput!) { submitOffer(input: $input) { id } }`,
      {
        input: {
          demandLineId: demand.postDemand.lines[0]!.id,
          stockLotId: lotE,
          quantity: 200,
          unitPrice: 13_000,
        },
      },
      { token: e.token },
    );
    await system.ok(
      `mutation($id: ID!) { closeBidding(demandId: $id) { id } }`,
      { id: demand.postDemand.id },
      { token: kitchen },
    );
    await eventually(async () => (await reserved(lotE)).r === '200.000');

    // A cooperative sees only its own pledges.
    const seenByB = await contractAs(b.token, contract.id);
    expect(seenByB.shipments[0]!.pledges.map((p) => p.id)).toEqual([pledgeB]);
    const mine = await system.ok<{ myPledges: { totalCount: number; edges: { node: { id: string } }[] } }>(
      `{ myPledges { totalCount edges { node { id } } } }`,
      {},
      { token: b.token },
    );
    expect(mine.myPledges.edges.map((edge) => edge.node.id)).toEqual([pledgeB, pledgeB2]);
    expect((await contractAs(officer, contract.id)).shipments[0]!.pledges).toHaveLength(5);
    expect(errorCode(await system.request(CONTRACT, { id: contract.id }, { token: kitchen }))).toBe(
      'NOT_FOUND',
    );

    // The officer allots early: water-filling over 100, 300, 500 and E's 50 still free -> 100, 225, 225, 50.
    const allotted = await system.ok(ALLOT, { id: first.id }, { token: officer });
    expect(allotted.allotShipment).toMatchObject({ status: 'ALLOTTED', allottedQuantity: 600 });
    expect(errorCode(await system.request(ALLOT, { id: first.id }, { token: officer }))).toBe('CONFLICT');
    const late = await system.request(
      PLEDGE,
      { input: { shipmentId: first.id, stockLotId: lotD2, quantity: 5 } },
      { token: d.token },
    );
    expect(errorCode(late)).toBe('CONFLICT');
    let view = await contractAs(officer, contract.id, 'id');
    let shipment = view.shipments[0]!;
    const share = (who: { id: string }) => shipment.allotments.filter((x) => x.cooperative.id === who.id);
    expect(share(a).map((x) => x.quantity)).toEqual([100]);
    expect(share(b).map((x) => x.quantity)).toEqual([225]);
    expect(share(c).map((x) => x.quantity)).toEqual([225]);
    expect(share(e).map((x) => x.quantity)).toEqual([50]);
    expect(share(b)[0]!.explanation).toBe(
      'Anda menjanjikan 300 kg; bagian adil tahap ini 225 kg, jadi Anda mendapat 225 kg',
    );
    expect(share(c)[0]!.explanation).toBe(
      'Anda menjanjikan 500 kg; bagian adil tahap ini 225 kg, jadi Anda mendapat 225 kg',
    );
    expect(share(e)[0]!.explanation).toContain('hanya menyisakan 50 kg');
    const statusOf = (who: { id: string }) =>
      shipment.pledges.find((p) => p.cooperative.id === who.id)!.status;
    expect([statusOf(a), statusOf(b), statusOf(c), statusOf(e)]).toEqual([
      'ALLOTTED',
      'PARTIALLY_ALLOTTED',
      'PARTIALLY_ALLOTTED',
      'PARTIALLY_ALLOTTED',
    ]);
    // E's lot: 200 to the kitchen + 50 to the Trade Center = all 250, never more.
    expect(await reserved(lotE)).toEqual({ r: '250.000', q: '250.000' });
    expect(errorCode(await system.request(WITHDRAW, { id: pledgeB }, { token: b.token }))).toBe('CONFLICT');

    // Inspection: C's rice is partly wet; 25 kg rejected and re-allotted to B, who still has 75 kg pledged.
    const byId = (who: { id: string }) => share(who)[0]!.id;
    const bad = await system.request(
      RECEIVE,
      { input: [{ allotmentId: byId(c), acceptedQuantity: 200, rejectedQuantity: 24 }] },
      { token: officer },
    );
    expect(errorCode(bad)).toBe('BAD_USER_INPUT');
    const noReason = await system.request(
      RECEIVE,
      { input: [{ allotmentId: byId(c), acceptedQuantity: 200, rejectedQuantity: 25 }] },
      { token: officer },
    );
    expect(errorCode(noReason)).toBe('BAD_USER_INPUT');
    const received = await system.ok(
      RECEIVE,
      {
        input: [
          { allotmentId: byId(a), acceptedQuantity: 100, rejectedQuantity: 0 },
          { allotmentId: byId(b), acceptedQuantity: 225, rejectedQuantity: 0 },
          {
            allotmentId: byId(c),
            acceptedQuantity: 200,
            rejectedQuantity: 25,
            rejectionReason: 'Beras basah',
          },
          { allotmentId: byId(e), acceptedQuantity: 50, rejectedQuantity: 0 },
        ],
      },
      { token: officer },
    );
    // gross = accepted x 12,345; levy = 1.5% rounded half up per allotment: 1,234,500 -> 18,517.5 -> 18,518.
    expect(received.receiveAtTradeCenter[0]).toMatchObject({
      grossAmount: 1_234_500,
      levyAmount: 18_518,
      netAmount: 1_215_982,
    });
    expect(
      errorCode(
        await system.request(
          RECEIVE,
          { input: [{ allotmentId: byId(a), acceptedQuantity: 100, rejectedQuantity: 0 }] },
          { token: officer },
        ),
      ),
    ).toBe('CONFLICT');
    expect(await reserved(lotC)).toEqual({ r: '200.000', q: '600.000' });
    view = await contractAs(officer, contract.id);
    shipment = view.shipments[0]!;
    const round2 = shipment.allotments.filter((x) => x.round === 2);
    expect(round2.map((x) => [x.cooperative.id, x.quantity])).toEqual([[b.id, 25]]);
    expect(shipment.allottedQuantity).toBe(600);
    expect(await reserved(lotB)).toEqual({ r: '250.000', q: '400.000' });
    expect(shipment.pledges.find((p) => p.cooperative.id === e.id)!.status).toBe('PARTIALLY_ALLOTTED');

    // Not everything is in yet: no dispatch.
    expect(errorCode(await system.request(DISPATCH, { id: first.id }, { token: officer }))).toBe('CONFLICT');
    await system.ok(
      RECEIVE,
      { input: [{ allotmentId: round2[0]!.id, acceptedQuantity: 25, rejectedQuantity: 0 }] },
      { token: officer },
    );
    expect(errorCode(await system.request(DELIVERED, { id: first.id }, { token: officer }))).toBe('CONFLICT');
    expect((await system.ok(DISPATCH, { id: first.id }, { token: officer })).dispatchShipment.status).toBe(
      'DISPATCHED',
    );

    // The consigned lot sold through the Trade Center owes Bulog 100 kg x 11,000.
    view = await contractAs(officer, contract.id);
    const allotmentA = view.shipments[0]!.allotments.find((x) => x.cooperative.id === a.id)!;
    expect(allotmentA.consignorPayables).toEqual([
      { consignorId: bulog.id, quantity: 100, amount: 1_100_000, status: 'OPEN' },
    ]);
    const statements = await system.ok<{ consignorStatements: { owed: number; soldQuantity: number }[] }>(
      `{ consignorStatements { owed soldQuantity } }`,
      {},
      { token: a.token },
    );
    expect(statements.consignorStatements).toContainEqual({ owed: 1_100_000, soldQuantity: 100 });

    // The second shipment: the worker allots it when pledges close; B's lot goes short and time has run out.
    await eventually(
      async () => (await contractAs(officer, contract.id)).shipments[1]!.status === 'ALLOTTED',
      20_000,
    );
    view = await contractAs(officer, contract.id);
    const s2 = view.shipments[1]!;
    expect(s2.allottedQuantity).toBe(250);
    const s2Of = (who: { id: string }) => s2.allotments.find((x) => x.cooperative.id === who.id)!.id;
    // The job is idempotent: run again (as a retry would), it finds the shipment allotted and writes nothing.
    const again = await system.worker!.get(TradeService).allotDue(second.id);
    expect(again).toEqual({ shipmentId: second.id, allotted: false });
    const [count] = await sql<{ n: number }>(
      'SELECT count(*)::int n FROM trade_allotment WHERE shipment_id = $1',
      [second.id],
    );
    expect(count!.n).toBe(2);
    const waitUntil = new Date(Date.now() + 1000);
    await eventually(
      async () =>
        Date.now() > waitUntil.getTime() &&
        (await sql(`SELECT 1 FROM trade_shipment WHERE id = $1 AND consolidate_by < now()`, [second.id]))
          .length === 1,
      20_000,
    );
    await system.ok(
      RECEIVE,
      {
        input: [
          { allotmentId: s2Of(a), acceptedQuantity: 100, rejectedQuantity: 0 },
          { allotmentId: s2Of(b), acceptedQuantity: 100, rejectedQuantity: 50, rejectionReason: 'Berjamur' },
        ],
      },
      { token: officer },
    );
    expect((await system.ok(DISPATCH, { id: second.id }, { token: officer })).dispatchShipment.status).toBe(
      'DISPATCHED',
    );
    view = await contractAs(officer, contract.id);
    expect(view.shipments[1]!.allotments).toHaveLength(2); // no re-allotment after consolidateBy
    expect(view.shipments[1]!.alerts.map((x) => x.kind)).toEqual([
      'TRADE_SHIPMENT_SHORT',
      'TRADE_SHIPMENT_SHORT',
    ]);
    const coordinatorAlerts = await system.ok<{ alerts: { kind: string; entityId: string }[] }>(
      `{ alerts(regionCode: "35.72") { kind entityId } }`,
      {},
      { token: coordinator },
    );
    expect(coordinatorAlerts.alerts).toContainEqual({ kind: 'TRADE_SHIPMENT_SHORT', entityId: second.id });

    await system.ok(DELIVERED, { id: first.id }, { token: officer });
    await system.ok(DELIVERED, { id: second.id }, { token: officer });
    view = await contractAs(officer, contract.id);
    expect(view.status).toBe('COMPLETED');
    expect(view.acceptedQuantity).toBe(600 + 200);

    // Money: nets paid, the levy booked once; the report equals the sum of allotments to the rupiah.
    const everyAllotment = view.shipments.flatMap((s) => s.allotments);
    const paid = await system.ok<{ payAllotments: { paid: boolean }[] }>(
      PAY,
      { ids: everyAllotment.map((x) => x.id), ref: 'BANK-JATIM-0001' },
      { token: officer },
    );
    expect(paid.payAllotments.every((x) => x.paid)).toBe(true);
    expect(
      errorCode(
        await system.request(PAY, { ids: [everyAllotment[0]!.id], ref: 'again' }, { token: officer }),
      ),
    ).toBe('CONFLICT');
    for (const x of everyAllotment) {
      expect(x.grossAmount).toBe(x.levyAmount + x.netAmount);
      expect(x.grossAmount).toBe(Math.round(x.acceptedQuantity! * 12_345));
    }
    const report = await system.ok<{
      levyReport: {
        total: number;
        byContract: { contract: { id: string }; gross: number; levy: number }[];
        byCooperative: { cooperative: { id: string }; gross: number; levy: number; net: number }[];
      };
    }>(LEVY, { region: '35.72', from: daysFromNow(-1), to: daysFromNow(1) }, { token: coordinator });
    const levies = everyAllotment.reduce((sum, x) => sum + x.levyAmount, 0);
    expect(report.levyReport.total).toBe(levies);
    expect(report.levyReport.byContract).toEqual([
      {
        contract: { id: contract.id },
        accepted: 800,
        gross: everyAllotment.reduce((s, x) => s + x.grossAmount, 0),
        levy: levies,
      },
    ]);
    for (const row of report.levyReport.byCooperative) {
      const own = everyAllotment.filter((x) => x.cooperative.id === row.cooperative.id);
      expect(row.levy).toBe(own.reduce((s, x) => s + x.levyAmount, 0));
      expect(row.net).toBe(own.reduce((s, x) => s + x.netAmount, 0));
      expect(row.gross).toBe(row.levy + row.net);
    }
    expect(
      (
        await system.ok(
          LEVY,
          { region: '35.72', from: daysFromNow(-1), to: daysFromNow(1) },
          { token: officer },
        )
      ).levyReport.total,
    ).toBe(levies);
    expect(
      errorCode(
        await system.request(
          LEVY,
          { region: '35.72', from: daysFromNow(-1), to: daysFromNow(1) },
          { token: a.token },
        ),
      ),
    ).toBe('FORBIDDEN');
    await expect(sql(`UPDATE trade_levy_entry SET levy_amount = 0`)).rejects.toThrow(/append-only/);
    // An officer reports on its own regency, not on a wider region with other centres in it.
    expect(
      errorCode(
        await system.request(
          LEVY,
          { region: '35', from: daysFromNow(-1), to: daysFromNow(1) },
          { token: officer },
        ),
      ),
    ).toBe('FORBIDDEN');

    // The audit trail holds every state change of the allotments and shipments.
    const [audit] = await sql<{ n: string }>(
      `SELECT count(*) n FROM audit_entry WHERE entity_type IN ('Shipment', 'Allotment', 'Pledge', 'TradeContract')
         AND (entity_id = $1 OR entity_id = ANY($2::uuid[]) OR entity_id = ANY($3::uuid[]))`,
      [contract.id, view.shipments.map((s) => s.id), everyAllotment.map((x) => x.id)],
    );
    // contract created + in delivery + completed; 2 shipments x (created, allotted, consolidating, dispatched, delivered); 7 allotments x 3.
    expect(Number(audit!.n)).toBe(3 + 2 * 5 + everyAllotment.length * 3);
  });

  it('refuses every trade mutation to the roles that may not do it', async () => {
    const contract = await createContract([{ quantity: 100, closeIn: 3600, consolidateIn: 7200 }]);
    const shipmentId = contract.shipments[0]!.id;
    const lot = await addLot(coop.sentul!.token, 50);
    const pledgeId = await pledge(coop.sentul!.token, shipmentId, lot, 50);
    const admin = await system.login('admin@pasargizi.test');
    const officerOnly: [string, Record<string, unknown>][] = [
      [
        CREATE,
        {
          input: {
            buyerName: 'x',
            destination: 'y',
            commodityCode: 'RICE_MEDIUM',
            minGrade: 'B',
            unitPrice: 1,
            levyRate: 0.02,
            shipments: [
              { quantity: 1, pledgesCloseAt: secondsFromNow(60), consolidateBy: secondsFromNow(120) },
            ],
          },
        },
      ],
      [CANCEL, { id: contract.id, reason: 'x' }],
      [ALLOT, { id: shipmentId }],
      [RECEIVE, { input: [{ allotmentId: pledgeId, acceptedQuantity: 1, rejectedQuantity: 0 }] }],
      [DISPATCH, { id: shipmentId }],
      [DELIVERED, { id: shipmentId }],
      [PAY, { ids: [pledgeId], ref: 'x' }],
    ];
    const cooperativeOnly: [string, Record<string, unknown>][] = [
      [PLEDGE, { input: { shipmentId, stockLotId: lot, quantity: 1 } }],
      [WITHDRAW, { id: pledgeId }],
    ];
    for (const [mutation, variables] of officerOnly) {
      for (const token of [kitchen, coordinator, coop.sentul!.token, admin]) {
        expect(errorCode(await system.request(mutation, variables, { token }))).toBe('FORBIDDEN');
      }
      expect(errorCode(await system.request(mutation, variables))).toBe('UNAUTHENTICATED');
    }
    for (const [mutation, variables] of cooperativeOnly) {
      for (const token of [kitchen, coordinator, officer, admin]) {
        expect(errorCode(await system.request(mutation, variables, { token }))).toBe('FORBIDDEN');
      }
      expect(errorCode(await system.request(mutation, variables))).toBe('UNAUTHENTICATED');
    }
    // Another cooperative cannot withdraw this one's pledge.
    expect(errorCode(await system.request(WITHDRAW, { id: pledgeId }, { token: coop.kauman!.token }))).toBe(
      'NOT_FOUND',
    );
    // Kitchens see no trade contracts.
    expect(errorCode(await system.request(`{ tradeContracts { totalCount } }`, {}, { token: kitchen }))).toBe(
      'FORBIDDEN',
    );
    // Bad input: levy rate, cap, dates.
    const bad = async (patch: Record<string, unknown>) =>
      errorCode(
        await system.request(
          CREATE,
          {
            input: {
              buyerName: 'PT X',
              destination: 'Ambon',
              commodityCode: 'RICE_MEDIUM',
              minGrade: 'B',
              unitPrice: 10_000,
              levyRate: 0.02,
              shipments: [
                { quantity: 10, pledgesCloseAt: secondsFromNow(60), consolidateBy: secondsFromNow(120) },
              ],
              ...patch,
            },
          },
          { token: officer },
        ),
      );
    expect(await bad({ levyRate: 1 })).toBe('BAD_USER_INPUT');
    expect(await bad({ levyRate: -0.01 })).toBe('BAD_USER_INPUT');
    expect(await bad({ maxSharePerCooperative: 0 })).toBe('BAD_USER_INPUT');
    expect(await bad({ commodityCode: 'NOPE' })).toBe('BAD_USER_INPUT');
    expect(await bad({ shipments: [] })).toBe('BAD_USER_INPUT');
    expect(
      await bad({
        shipments: [{ quantity: 10, pledgesCloseAt: secondsFromNow(60), consolidateBy: secondsFromNow(30) }],
      }),
    ).toBe('BAD_USER_INPUT');
    expect(
      await bad({
        shipments: [
          { quantity: 0.0001, pledgesCloseAt: secondsFromNow(60), consolidateBy: secondsFromNow(90) },
        ],
      }),
    ).toBe('BAD_USER_INPUT');
    // Cancelling withdraws the standing pledges; a cancelled contract cannot be cancelled again.
    expect(
      (await system.ok(CANCEL, { id: contract.id, reason: 'Pembeli mundur' }, { token: officer }))
        .cancelTradeContract.status,
    ).toBe('CANCELLED');
    expect(
      errorCode(await system.request(CANCEL, { id: contract.id, reason: 'again' }, { token: officer })),
    ).toBe('CONFLICT');
    const [row] = await sql<{ status: string }>('SELECT status FROM trade_pledge WHERE id = $1', [pledgeId]);
    expect(row!.status).toBe('WITHDRAWN');
  });

  it('caps one cooperative’s share when the contract says so', async () => {
    const contract = await createContract([{ quantity: 100, closeIn: 3600, consolidateIn: 7200 }], {
      maxSharePerCooperative: 0.4,
    });
    const shipmentId = contract.shipments[0]!.id;
    await pledge(coop.kauman!.token, shipmentId, await addLot(coop.kauman!.token, 90), 90);
    await pledge(coop.tanggung!.token, shipmentId, await addLot(coop.tanggung!.token, 90), 90);
    await system.ok(ALLOT, { id: shipmentId }, { token: officer });
    const view = await contractAs(officer, contract.id);
    expect(view.shipments[0]!.allotments.map((x) => x.quantity)).toEqual([40, 40]);
    expect(view.shipments[0]!.allotments[0]!.explanation).toContain('at most 40 kg');
  });

  describe('races', () => {
    /** Every lot: reserved within its quantity and equal to its open MBG order lines plus its live allotments. */
    const ledgerHolds = async (lotIds: string[]) => {
      const rows = await sql<{ id: string; quantity: string; reserved: string; expected: string }>(
        `SELECT l.id, l.quantity::text, l.reserved_quantity::text AS reserved,
                (coalesce((SELECT sum(ol.quantity) FROM order_line ol JOIN purchase_order o ON o.id = ol.order_id
                            WHERE ol.stock_lot_id = l.id AND o.status NOT IN ('DECLINED', 'CANCELLED')), 0)
               + coalesce((SELECT sum(a.quantity - coalesce(a.rejected_quantity, 0)) FROM trade_allotment a
                            WHERE a.stock_lot_id = l.id), 0))::text AS expected
           FROM stock_lot l WHERE l.id = ANY($1::uuid[])`,
        [lotIds],
      );
      expect(rows).toHaveLength(lotIds.length);
      for (const row of rows) {
        expect(Number(row.reserved)).toBeLessThanOrEqual(Number(row.quantity));
        expect(Number(row.reserved)).toBe(Number(row.expected));
      }
    };

    it('20 concurrent pledges: one standing pledge per lot, the rest CONFLICT; the allotment stays within every lot', async () => {
      const contract = await createContract([{ quantity: 300, closeIn: 3600, consolidateIn: 7200 }]);
      const shipmentId = contract.shipments[0]!.id;
      const lots = await Promise.all(COOPERATIVES.map((name) => addLot(coop[name]!.token, 80)));
      const attempts = COOPERATIVES.flatMap((name, i) =>
        [0, 1, 2, 3].map(() =>
          system.request(
            PLEDGE,
            { input: { shipmentId, stockLotId: lots[i], quantity: 80 } },
            { token: coop[name]!.token },
          ),
        ),
      );
      const results = await Promise.all(attempts);
      expect(results.filter((r) => !r.errors).length).toBe(5);
      expect(results.filter((r) => r.errors).every((r) => errorCode(r) === 'CONFLICT')).toBe(true);
      await system.ok(ALLOT, { id: shipmentId }, { token: officer });
      await ledgerHolds(lots);
    });

    it('an allotment racing an MBG evaluation on the same lots never promises a lot twice', async () => {
      for (let attempt = 0; attempt < 3; attempt++) {
        const contract = await createContract([{ quantity: 400, closeIn: 3600, consolidateIn: 7200 }]);
        const shipmentId = contract.shipments[0]!.id;
        const demand = await system.ok<{ postDemand: { id: string; lines: { id: string }[] } }>(
          `mutation($input: PostDemandInput!) { postDemand(input: $input) { id lines { id } } }`,
          {
            input: {
              deliveryDate: daysFromNow(3),
              biddingClosesAt: secondsFromNow(3600),
              lines: [{ commodityCode: 'RICE_MEDIUM', quantity: 300 }],
            },
          },
          { token: kitchen },
        );
        const lots: string[] = [];
        for (const name of COOPERATIVES) {
          const lot = await addLot(coop[name]!.token, 100);
          lots.push(lot);
          await pledge(coop[name]!.token, shipmentId, lot, 100);
          await system.ok(
            `mutation($input: OfferInput!) { submitOffer(input: $input) { id } }`,
            {
              input: {
                demandLineId: demand.postDemand.lines[0]!.id,
                stockLotId: lot,
                quantity: 100,
                unitPrice: 13_000,
              },
            },
            { token: coop[name]!.token },
          );
        }
        const [allot, close] = await Promise.all([
          system.request(ALLOT, { id: shipmentId }, { token: officer }),
          system.request(
            `mutation($id: ID!) { closeBidding(demandId: $id) { id } }`,
            { id: demand.postDemand.id },
            { token: kitchen },
          ),
        ]);
        expect(allot.errors).toBeUndefined();
        expect(close.errors).toBeUndefined();
        await eventually(async () => {
          const [row] = await sql<{ status: string }>('SELECT status FROM demand_request WHERE id = $1', [
            demand.postDemand.id,
          ]);
          return row!.status !== 'EVALUATING';
        }, 30_000);
        await ledgerHolds(lots);
        const [sums] = await sql<{ reserved: string }>(
          'SELECT sum(reserved_quantity)::text reserved FROM stock_lot WHERE id = ANY($1::uuid[])',
          [lots],
        );
        expect(Number(sums!.reserved)).toBeLessThanOrEqual(500);
      }
    });
  });
});
