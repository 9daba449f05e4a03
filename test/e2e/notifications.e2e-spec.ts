/**
 * Notifications end to end, through the real API and worker: each event kind reaches the right
 * people and nobody else, in each person's language; a cooperative hears only its own price;
 * a re-run fan-out stores nothing twice; preferences, mark-read, isolation and pagination.
 */
import { getDataSourceToken } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { Redis } from 'ioredis';
import { liveChannels } from '../../libs/live/src/live-channels.js';
import { CertificatesService } from '../../libs/catalog/src/certificates.service.js';
import { NotificationFanOutService } from '../../libs/notify/src/notification-fan-out.service.js';
import { daysFromNow, errorCode, eventually, secondsFromNow, TestSystem } from '../support/test-app.js';

const INBOX = `query($unreadOnly: Boolean, $first: Int, $after: String) {
  notifications(unreadOnly: $unreadOnly, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id kind title body entityType entityId createdAt readAt } } } }`;
const POST_DEMAND = `mutation($input: PostDemandInput!) { postDemand(input: $input) { id lines { id } } }`;
const ADD_LOT = `mutation($input: StockLotInput!) { addStockLot(input: $input) { id } }`;
const SUBMIT = `mutation($input: OfferInput!) { submitOffer(input: $input) { id } }`;
const ORDERS = `{ purchaseOrders(first: 200) { edges { node { id status kitchen { id } cooperative { id } lines { id quantity } } } } }`;

interface Note {
  id: string;
  kind: string;
  title: string;
  body: string;
  entityType: string | null;
  entityId: string | null;
  createdAt: string;
  readAt: string | null;
}

describe('notifications', () => {
  let system: TestSystem;
  let db: DataSource;
  const token: Record<string, string> = {};
  const LOGINS = {
    kitchen: 'sppg.sentul@pasargizi.test',
    otherKitchen: 'sppg.bendo@pasargizi.test',
    sentul: 'kkmp.sentul@pasargizi.test',
    turi: 'kkmp.turi@pasargizi.test',
    gedog: 'kkmp.gedog@pasargizi.test',
    coordinator: 'koordinator@pasargizi.test',
    officer: 'btc@pasargizi.test',
  } as const;
  type Who = keyof typeof LOGINS;

  beforeAll(async () => {
    system = await TestSystem.start({ env: { NOTIFY_DIGEST_DELAY_MS: '1500' } });
    db = system.api.get<DataSource>(getDataSourceToken());
    for (const [name, email] of Object.entries(LOGINS)) token[name] = await system.login(email);
  }, 120_000);
  afterAll(async () => system?.stop());

  async function inbox(who: Who): Promise<Note[]> {
    const data = await system.ok(INBOX, { first: 200 }, { token: token[who] });
    return data.notifications.edges.map((edge: { node: Note }) => edge.node);
  }
  const kinds = async (who: Who) => (await inbox(who)).map((n) => n.kind);
  const ofKind = async (who: Who, kind: string) => (await inbox(who)).filter((n) => n.kind === kind);
  /** Waits until `who` has `count` notifications of `kind`, then a moment more to see no extra arrives. */
  async function expectExactly(who: Who, kind: string, count: number): Promise<Note[]> {
    await eventually(async () => (await ofKind(who, kind)).length >= count, 30_000, 100);
    const found = await ofKind(who, kind);
    expect(found).toHaveLength(count);
    return found;
  }
  async function quiet(): Promise<void> {
    // Every outbox row published and no notification job waiting: nothing more will arrive.
    await eventually(
      async () =>
        (
          await db.query(
            `SELECT count(*)::int AS n FROM outbox_message WHERE published_at IS NULL AND run_at <= now()`,
          )
        )[0].n === 0,
      30_000,
      100,
    );
    await new Promise((resolve) => setTimeout(resolve, 1500));
  }

  it('a procurement day: each kind reaches the right people, in their language, with only their own price', async () => {
    await system.ok(
      `mutation { updateMyProfile(input: { language: "en" }) { language } }`,
      {},
      { token: token.turi },
    );
    // Stock first: "bidding closes" goes to cooperatives holding what is wanted.
    const lot = async (who: Who) =>
      (
        await system.ok(
          ADD_LOT,
          { input: { commodityCode: 'POTATO', quantity: 400, grade: 'A', source: 'OWN' } },
          { token: token[who] },
        )
      ).addStockLot.id as string;
    const sentulLot = await lot('sentul');
    const turiLot = await lot('turi');

    // Two kitchens post for the same close moment: ONE digest per cooperative.
    const closesAt = secondsFromNow(12);
    const deliveryDate = daysFromNow(3);
    const demands: { id: string; lines: { id: string }[] }[] = [];
    for (const who of ['kitchen', 'otherKitchen'] as const) {
      demands.push(
        (
          await system.ok(
            POST_DEMAND,
            {
              input: {
                deliveryDate,
                biddingClosesAt: closesAt,
                lines: [{ commodityCode: 'POTATO', quantity: 100 }],
              },
            },
            { token: token[who] },
          )
        ).postDemand,
      );
    }
    for (const demand of demands) {
      await system.ok(
        SUBMIT,
        {
          input: {
            demandLineId: demand.lines[0]!.id,
            stockLotId: sentulLot,
            quantity: 100,
            unitPrice: 13_000,
          },
        },
        { token: token.sentul },
      );
      await system.ok(
        SUBMIT,
        {
          input: { demandLineId: demand.lines[0]!.id, stockLotId: turiLot, quantity: 100, unitPrice: 17_000 },
        },
        { token: token.turi },
      );
    }

    const [digest] = await expectExactly('gedog', 'DEMAND_OPENED', 1);
    expect(digest!.title).toMatch(/2 dapur/); // Bahasa Indonesia by default
    await expectExactly('sentul', 'DEMAND_OPENED', 1);
    const [turiDigest] = await expectExactly('turi', 'DEMAND_OPENED', 1);
    expect(turiDigest!.title).toMatch(/2 kitchen/); // English, as Turi chose
    await expectExactly('sentul', 'BIDDING_CLOSING', 1);
    await expectExactly('turi', 'BIDDING_CLOSING', 1);
    expect(await kinds('kitchen')).not.toContain('DEMAND_OPENED');

    // The award: Sentul wins (its own price in the message), Turi does not (and never hears Sentul's price).
    const [won] = await expectExactly('sentul', 'OFFER_AWARDED', 1);
    expect(won!.body).toContain('13.000');
    expect(won!.body).not.toContain('17.000');
    const [lost] = await expectExactly('turi', 'OFFER_NOT_AWARDED', 1);
    expect(lost!.body).not.toMatch(/13[.,]000/);
    expect(lost!.title).toMatch(/not awarded/);
    expect(await ofKind('turi', 'OFFER_AWARDED')).toHaveLength(0);
    for (const kitchen of ['kitchen', 'otherKitchen'] as const)
      await expectExactly(kitchen, 'ORDER_CONFIRMED', 1);
    expect(await ofKind('sentul', 'ORDER_CONFIRMED')).toHaveLength(0);
    expect(await kinds('gedog')).toEqual(['DEMAND_OPENED']); // no stock, no offer: the digest only

    // Delivery and money for the first kitchen.
    const kitchenOf = async (who: Who) =>
      (await db.query(`SELECT organization_id AS id FROM app_user WHERE email = $1`, [LOGINS[who]]))[0]
        .id as string;
    const [firstKitchen, secondKitchen] = [await kitchenOf('kitchen'), await kitchenOf('otherKitchen')];
    const orders: { id: string; kitchen: { id: string }; lines: { id: string }[] }[] = (
      await system.ok(ORDERS, {}, { token: token.sentul })
    ).purchaseOrders.edges.map((e: { node: unknown }) => e.node);
    const order = orders.find((o) => o.kitchen.id === firstKitchen)!;
    const otherOrder = orders.find((o) => o.kitchen.id === secondKitchen)!;
    await system.ok(
      `mutation($id: ID!) { dispatchOrder(id: $id) { status } }`,
      { id: order.id },
      { token: token.sentul },
    );
    const [dispatched] = await expectExactly('kitchen', 'ORDER_DISPATCHED', 1);
    expect(dispatched).toMatchObject({ entityType: 'PurchaseOrder', entityId: order.id });
    await system.ok(
      `mutation($input: ReceiveOrderInput!) { receiveOrder(input: $input) { status } }`,
      {
        input: {
          orderId: order.id,
          lines: [{ orderLineId: order.lines[0]!.id, acceptedQuantity: 100, rejectedQuantity: 0 }],
        },
      },
      { token: token.kitchen },
    );
    await expectExactly('sentul', 'ORDER_RECEIVED', 1);
    const [invoiceNote] = await expectExactly('kitchen', 'INVOICE_ISSUED', 1);
    expect(invoiceNote!.body).toContain('1.300.000');
    await system.ok(
      `mutation($id: ID!, $amount: Rupiah!) { recordPayment(invoiceId: $id, amount: $amount, reference: "TRF-9") { status } }`,
      { id: invoiceNote!.entityId, amount: 1_300_000 },
      { token: token.kitchen },
    );
    await expectExactly('sentul', 'PAYMENT_RECEIVED', 1);

    // Sentul declines the other kitchen's order: that kitchen and the coordinator hear of the
    // decline and the shortfall; Turi's standing offer takes it and Turi hears of its order.
    await system.ok(
      `mutation($id: ID!) { declineOrder(id: $id, reason: "truk rusak") { status } }`,
      { id: otherOrder.id },
      { token: token.sentul },
    );
    await expectExactly('otherKitchen', 'ORDER_DECLINED', 1);
    await expectExactly('otherKitchen', 'SHORTFALL', 1);
    await expectExactly('coordinator', 'ORDER_DECLINED', 1);
    await expectExactly('coordinator', 'SHORTFALL', 1);
    const [reawarded] = await expectExactly('turi', 'ORDER_CONFIRMED', 1);
    expect(reawarded!.title).toMatch(/^Order .* confirmed$/);
    await expectExactly('otherKitchen', 'ORDER_CONFIRMED', 2);

    await quiet();
    // Nobody heard of what is not theirs.
    expect(await ofKind('kitchen', 'ORDER_DECLINED')).toHaveLength(0);
    expect(await ofKind('coordinator', 'ORDER_DISPATCHED')).toHaveLength(0);
    expect(await ofKind('gedog', 'OFFER_NOT_AWARDED')).toHaveLength(0);
    expect(await ofKind('otherKitchen', 'ORDER_DISPATCHED')).toHaveLength(0);
    expect(await ofKind('otherKitchen', 'INVOICE_ISSUED')).toHaveLength(0);

    // Exactly once: every event fanned out again (a retried job) stores and delivers nothing new.
    const count = async () =>
      (
        await db.query(
          `SELECT (SELECT count(*) FROM notification)::int AS n, (SELECT count(*) FROM notification_delivery)::int AS d`,
        )
      )[0];
    const before = await count();
    const events: { event_key: string }[] = await db.query(`SELECT DISTINCT event_key FROM notification`);
    const fanOut = system.worker!.get(NotificationFanOutService);
    for (const { event_key } of events) {
      const dot = event_key.indexOf('.');
      const again = await fanOut.fanOut(event_key.slice(0, dot), event_key.slice(dot + 1));
      expect(again.stored).toBe(0);
    }
    expect(await count()).toEqual(before);
    expect(before.d).toBe(before.n); // one IN_APP delivery per notification (no outside channel configured)
  }, 240_000);

  it('alerts reach the region coordinators; an expiring certificate its holder too', async () => {
    const [gedog] = await db.query(`SELECT organization_id AS id FROM app_user WHERE email = $1`, [
      LOGINS.gedog,
    ]);
    const added = await system.ok(
      `mutation($input: CertificateInput!) { addCertificate(input: $input) { id } }`,
      {
        input: {
          organizationId: gedog.id,
          kind: 'NKV',
          number: 'NKV 3572-0099',
          validUntil: daysFromNow(5),
          commodityCodes: ['CHICKEN'],
        },
      },
      { token: token.gedog },
    );
    await system.worker!.get(CertificatesService).raiseExpiryAlerts(daysFromNow(0));
    const [holder] = await expectExactly('gedog', 'CERTIFICATE_EXPIRING', 1);
    expect(holder!.body).toContain('NKV 3572-0099');
    const alerts = await eventually(async () => {
      const found = (await ofKind('coordinator', 'ALERT')).filter((n) => n.body.includes('NKV 3572-0099'));
      return found.length > 0 ? found : undefined;
    });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]!.body).toMatch(/sertifikat/); // the coordinator reads Bahasa Indonesia
    await quiet();
    expect(await ofKind('sentul', 'CERTIFICATE_EXPIRING')).toHaveLength(0);
    expect(await ofKind('gedog', 'ALERT')).toHaveLength(0);
    expect(added.addCertificate.id).toBeTruthy();
  }, 120_000);

  it('trade shipments: the regency cooperatives hear it is open (live too); a pledger hears its allotment', async () => {
    // The in-app notification is published on the user's live channel right after it is stored.
    const [gedogUser] = await db.query(`SELECT id FROM app_user WHERE email = $1`, [LOGINS.gedog]);
    const subscriber = new Redis(system.config.redisUrl);
    const heard: { kind: string; title: string }[] = [];
    subscriber.on('message', (_channel: string, message: string) => heard.push(JSON.parse(message)));
    await subscriber.subscribe(liveChannels.user(system.config.queuePrefix, gedogUser.id));
    const contract = (
      await system.ok(
        `mutation($input: TradeContractInput!) { createTradeContract(input: $input) { id number shipments { id } } }`,
        {
          input: {
            buyerName: 'PT Sumber Pangan',
            destination: 'Makassar (Sulawesi Selatan)',
            commodityCode: 'RICE_MEDIUM',
            minGrade: 'B',
            unitPrice: 12_345,
            levyRate: 0.015,
            shipments: [
              { quantity: 50, pledgesCloseAt: secondsFromNow(3600), consolidateBy: secondsFromNow(7200) },
            ],
          },
        },
        { token: token.officer },
      )
    ).createTradeContract;
    for (const who of ['sentul', 'turi', 'gedog'] as const)
      await expectExactly(who, 'TRADE_SHIPMENT_OPEN', 1);
    await eventually(async () => heard.some((m) => m.kind === 'TRADE_SHIPMENT_OPEN'));
    subscriber.disconnect();
    expect(await ofKind('kitchen', 'TRADE_SHIPMENT_OPEN')).toHaveLength(0);
    const lot = (
      await system.ok(
        ADD_LOT,
        { input: { commodityCode: 'RICE_MEDIUM', quantity: 80, grade: 'A', source: 'OWN' } },
        { token: token.gedog },
      )
    ).addStockLot.id;
    await system.ok(
      `mutation($input: PledgeInput!) { pledgeStock(input: $input) { id } }`,
      { input: { shipmentId: contract.shipments[0].id, stockLotId: lot, quantity: 60 } },
      { token: token.gedog },
    );
    await system.ok(
      `mutation($id: ID!) { allotShipment(shipmentId: $id) { status } }`,
      { id: contract.shipments[0].id },
      { token: token.officer },
    );
    const [allotted] = await expectExactly('gedog', 'TRADE_ALLOTTED', 1);
    expect(allotted!.body).toMatch(/50/);
    await quiet();
    expect(await ofKind('sentul', 'TRADE_ALLOTTED')).toHaveLength(0);
  }, 120_000);

  it('preferences: defaults, IN_APP always on, bad channels refused', async () => {
    const prefs = (
      await system.ok(`{ notificationPreferences { kind channels } }`, {}, { token: token.turi })
    ).notificationPreferences;
    expect(prefs).toHaveLength(16);
    for (const pref of prefs) expect(pref.channels).toContain('IN_APP');
    const updated = (
      await system.ok(
        `mutation($input: [NotificationPreferenceInput!]!) { updateNotificationPreferences(input: $input) { kind channels } }`,
        {
          input: [
            { kind: 'ORDER_DISPATCHED', channels: ['SMS'] },
            { kind: 'ALERT', channels: [] },
          ],
        },
        { token: token.turi },
      )
    ).updateNotificationPreferences;
    expect(updated.find((p: { kind: string }) => p.kind === 'ORDER_DISPATCHED').channels).toEqual([
      'IN_APP',
      'SMS',
    ]);
    expect(updated.find((p: { kind: string }) => p.kind === 'ALERT').channels).toEqual(['IN_APP']);
    // Someone else's preferences are untouched.
    const sentulPrefs = (
      await system.ok(`{ notificationPreferences { kind channels } }`, {}, { token: token.sentul })
    ).notificationPreferences;
    expect(sentulPrefs.find((p: { kind: string }) => p.kind === 'ORDER_DISPATCHED').channels).toEqual([
      'IN_APP',
      'WHATSAPP',
    ]);
    for (const input of [
      [{ kind: 'ALERT', channels: ['WEBHOOK'] }],
      [
        { kind: 'ALERT', channels: [] },
        { kind: 'ALERT', channels: ['SMS'] },
      ],
    ]) {
      const refused = await system.request(
        `mutation($input: [NotificationPreferenceInput!]!) { updateNotificationPreferences(input: $input) { kind } }`,
        { input },
        { token: token.turi },
      );
      expect(errorCode(refused)).toBe('BAD_USER_INPUT');
    }
    const profile = await system.request(
      `mutation { updateMyProfile(input: { phone: "0812345" }) { phone } }`,
      {},
      { token: token.turi },
    );
    expect(errorCode(profile)).toBe('BAD_USER_INPUT');
    expect(
      (
        await system.ok(
          `mutation { updateMyProfile(input: { phone: "+6281234567890", language: "id" }) { phone language } }`,
          {},
          { token: token.turi },
        )
      ).updateMyProfile,
    ).toEqual({ phone: '+6281234567890', language: 'id' });
    expect(errorCode(await system.request(`{ notificationPreferences { kind } }`))).toBe('UNAUTHENTICATED');
  });

  it("mark-read, another user's notifications unreachable, pagination newest first and bounded", async () => {
    const sentulNotes = await inbox('sentul');
    const turiNotes = await inbox('turi');
    expect(sentulNotes.length).toBeGreaterThan(3);
    const unread = async (who: Who) =>
      (await system.ok(`{ unreadNotificationCount }`, {}, { token: token[who] }))
        .unreadNotificationCount as number;
    const turiUnread = await unread('turi');
    // Turi's ids marked by Sentul: nothing happens to Turi's.
    const markAsSentul = await system.ok(
      `mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) }`,
      { ids: turiNotes.map((n) => n.id) },
      { token: token.sentul },
    );
    expect(markAsSentul.markNotificationsRead).toBe(0);
    expect(await unread('turi')).toBe(turiUnread);
    const before = await unread('sentul');
    expect(
      (
        await system.ok(
          `mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) }`,
          { ids: [sentulNotes[0]!.id] },
          { token: token.sentul },
        )
      ).markNotificationsRead,
    ).toBe(1);
    expect(await unread('sentul')).toBe(before - 1);
    const unreadOnly = await system.ok(INBOX, { unreadOnly: true, first: 200 }, { token: token.sentul });
    expect(unreadOnly.notifications.totalCount).toBe(before - 1);
    expect(
      (await system.ok(`mutation { markNotificationsRead }`, {}, { token: token.sentul }))
        .markNotificationsRead,
    ).toBe(before - 1);
    expect(await unread('sentul')).toBe(0);
    expect(await unread('turi')).toBe(turiUnread);
    expect(
      errorCode(
        await system.request(
          `mutation { markNotificationsRead(ids: ["not-an-id"]) }`,
          {},
          { token: token.sentul },
        ),
      ),
    ).toBe('BAD_USER_INPUT');

    // Pages of one, newest first, no overlap, all of them.
    const seen: string[] = [];
    let after: string | null = null;
    let previous = Infinity;
    for (;;) {
      const page: {
        notifications: { edges: { node: Note }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
      } = await system.ok(INBOX, { first: 1, after }, { token: token.sentul });
      const node = page.notifications.edges[0]!.node;
      expect(new Date(node.createdAt).getTime()).toBeLessThanOrEqual(previous);
      previous = new Date(node.createdAt).getTime();
      seen.push(node.id);
      if (!page.notifications.pageInfo.hasNextPage) break;
      after = page.notifications.pageInfo.endCursor;
    }
    expect(new Set(seen).size).toBe(sentulNotes.length);
    for (const first of [0, 201]) {
      expect(errorCode(await system.request(INBOX, { first }, { token: token.sentul }))).toBe(
        'BAD_USER_INPUT',
      );
    }
    expect(errorCode(await system.request(INBOX, {}))).toBe('UNAUTHENTICATED');
  });
});
