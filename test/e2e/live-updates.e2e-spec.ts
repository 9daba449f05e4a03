import { Redis } from 'ioredis';
import jwt from 'jsonwebtoken';
import { freePort, startChildApp, type ChildApp } from '../support/child-app.js';
import {
  connectRaw,
  liveClient,
  subscribe,
  subscriberCount,
  untilSubscribed,
} from '../support/live-client.js';
import { daysFromNow, secondsFromNow, TestSystem } from '../support/test-app.js';
import { TEST_DEMO_PASSWORD } from '../support/test-database.js';
import { liveChannels } from '../../libs/live/src/live-channels.js';
import { LivePublisher } from '../../libs/live/src/live-publisher.js';

const MARKET_ACTIVITY = `subscription($regionCode: String!) { marketActivity(regionCode: $regionCode) {
  at kind regionCode entityType entityId summary } }`;
const NOTIFICATION_ADDED = `subscription { notificationAdded { id kind title body entityType entityId createdAt readAt } }`;
const POST_DEMAND = `mutation($input: PostDemandInput!) { postDemand(input: $input) { id lines { id } } }`;
const ADD_LOT = `mutation($input: StockLotInput!) { addStockLot(input: $input) { id } }`;
const SUBMIT = `mutation($input: OfferInput!) { submitOffer(input: $input) { id } }`;
const CLOSE = `mutation($id: ID!) { closeBidding(demandId: $id) { id status } }`;
const ORDERS = `{ purchaseOrders(status: CONFIRMED, first: 50) { edges { node { id status } } } }`;
const DISPATCH = `mutation($id: ID!) { dispatchOrder(id: $id) { id status } }`;

interface MarketEvent {
  marketActivity: {
    at: string;
    kind: string;
    regionCode: string;
    entityType: string;
    entityId: string;
    summary: string;
  };
}

describe('live updates over graphql-ws', () => {
  let system: TestSystem;
  let redis: Redis;
  const tokens: Record<string, string> = {};
  const clients: { dispose(): void | Promise<void> }[] = [];

  beforeAll(async () => {
    system = await TestSystem.start();
    redis = new Redis(system.config.redisUrl);
    const logins = {
      kitchen: 'sppg.sentul@pasargizi.test',
      otherKitchen: 'sppg.bendo@pasargizi.test',
      cooperative: 'kkmp.sentul@pasargizi.test',
      coordinator: 'koordinator@pasargizi.test',
      admin: 'admin@pasargizi.test',
    };
    for (const [name, email] of Object.entries(logins)) tokens[name] = await system.login(email);
  }, 240_000);
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    redis.disconnect();
    await system.stop();
  });

  function clientFor(url: string, token: string, extra: Record<string, unknown> = {}) {
    const client = liveClient(url, { authorization: `Bearer ${token}`, ...extra });
    clients.push(client);
    return client;
  }

  async function postDemand(closesInSeconds = 120): Promise<{ id: string; lineId: string }> {
    const data = await system.ok(
      POST_DEMAND,
      {
        input: {
          deliveryDate: daysFromNow(3),
          biddingClosesAt: secondsFromNow(closesInSeconds),
          lines: [{ commodityCode: 'POTATO', quantity: 50 }],
        },
      },
      { token: tokens.kitchen },
    );
    return { id: data.postDemand.id, lineId: data.postDemand.lines[0].id };
  }

  const marketChannel = () => liveChannels.market(system.config.queuePrefix, '35.72');

  it('a coordinator hears a demand posted, bidding closed, the award and an order dispatched, in its language', async () => {
    const indonesian = subscribe<MarketEvent>(
      clientFor(system.url, tokens.coordinator, { language: 'id' }),
      MARKET_ACTIVITY,
      {
        regionCode: '35.72',
      },
    );
    const english = subscribe<MarketEvent>(clientFor(system.url, tokens.admin), MARKET_ACTIVITY, {
      regionCode: '35.72',
    });
    await untilSubscribed(redis, marketChannel());

    const demand = await postDemand();
    const posted = await indonesian.next(
      (e) => e.marketActivity.kind === 'DEMAND_POSTED' && e.marketActivity.entityId === demand.id,
    );
    expect(posted.marketActivity).toMatchObject({ regionCode: '35.72', entityType: 'DemandRequest' });
    expect(posted.marketActivity.summary).toMatch(/^Permintaan dipasang/);
    const postedInEnglish = await english.next((e) => e.marketActivity.entityId === demand.id);
    expect(postedInEnglish.marketActivity.summary).toMatch(/^Demand posted/);

    const lot = (
      await system.ok(
        ADD_LOT,
        { input: { commodityCode: 'POTATO', quantity: 80, grade: 'A', source: 'OWN' } },
        { token: tokens.cooperative },
      )
    ).addStockLot.id;
    await system.ok(
      SUBMIT,
      { input: { demandLineId: demand.lineId, stockLotId: lot, quantity: 50, unitPrice: 9000 } },
      { token: tokens.cooperative },
    );
    await system.ok(CLOSE, { id: demand.id }, { token: tokens.kitchen });
    await indonesian.next((e) => e.marketActivity.kind === 'BIDDING_CLOSED');
    const awarded = await indonesian.next((e) => e.marketActivity.kind === 'AWARDED', 60_000);
    expect(awarded.marketActivity.entityType).toBe('MarketBatch');

    const orders = await system.ok(ORDERS, {}, { token: tokens.cooperative });
    // A fresh database: the award above made the cooperative's only order.
    expect(orders.purchaseOrders.edges).toHaveLength(1);
    const order = orders.purchaseOrders.edges[0].node;
    const orderEvent = (summary: RegExp) =>
      english.next(
        (e) =>
          e.marketActivity.kind === 'ORDER_STATUS' &&
          e.marketActivity.entityId === order.id &&
          summary.test(e.marketActivity.summary),
      );
    await orderEvent(/confirmed$/);

    // An alert: suspending the cooperative flags its confirmed order for the coordinators.
    const cooperativeId = (
      await system.ok(`{ me { organization { id } } }`, {}, { token: tokens.cooperative })
    ).me.organization.id;
    await system.ok(
      `mutation($id: ID!) { suspendCooperative(id: $id, reason: "late twice") { id } }`,
      { id: cooperativeId },
      { token: tokens.coordinator },
    );
    const alert = await indonesian.next((e) => e.marketActivity.kind === 'ALERT');
    expect(alert.marketActivity).toMatchObject({ entityType: 'Alert', regionCode: '35.72' });
    expect(alert.marketActivity.summary).toMatch(/koperasi yang ditangguhkan/);
    await system.ok(
      `mutation($id: ID!) { reinstateCooperative(id: $id) { id } }`,
      { id: cooperativeId },
      {
        token: tokens.coordinator,
      },
    );

    await system.ok(DISPATCH, { id: order.id }, { token: tokens.cooperative });
    await orderEvent(/dispatched$/);
    // The coordinator withdraws the demand after the award: its undelivered order is cancelled.
    await system.ok(
      `mutation($id: ID!) { cancelDemand(id: $id) { id } }`,
      { id: demand.id },
      {
        token: tokens.coordinator,
      },
    );
    await orderEvent(/cancelled$/);
    expect(indonesian.errors).toEqual([]);
    indonesian.stop();
    english.stop();
  }, 180_000);

  it('refuses the market of another region, other roles and bad input as GraphQL errors', async () => {
    const codeOf = async (token: string, query: string, variables: Record<string, unknown>) => {
      const subscription = subscribe(clientFor(system.url, token), query, variables);
      await subscription.ended;
      return (
        (subscription.errors[0] as { extensions?: { code?: string }; message?: string } | undefined) ?? null
      );
    };
    expect((await codeOf(tokens.kitchen, MARKET_ACTIVITY, { regionCode: '35.72' }))?.extensions?.code).toBe(
      'FORBIDDEN',
    );
    expect(
      (await codeOf(tokens.cooperative, MARKET_ACTIVITY, { regionCode: '35.72' }))?.extensions?.code,
    ).toBe('FORBIDDEN');
    const otherRegion = await codeOf(tokens.coordinator, MARKET_ACTIVITY, { regionCode: '35.05' });
    expect(otherRegion?.extensions?.code).toBe('FORBIDDEN');
    expect(otherRegion?.message).toMatch(/not 35\.05/);
    expect(
      (await codeOf(tokens.coordinator, MARKET_ACTIVITY, { regionCode: 'x'.repeat(500) }))?.extensions?.code,
    ).toBe('BAD_USER_INPUT');
    // Queries and mutations go over HTTP, where idempotency and the suspension rule hold.
    expect((await codeOf(tokens.coordinator, `{ me { id } }`, {}))?.extensions?.code).toBe('BAD_USER_INPUT');
    // The HTTP parse limit holds: a document of more than 5,000 tokens.
    const huge = `subscription { notificationAdded { ${'id '.repeat(6000)} } }`;
    expect((await codeOf(tokens.coordinator, huge, {}))?.extensions?.code).toBe('BAD_USER_INPUT');
    expect((await codeOf(tokens.coordinator, `subscription { nope }`, {}))?.extensions?.code).toBe(
      'GRAPHQL_VALIDATION_FAILED',
    );
  }, 120_000);

  it('refuses a connection without a valid token, with the reason; and a foreign Origin', async () => {
    const none = await connectRaw(system.url, {});
    expect(none).toMatchObject({ acknowledged: false, code: 4401 });
    expect(none.reason).toMatch(/Bearer/);
    const garbage = await connectRaw(system.url, { authorization: 'Bearer not-a-token' });
    expect(garbage).toMatchObject({ acknowledged: false, code: 4401 });
    expect(garbage.reason).toMatch(/expired, revoked or its user deactivated/);

    // An expired token of ours (same user, same version, signed with the deployment's secret).
    const claims = jwt.decode(tokens.kitchen) as { sub: string; ver: number };
    const expired = jwt.sign(
      { ver: claims.ver, exp: Math.floor(Date.now() / 1000) - 60 },
      system.config.jwtSecret,
      {
        algorithm: 'HS256',
        subject: claims.sub,
        issuer: 'pasar-gizi',
      },
    );
    expect(await connectRaw(system.url, { authorization: `Bearer ${expired}` })).toMatchObject({
      acknowledged: false,
      code: 4401,
    });
    // A revoked token: the user changed password, so the version moved on.
    const before = await system.login('sppg.kepanjenkidul@pasargizi.test');
    await system.ok(
      `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { accessToken } }`,
      { input: { currentPassword: TEST_DEMO_PASSWORD, newPassword: 'a-new-password-for-2026' } },
      { token: before },
    );
    expect(await connectRaw(system.url, { authorization: `Bearer ${before}` })).toMatchObject({
      acknowledged: false,
      code: 4401,
    });

    const good = await connectRaw(system.url, { authorization: `Bearer ${tokens.kitchen}` });
    expect(good.acknowledged).toBe(true);
    good.socket.close();
    const foreign = await connectRaw(
      system.url,
      { authorization: `Bearer ${tokens.kitchen}` },
      { origin: 'https://evil.example' },
    );
    expect(foreign).toMatchObject({ acknowledged: false, code: 403 });
  }, 60_000);

  it('notificationAdded delivers each user only their own notifications', async () => {
    const me = async (token: string) => (await system.ok(`{ me { id } }`, {}, { token })).me.id as string;
    const kitchenId = await me(tokens.kitchen);
    const otherId = await me(tokens.otherKitchen);
    const mine = subscribe<{
      notificationAdded: { id: string; title: string; kind: string; createdAt: string };
    }>(clientFor(system.url, tokens.kitchen), NOTIFICATION_ADDED);
    const theirs = subscribe<{ notificationAdded: { id: string } }>(
      clientFor(system.url, tokens.otherKitchen),
      NOTIFICATION_ADDED,
    );
    await untilSubscribed(redis, liveChannels.user(system.config.queuePrefix, kitchenId));
    await untilSubscribed(redis, liveChannels.user(system.config.queuePrefix, otherId));

    // The notify pipeline (worker) publishes after storing; here the test publishes as it does.
    const publisher = new LivePublisher(redis, system.config.queuePrefix);
    const createdAt = new Date().toISOString();
    await publisher.publishNotification(kitchenId, {
      id: '7f1b1c4e-0000-4000-8000-000000000001',
      kind: 'ORDER_DISPATCHED',
      title: 'Pesanan dikirim',
      body: 'PO-3572 sedang dalam perjalanan',
      entityType: 'PurchaseOrder',
      entityId: '7f1b1c4e-0000-4000-8000-000000000002',
      createdAt,
      readAt: null,
    });
    const received = await mine.next(() => true);
    expect(received.notificationAdded).toMatchObject({
      kind: 'ORDER_DISPATCHED',
      title: 'Pesanan dikirim',
      createdAt,
    });
    // A marker for the other user proves their subscription is live and heard nothing before it.
    await publisher.publishNotification(otherId, {
      id: '7f1b1c4e-0000-4000-8000-000000000003',
      kind: 'ALERT',
      title: 'marker',
      body: 'marker',
      entityType: null,
      entityId: null,
      createdAt,
      readAt: null,
    });
    await theirs.next(() => true);
    expect(theirs.received.map((n) => n.notificationAdded.id)).toEqual([
      '7f1b1c4e-0000-4000-8000-000000000003',
    ]);
    expect(mine.received).toHaveLength(1);
    mine.stop();
    theirs.stop();
  }, 60_000);

  describe('two API processes on one database and Redis', () => {
    let replica: ChildApp;
    let replicaUrl: string;

    beforeAll(async () => {
      const port = await freePort();
      replica = await startChildApp('api', {
        DATABASE_URL: system.config.databaseUrl,
        REDIS_URL: system.config.redisUrl,
        QUEUE_PREFIX: system.config.queuePrefix,
        PORT: String(port),
      });
      replicaUrl = `http://127.0.0.1:${port}/graphql`;
    }, 300_000);
    afterAll(async () => replica?.kill());

    it('an event caused through one replica reaches a subscriber on the other; the replica stops cleanly with it connected', async () => {
      // Subscribe on B (the child process) and wait until B's own Redis subscription is up.
      const before = await subscriberCount(redis, marketChannel());
      const onB = subscribe<MarketEvent>(clientFor(replicaUrl, tokens.coordinator), MARKET_ACTIVITY, {
        regionCode: '35.72',
      });
      await untilSubscribed(redis, marketChannel(), before + 1);

      const demand = await postDemand(); // through A, this process
      const heard = await onB.next(
        (e) => e.marketActivity.kind === 'DEMAND_POSTED' && e.marketActivity.entityId === demand.id,
      );
      expect(heard.marketActivity.regionCode).toBe('35.72');

      // SIGTERM with a live socket: B closes it and exits 0 within the shutdown bound.
      const stopped = await replica.terminate();
      expect(stopped.code).toBe(0);
      expect(stopped.ms).toBeLessThan(10_000);
      await onB.ended;
    }, 120_000);
  });
});
