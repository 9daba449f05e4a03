import jwt from 'jsonwebtoken';
import {
  daysFromNow,
  errorCode,
  eventually,
  secondsFromNow,
  TestSystem,
  type GraphQLResult,
} from '../support/test-app.js';

/**
 * Sealed bids and scoping, end to end: the real API and worker on real Postgres and Redis.
 * Every test sets up its own demand, lots and offers; the identities are shared.
 */

const POST_DEMAND = `mutation($input: PostDemandInput!) {
  postDemand(input: $input) { id status lines { id } }
}`;
const ADD_LOT = `mutation($input: StockLotInput!) { addStockLot(input: $input) { id availableQuantity } }`;
const SUBMIT = `mutation($input: OfferInput!) { submitOffer(input: $input) { id status unitPrice quantity } }`;
const WITHDRAW = `mutation($id: ID!) { withdrawOffer(id: $id) { id status } }`;
const CLOSE = `mutation($id: ID!) { closeBidding(demandId: $id) { id status biddingClosesAt } }`;
const CANCEL = `mutation($id: ID!) { cancelDemand(id: $id) { id status } }`;
const ME = `{ me { id role organization { id name } } }`;
/** Every field of a demand that could carry an offer's price. */
const DEMAND_VIEW = `query($id: ID!) {
  demand(id: $id) {
    id status biddingClosesAt
    lines {
      id offerCount awardedQuantity
      evaluations {
        rank total valid awardedQuantity explanation winningUnitPrice
        offer { id unitPrice status cooperative { id } }
      }
      awards { id quantity unitPrice offer { id unitPrice } order { id status cooperative { id } } }
    }
  }
}`;
const MY_OFFERS = `{ myOffers(first: 200) { edges { node { id status unitPrice line { id offerCount } } } } }`;
const OPEN_LINES = `{ openDemandLines(first: 200) { edges { node { id offerCount } } } }`;
const MY_LOTS = `{ myStockLots(first: 200) { totalCount edges { node { id availableQuantity } } } }`;
const ORDERS = `{ purchaseOrders(first: 200) { edges { node { id kitchen { id } cooperative { id } lines { unitPrice } } } } }`;
const FULFILMENT = `query($region: String!, $from: Date!, $to: Date!) {
  fulfilmentReport(regionCode: $region, from: $from, to: $to) { regionCode demandedQuantity }
}`;
const UPDATE_POLICY = `mutation($input: MarketPolicyInput!) {
  updateMarketPolicy(input: $input) { regionCode maxSuppliersPerLine }
}`;
const AUDIT = `query($id: ID!) { auditTrail(entityId: $id) { action before after } }`;
const TRACE = `query($id: ID!) { traceLot(stockLotId: $id) { stockLot { id } deliveries { quantity } } }`;
const REGISTER_ORG = `mutation($input: OrganizationInput!) { registerOrganization(input: $input) { id regionCode } }`;
const CREATE_USER = `mutation($input: UserInput!) { createUser(input: $input) { id role } }`;

/** Price weighs, distance does not: rankings below do not depend on where the cooperatives sit. */
const NO_DISTANCE = { price: 0.5, quality: 0.4, distance: 0, reliability: 0.1 };

interface Node {
  id: string;
}
const ids = (connection: { edges: { node: Node }[] }): string[] =>
  connection.edges.map((edge) => edge.node.id);

/** Every number anywhere in a response: prices are looked for here, not in the text (ids are hex). */
function numbersIn(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.flatMap(numbersIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(numbersIn);
  return [];
}

describe('sealed bids and scoping', () => {
  let system: TestSystem;
  let admin: string;
  let coordinator: string;
  let tradeCenter: string;
  let kitchenA: string;
  let kitchenB: string;
  let coopA: string;
  let coopB: string;
  let coopC: string;
  let coopNever: string;
  // The other market (province-level region 35: Kabupaten Blitar 35.05 is not a seeded region).
  let farKitchen: string;
  let farCoop: string;
  let provinceCoordinator: string;
  // A coordinator of one district of Kota Blitar only: not of the 35.72 market.
  let districtCoordinator: string;
  const org: Record<string, string> = {};

  async function orgOf(token: string): Promise<string> {
    return (await system.ok(ME, {}, { token })).me.organization.id as string;
  }

  async function registerWithUser(
    kind: string,
    regionCode: string,
    role: string,
    email: string,
    location: { latitude: number; longitude: number } | null,
  ): Promise<{ organizationId: string; token: string }> {
    const password = 'rahasia-uji-123';
    const registered = await system.ok(
      REGISTER_ORG,
      { input: { name: `Uji ${kind} ${regionCode}`, kind, regionCode, ...location } },
      { token: admin },
    );
    const organizationId = registered.registerOrganization.id as string;
    expect(registered.registerOrganization.regionCode).toBe(regionCode);
    await system.ok(
      CREATE_USER,
      { input: { email, name: `Pengguna ${kind}`, role, organizationId, password } },
      { token: admin },
    );
    return { organizationId, token: await system.login(email, password) };
  }

  beforeAll(async () => {
    system = await TestSystem.start();
    [admin, coordinator, tradeCenter, kitchenA, kitchenB, coopA, coopB, coopC, coopNever] = await Promise.all(
      [
        system.login('admin@pasargizi.test'),
        system.login('koordinator@pasargizi.test'),
        system.login('btc@pasargizi.test'),
        system.login('sppg.kepanjenkidul@pasargizi.test'),
        system.login('sppg.bendo@pasargizi.test'),
        system.login('kkmp.kepanjenkidul@pasargizi.test'),
        system.login('kkmp.ngadirejo@pasargizi.test'),
        system.login('kkmp.kauman@pasargizi.test'),
        system.login('kkmp.tanggung@pasargizi.test'),
      ],
    );
    for (const [name, token] of Object.entries({ kitchenA, kitchenB, coopA, coopB, coopC, coopNever })) {
      org[name] = await orgOf(token);
    }
    const far = { latitude: -8.1325, longitude: 112.219 };
    const kitchen35 = await registerWithUser('KITCHEN', '35', 'KITCHEN_MANAGER', 'sppg.luar@uji.test', far);
    const coop35 = await registerWithUser(
      'COOPERATIVE',
      '35',
      'COOPERATIVE_OPERATOR',
      'kkmp.luar@uji.test',
      far,
    );
    const office35 = await registerWithUser(
      'CITY_OFFICE',
      '35',
      'CITY_COORDINATOR',
      'koord.prov@uji.test',
      far,
    );
    const district = await registerWithUser(
      'CITY_OFFICE',
      '35.72.03',
      'CITY_COORDINATOR',
      'koord.sananwetan@uji.test',
      null,
    );
    farKitchen = kitchen35.token;
    farCoop = coop35.token;
    provinceCoordinator = office35.token;
    districtCoordinator = district.token;
    org.farKitchen = kitchen35.organizationId;
    org.farCoop = coop35.organizationId;
  });
  afterAll(async () => system.stop());

  // ------------------------------------------------------------------ helpers

  async function postDemand(
    token: string,
    options: {
      commodityCode?: string;
      quantity?: number;
      maxUnitPrice?: number;
      closesInSeconds?: number;
      deliveryInDays?: number;
    } = {},
  ): Promise<{ id: string; lineId: string }> {
    const data = await system.ok(
      POST_DEMAND,
      {
        input: {
          deliveryDate: daysFromNow(options.deliveryInDays ?? 5),
          biddingClosesAt: secondsFromNow(options.closesInSeconds ?? 3600),
          weights: NO_DISTANCE,
          lines: [
            {
              commodityCode: options.commodityCode ?? 'RICE_MEDIUM',
              quantity: options.quantity ?? 100,
              maxUnitPrice: options.maxUnitPrice ?? 14000,
            },
          ],
        },
      },
      { token },
    );
    expect(data.postDemand.status).toBe('OPEN');
    return { id: data.postDemand.id, lineId: data.postDemand.lines[0].id };
  }

  async function addLot(token: string, quantity = 150, grade = 'A', commodityCode = 'RICE_MEDIUM') {
    const data = await system.ok(
      ADD_LOT,
      { input: { commodityCode, quantity, grade, source: 'OWN' } },
      { token },
    );
    return data.addStockLot.id as string;
  }

  async function offer(token: string, lineId: string, stockLotId: string, unitPrice: number, quantity = 100) {
    const data = await system.ok(
      SUBMIT,
      { input: { demandLineId: lineId, stockLotId, quantity, unitPrice } },
      { token },
    );
    expect(data.submitOffer).toMatchObject({ status: 'SUBMITTED', unitPrice, quantity });
    return data.submitOffer.id as string;
  }

  async function view(id: string, token: string) {
    return (await system.ok(DEMAND_VIEW, { id }, { token })).demand;
  }

  /** Waits for the worker to evaluate the demand and returns it as the kitchen sees it. */
  async function settled(id: string, token: string) {
    return eventually(async () => {
      const demand = await view(id, token);
      return ['OPEN', 'EVALUATING'].includes(demand.status) ? undefined : demand;
    });
  }

  async function myOffer(token: string, offerId: string) {
    const data = await system.ok(MY_OFFERS, {}, { token });
    return data.myOffers.edges
      .map((edge: { node: unknown }) => edge.node)
      .find((n: Node) => n.id === offerId);
  }

  // ------------------------------------------------------------------ 1. sealed prices

  it('keeps prices sealed before evaluation and shows each side only what it may see after', async () => {
    const demand = await postDemand(kitchenA);
    const offerA = await offer(coopA, demand.lineId, await addLot(coopA, 150, 'A'), 13000);
    const offerB = await offer(coopB, demand.lineId, await addLot(coopB, 150, 'B'), 13500);
    // The cheapest offer is of the lowest grade and will lose: its price must never reach a rival.
    const offerC = await offer(coopC, demand.lineId, await addLot(coopC, 150, 'C'), 12000);

    // --- while bidding is OPEN
    for (const token of [kitchenA, coordinator]) {
      const during = await view(demand.id, token);
      expect(during.status).toBe('OPEN');
      expect(during.lines[0].offerCount).toBe(3);
      expect(during.lines[0].evaluations).toEqual([]);
      expect(during.lines[0].awards).toEqual([]);
    }
    // A cooperative that offered sees the demand, its own count and nothing of the others.
    const duringB = await view(demand.id, coopB);
    expect(duringB.lines[0]).toMatchObject({ offerCount: 1, evaluations: [], awards: [] });
    // A cooperative of the market that did not offer sees the open demand, count 0.
    const duringNever = await view(demand.id, coopNever);
    expect(duringNever.lines[0]).toMatchObject({ offerCount: 0, evaluations: [], awards: [] });
    const openForNever = await system.ok(OPEN_LINES, {}, { token: coopNever });
    const lineForNever = openForNever.openDemandLines.edges.find(
      (edge: { node: Node }) => edge.node.id === demand.lineId,
    );
    expect(lineForNever.node.offerCount).toBe(0);
    const openForB = await system.ok(OPEN_LINES, {}, { token: coopB });
    expect(
      openForB.openDemandLines.edges.find((edge: { node: Node }) => edge.node.id === demand.lineId).node
        .offerCount,
    ).toBe(1);

    // myOffers is one's own: B never sees A's or C's offer; A sees its own price.
    const offersOfB = await system.ok(MY_OFFERS, {}, { token: coopB });
    expect(ids(offersOfB.myOffers)).toContain(offerB);
    expect(ids(offersOfB.myOffers)).not.toContain(offerA);
    expect(ids(offersOfB.myOffers)).not.toContain(offerC);
    expect(numbersIn(offersOfB)).not.toContain(13000);
    expect(numbersIn(offersOfB)).not.toContain(12000);
    expect(await myOffer(coopA, offerA)).toMatchObject({
      status: 'SUBMITTED',
      unitPrice: 13000,
      line: { id: demand.lineId, offerCount: 1 },
    });
    // The audit trail of an offer shows the coordinator that it was made, never at what price.
    const trail = (await system.ok(AUDIT, { id: offerA }, { token: coordinator })).auditTrail;
    expect(trail.map((entry: { action: string }) => entry.action)).toEqual(['offer.submitted']);
    for (const entry of trail as { before: string | null; after: string | null }[]) {
      for (const text of [entry.before, entry.after]) {
        if (text === null) continue;
        expect(text).not.toMatch(/price/i);
        expect(numbersIn(JSON.parse(text))).not.toContain(13000);
      }
    }
    for (const token of [kitchenA, coopB, coopA]) {
      expect(errorCode(await system.request(AUDIT, { id: offerA }, { token }))).toBe('FORBIDDEN');
    }

    // --- evaluation
    await system.ok(CLOSE, { id: demand.id }, { token: kitchenA });
    const done = await settled(demand.id, kitchenA);
    expect(done.status).toBe('AWARDED');

    // The kitchen and the coordinator see every evaluation with its price, best first.
    for (const token of [kitchenA, coordinator]) {
      const after = await view(demand.id, token);
      const line = after.lines[0];
      expect(line.offerCount).toBe(3);
      expect(
        line.evaluations.map((e: { rank: number; offer: { id: string; unitPrice: number } }) => [
          e.rank,
          e.offer.id,
          e.offer.unitPrice,
        ]),
      ).toEqual([
        [1, offerA, 13000],
        [2, offerB, 13500],
        [3, offerC, 12000],
      ]);
      expect(line.evaluations[0].total).toBeCloseTo(0.5 * (12000 / 13000) + 0.4 + 0.1 * 0.9, 3);
      expect(line.evaluations[0].winningUnitPrice).toBe(13000);
      expect(line.awards).toHaveLength(1);
      expect(line.awards[0]).toMatchObject({
        quantity: 100,
        unitPrice: 13000,
        offer: { id: offerA, unitPrice: 13000 },
        order: { status: 'CONFIRMED', cooperative: { id: org.coopA } },
      });
    }

    // A losing cooperative sees its own evaluation and the winning price, nothing of the others.
    const seenByB = await system.request(DEMAND_VIEW, { id: demand.id }, { token: coopB });
    expect(seenByB.errors).toBeUndefined();
    const lineB = seenByB.data!.demand.lines[0];
    expect(lineB.offerCount).toBe(1);
    expect(lineB.awards).toEqual([]);
    expect(lineB.evaluations).toHaveLength(1);
    expect(lineB.evaluations[0]).toMatchObject({
      rank: 2,
      valid: true,
      awardedQuantity: 0,
      winningUnitPrice: 13000,
      offer: { id: offerB, unitPrice: 13500, status: 'NOT_AWARDED', cooperative: { id: org.coopB } },
    });
    // No total for a cooperative: with its own scores it would give away the lowest price (issue 7).
    expect(lineB.evaluations[0].total).toBeNull();
    expect(lineB.evaluations[0].explanation).toMatch(/^Not awarded: .*ranked 2 of 3/);
    const textB = JSON.stringify(seenByB);
    expect(textB).not.toContain(offerA);
    expect(textB).not.toContain(offerC);
    expect(numbersIn(seenByB)).not.toContain(12000);
    expect(numbersIn(seenByB)).not.toContain(13000 * 100);

    // The cheapest loser likewise: its own rank 3 and the winning price only.
    const seenByC = await system.request(DEMAND_VIEW, { id: demand.id }, { token: coopC });
    expect(seenByC.errors).toBeUndefined();
    expect(seenByC.data!.demand.lines[0].evaluations).toEqual([
      expect.objectContaining({
        rank: 3,
        winningUnitPrice: 13000,
        offer: expect.objectContaining({ id: offerC }),
      }),
    ]);
    expect(JSON.stringify(seenByC)).not.toContain(offerB);
    expect(numbersIn(seenByC)).not.toContain(13500);

    // The winner sees its own evaluation and award, not the losers'.
    const seenByA = await view(demand.id, coopA);
    expect(seenByA.lines[0].evaluations.map((e: { offer: Node }) => e.offer.id)).toEqual([offerA]);
    expect(seenByA.lines[0].awards.map((a: { offer: Node }) => a.offer.id)).toEqual([offerA]);
    expect(numbersIn(seenByA)).not.toContain(13500);
    expect(numbersIn(seenByA)).not.toContain(12000);

    // Offer outcomes, as each cooperative sees them in myOffers.
    expect(await myOffer(coopA, offerA)).toMatchObject({ status: 'AWARDED', unitPrice: 13000 });
    expect(await myOffer(coopB, offerB)).toMatchObject({ status: 'NOT_AWARDED', unitPrice: 13500 });

    // A cooperative that never offered cannot reach the demand once bidding is over.
    expect(errorCode(await system.request(DEMAND_VIEW, { id: demand.id }, { token: coopNever }))).toBe(
      'NOT_FOUND',
    );
  });

  // ------------------------------------------------------------------ 2. roles

  it('refuses every role the mutations it may not call, and the signed-out everything', async () => {
    const demand = await postDemand(kitchenA);
    const lotA = await addLot(coopA);
    const offerA = await offer(coopA, demand.lineId, lotA, 13200);
    const demandInput = {
      input: {
        deliveryDate: daysFromNow(5),
        biddingClosesAt: secondsFromNow(3600),
        lines: [{ commodityCode: 'EGG', quantity: 10 }],
      },
    };
    const expectCode = async (
      code: string,
      query: string,
      variables: Record<string, unknown>,
      token?: string,
    ) => {
      const result = await system.request(query, variables, { token: token ?? null });
      expect({ query: query.slice(0, 40), code: errorCode(result) }).toEqual({
        query: query.slice(0, 40),
        code,
      });
      expect(result.data ?? null).toBeNull();
      return result;
    };

    // postDemand is for kitchens only.
    for (const token of [coopA, coordinator, tradeCenter])
      await expectCode('FORBIDDEN', POST_DEMAND, demandInput, token);

    // A kitchen neither holds stock nor offers.
    await expectCode(
      'FORBIDDEN',
      ADD_LOT,
      { input: { commodityCode: 'RICE_MEDIUM', quantity: 10, grade: 'A', source: 'OWN' } },
      kitchenA,
    );
    await expectCode(
      'FORBIDDEN',
      SUBMIT,
      { input: { demandLineId: demand.lineId, stockLotId: lotA, quantity: 10, unitPrice: 1 } },
      kitchenA,
    );
    await expectCode('FORBIDDEN', WITHDRAW, { id: offerA }, kitchenA);
    expect(await myOffer(coopA, offerA)).toMatchObject({ status: 'SUBMITTED', unitPrice: 13200 });

    // Each role's own lists are refused to the others.
    for (const token of [kitchenA, coordinator, tradeCenter]) {
      await expectCode('FORBIDDEN', MY_OFFERS, {}, token);
      await expectCode('FORBIDDEN', OPEN_LINES, {}, token);
      await expectCode('FORBIDDEN', MY_LOTS, {}, token);
    }
    for (const token of [coopA, coordinator, tradeCenter]) {
      await expectCode('FORBIDDEN', `{ myDemands { totalCount } }`, {}, token);
    }

    // Identity administration is for the admin (and coordinators in their region).
    for (const token of [kitchenA, coopA]) {
      await expectCode(
        'FORBIDDEN',
        REGISTER_ORG,
        { input: { name: 'Dapur Liar', kind: 'KITCHEN', regionCode: '35.72' } },
        token,
      );
      await expectCode(
        'FORBIDDEN',
        CREATE_USER,
        {
          input: {
            email: `penyusup.${Date.now()}@uji.test`,
            name: 'Penyusup',
            role: 'KITCHEN_MANAGER',
            organizationId: org.kitchenA,
            password: 'rahasia-uji-123',
          },
        },
        token,
      );
    }
    // A coordinator administers only inside its own region.
    await expectCode(
      'FORBIDDEN',
      REGISTER_ORG,
      { input: { name: 'Dapur Provinsi', kind: 'KITCHEN', regionCode: '35' } },
      coordinator,
    );
    await expectCode(
      'FORBIDDEN',
      CREATE_USER,
      {
        input: {
          email: `penyusup.luar@uji.test`,
          name: 'Penyusup',
          role: 'KITCHEN_MANAGER',
          organizationId: org.farKitchen,
          password: 'rahasia-uji-123',
        },
      },
      coordinator,
    );
    await expectCode(
      'FORBIDDEN',
      REGISTER_ORG,
      { input: { name: 'Dapur Kota', kind: 'KITCHEN', regionCode: '35.72.01.1001' } },
      districtCoordinator,
    );
    await expectCode(
      'BAD_USER_INPUT',
      REGISTER_ORG,
      { input: { name: 'Dapur Antah', kind: 'KITCHEN', regionCode: '99.99' } },
      admin,
    );

    // Market policy: only a coordinator of that market.
    const policyOf = (regionCode: string) => ({ input: { regionCode, maxSuppliersPerLine: 3 } });
    await expectCode('FORBIDDEN', UPDATE_POLICY, policyOf('35.72'), kitchenA);
    await expectCode('FORBIDDEN', UPDATE_POLICY, policyOf('35.72'), coopA);
    await expectCode('FORBIDDEN', UPDATE_POLICY, policyOf('35'), coordinator);
    await expectCode('FORBIDDEN', UPDATE_POLICY, policyOf('35.72'), districtCoordinator);
    // Who asks is checked before what is asked: a kitchen naming an unknown region is still FORBIDDEN.
    await expectCode('FORBIDDEN', UPDATE_POLICY, policyOf('99.99'), kitchenA);
    await expectCode('BAD_USER_INPUT', UPDATE_POLICY, policyOf('99.99'), admin);
    const updated = await system.ok(UPDATE_POLICY, policyOf('35.72'), { token: coordinator });
    expect(updated.updateMarketPolicy).toEqual({ regionCode: '35.72', maxSuppliersPerLine: 3 });

    // Another kitchen cannot close or cancel this demand; a coordinator of a district only cannot either.
    for (const token of [kitchenB, farKitchen, districtCoordinator]) {
      await expectCode('NOT_FOUND', CLOSE, { id: demand.id }, token);
      await expectCode('NOT_FOUND', CANCEL, { id: demand.id }, token);
    }
    for (const token of [coopA, tradeCenter]) {
      await expectCode('FORBIDDEN', CLOSE, { id: demand.id }, token);
      await expectCode('FORBIDDEN', CANCEL, { id: demand.id }, token);
    }
    expect((await view(demand.id, kitchenA)).status).toBe('OPEN');

    // Signed out, or with a token that is not ours, or expired: UNAUTHENTICATED everywhere.
    const secret = system.config.jwtSecret;
    const me = (await system.ok(ME, {}, { token: kitchenA })).me;
    const claims = { role: 'ADMIN', org: null, kind: null, region: null };
    const forged = jwt.sign(claims, 'not-our-secret-not-our-secret-not-our-secret', {
      algorithm: 'HS256',
      subject: me.id,
      issuer: 'pasar-gizi',
    });
    const expired = jwt.sign(
      { role: 'KITCHEN_MANAGER', org: org.kitchenA, kind: 'KITCHEN', region: '35.72.01.1001' },
      secret,
      { algorithm: 'HS256', subject: me.id, issuer: 'pasar-gizi', expiresIn: -60 },
    );
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ sub: me.id, role: 'ADMIN', iss: 'pasar-gizi' }),
    ).toString('base64url')}.`;
    const today = daysFromNow(0);
    for (const token of [undefined, 'garbage', 'Bearer.x.y', forged, expired, unsigned]) {
      await expectCode('UNAUTHENTICATED', ME, {}, token);
      await expectCode('UNAUTHENTICATED', POST_DEMAND, demandInput, token);
      await expectCode('UNAUTHENTICATED', MY_LOTS, {}, token);
      await expectCode('UNAUTHENTICATED', ORDERS, {}, token);
      await expectCode('UNAUTHENTICATED', FULFILMENT, { region: '35.72', from: today, to: today }, token);
    }
    // Signed out, every other door is closed too, before any input is looked at.
    for (const [query, variables] of [
      [DEMAND_VIEW, { id: demand.id }],
      [MY_OFFERS, {}],
      [OPEN_LINES, {}],
      [`{ myDemands { totalCount } }`, {}],
      [`{ organizations { totalCount } }`, {}],
      [`{ marketPolicy(regionCode: "35.72") { regionCode } }`, {}],
      [SUBMIT, { input: { demandLineId: demand.lineId, stockLotId: lotA, quantity: 1, unitPrice: 1 } }],
      [ADD_LOT, { input: { commodityCode: 'RICE_MEDIUM', quantity: 1, grade: 'A', source: 'OWN' } }],
      [WITHDRAW, { id: offerA }],
      [CLOSE, { id: demand.id }],
      [CANCEL, { id: demand.id }],
      [UPDATE_POLICY, policyOf('35.72')],
      [UPDATE_POLICY, policyOf('99.99')],
      [REGISTER_ORG, { input: { name: 'Dapur Liar', kind: 'KITCHEN', regionCode: '99.99' } }],
      [
        CREATE_USER,
        {
          input: {
            email: 'anonim@uji.test',
            name: 'Anonim',
            role: 'ADMIN',
            organizationId: org.kitchenA,
            password: 'rahasia-uji-123',
          },
        },
      ],
    ] as const) {
      await expectCode('UNAUTHENTICATED', query, variables);
    }
    expect(await myOffer(coopA, offerA)).toMatchObject({ status: 'SUBMITTED' });
    expect((await view(demand.id, kitchenA)).status).toBe('OPEN');

    // The fulfilment report is for coordinators of that region.
    const report = (region: string) => ({ region, from: today, to: today });
    await expectCode('FORBIDDEN', FULFILMENT, report('35'), coordinator);
    await expectCode('FORBIDDEN', FULFILMENT, report('35.72'), districtCoordinator);
    await expectCode('FORBIDDEN', FULFILMENT, report('35.72'), kitchenA);
    await expectCode('FORBIDDEN', FULFILMENT, report('35.72'), coopA);
    const ok = await system.ok(FULFILMENT, report('35.72'), { token: coordinator });
    expect(ok.fulfilmentReport.regionCode).toBe('35.72');
  });

  // ------------------------------------------------------------------ 3. one organisation, another's data

  it("never lets one organisation read or change another's demand, offers, lots or orders", async () => {
    const demandA = await postDemand(kitchenA, { commodityCode: 'TOFU', quantity: 50, maxUnitPrice: 15000 });
    const demandB = await postDemand(kitchenB, { commodityCode: 'TOFU', quantity: 40, maxUnitPrice: 15000 });
    const farDemand = await postDemand(farKitchen, {
      commodityCode: 'TOFU',
      quantity: 30,
      maxUnitPrice: 15000,
    });
    const lotA = await addLot(coopA, 60, 'A', 'TOFU');
    const lotB = await addLot(coopB, 60, 'A', 'TOFU');
    const farLot = await addLot(farCoop, 60, 'A', 'TOFU');
    const offerA = await offer(coopA, demandA.lineId, lotA, 12000, 50);
    const offerB = await offer(coopB, demandB.lineId, lotB, 12500, 40);

    // Kitchens see only their own demand.
    expect(errorCode(await system.request(DEMAND_VIEW, { id: demandA.id }, { token: kitchenB }))).toBe(
      'NOT_FOUND',
    );
    expect(errorCode(await system.request(DEMAND_VIEW, { id: demandB.id }, { token: kitchenA }))).toBe(
      'NOT_FOUND',
    );
    const demandsOfB = await system.ok(
      `{ myDemands(first: 200) { edges { node { id } } } }`,
      {},
      { token: kitchenB },
    );
    expect(ids(demandsOfB.myDemands)).toContain(demandB.id);
    expect(ids(demandsOfB.myDemands)).not.toContain(demandA.id);

    // Cooperative B can neither withdraw A's offer nor offer from A's lot.
    expect(errorCode(await system.request(WITHDRAW, { id: offerA }, { token: coopB }))).toBe('NOT_FOUND');
    expect(await myOffer(coopA, offerA)).toMatchObject({ status: 'SUBMITTED' });
    const fromLotA = await system.request(
      SUBMIT,
      { input: { demandLineId: demandA.lineId, stockLotId: lotA, quantity: 10, unitPrice: 11000 } },
      { token: coopB },
    );
    expect(errorCode(fromLotA)).toBe('NOT_FOUND');
    expect((await view(demandA.id, kitchenA)).lines[0].offerCount).toBe(1);

    // myStockLots is one's own.
    const lotsOfB = await system.ok(MY_LOTS, {}, { token: coopB });
    expect(ids(lotsOfB.myStockLots)).toContain(lotB);
    expect(ids(lotsOfB.myStockLots)).not.toContain(lotA);
    expect(ids(lotsOfB.myStockLots)).not.toContain(farLot);
    const lotsOfA = await system.ok(MY_LOTS, {}, { token: coopA });
    expect(ids(lotsOfA.myStockLots)).not.toContain(lotB);

    // A cooperative of another market neither sees nor reaches a Kota Blitar line, and vice versa.
    const farOpen = await system.ok(OPEN_LINES, {}, { token: farCoop });
    expect(ids(farOpen.openDemandLines)).toContain(farDemand.lineId);
    expect(ids(farOpen.openDemandLines)).not.toContain(demandA.lineId);
    expect(ids(farOpen.openDemandLines)).not.toContain(demandB.lineId);
    const farOffer = await system.request(
      SUBMIT,
      { input: { demandLineId: demandA.lineId, stockLotId: farLot, quantity: 10, unitPrice: 11000 } },
      { token: farCoop },
    );
    expect(errorCode(farOffer)).toBe('NOT_FOUND');
    expect(errorCode(await system.request(DEMAND_VIEW, { id: demandA.id }, { token: farCoop }))).toBe(
      'NOT_FOUND',
    );
    expect(errorCode(await system.request(DEMAND_VIEW, { id: demandA.id }, { token: farKitchen }))).toBe(
      'NOT_FOUND',
    );
    const blitarOpen = await system.ok(OPEN_LINES, {}, { token: coopA });
    expect(ids(blitarOpen.openDemandLines)).not.toContain(farDemand.lineId);
    const intoFar = await system.request(
      SUBMIT,
      { input: { demandLineId: farDemand.lineId, stockLotId: lotA, quantity: 5, unitPrice: 11000 } },
      { token: coopA },
    );
    expect(errorCode(intoFar)).toBe('NOT_FOUND');
    // The Kota Blitar coordinator does not coordinate the other market; the province's does.
    expect(errorCode(await system.request(DEMAND_VIEW, { id: farDemand.id }, { token: coordinator }))).toBe(
      'NOT_FOUND',
    );
    expect((await view(farDemand.id, provinceCoordinator)).id).toBe(farDemand.id);
    const farOfferId = await offer(farCoop, farDemand.lineId, farLot, 11800, 30);
    // Lots are traced by their cooperative and the coordinators of its market only.
    expect((await system.ok(TRACE, { id: lotA }, { token: coopA })).traceLot.stockLot.id).toBe(lotA);
    expect((await system.ok(TRACE, { id: lotA }, { token: coordinator })).traceLot.stockLot.id).toBe(lotA);
    for (const token of [coopB, farCoop, kitchenA, kitchenB]) {
      expect(errorCode(await system.request(TRACE, { id: lotA }, { token }))).toBe('NOT_FOUND');
    }
    expect(errorCode(await system.request(TRACE, { id: farLot }, { token: coordinator }))).toBe('NOT_FOUND');
    // The audit trail of another market is not the Kota Blitar coordinator's to read.
    expect(errorCode(await system.request(AUDIT, { id: farOfferId }, { token: coordinator }))).toBe(
      'FORBIDDEN',
    );
    expect(errorCode(await system.request(AUDIT, { id: offerA }, { token: farKitchen }))).toBe('FORBIDDEN');

    // Orders: evaluate all three and check who lists which.
    for (const [demand, token] of [
      [demandA, kitchenA],
      [demandB, kitchenB],
      [farDemand, farKitchen],
    ] as const) {
      await system.ok(CLOSE, { id: demand.id }, { token });
    }
    const orderOf = async (demandId: string, token: string) => {
      const done = await settled(demandId, token);
      expect(done.status).toBe('AWARDED');
      return done.lines[0].awards[0].order.id as string;
    };
    const orderA = await orderOf(demandA.id, kitchenA);
    const orderB = await orderOf(demandB.id, kitchenB);
    const farOrder = await orderOf(farDemand.id, farKitchen);
    expect((await myOffer(farCoop, farOfferId)).status).toBe('AWARDED');
    expect((await myOffer(coopB, offerB)).status).toBe('AWARDED');

    const listed = async (token: string) => ids((await system.ok(ORDERS, {}, { token })).purchaseOrders);
    const expectOrders = async (token: string, visible: string[], hidden: string[]) => {
      const seen = await listed(token);
      for (const id of visible) expect(seen).toContain(id);
      for (const id of hidden) expect(seen).not.toContain(id);
    };
    await expectOrders(kitchenA, [orderA], [orderB, farOrder]);
    await expectOrders(kitchenB, [orderB], [orderA, farOrder]);
    await expectOrders(coopA, [orderA], [orderB, farOrder]);
    await expectOrders(coopB, [orderB], [orderA, farOrder]);
    await expectOrders(farKitchen, [farOrder], [orderA, orderB]);
    await expectOrders(farCoop, [farOrder], [orderA, orderB]);
    await expectOrders(coordinator, [orderA, orderB], [farOrder]);
    await expectOrders(provinceCoordinator, [orderA, orderB, farOrder], []);
    await expectOrders(coopNever, [], [orderA, orderB, farOrder]);
    await expectOrders(tradeCenter, [], [orderA, orderB, farOrder]);
    // Every order a kitchen lists is its own, with every line (the price it pays) on it.
    const kitchenOrders = (await system.ok(ORDERS, {}, { token: kitchenA })).purchaseOrders.edges;
    for (const edge of kitchenOrders) expect(edge.node.kitchen.id).toBe(org.kitchenA);
    const coopOrders = (await system.ok(ORDERS, {}, { token: coopB })).purchaseOrders.edges;
    for (const edge of coopOrders) expect(edge.node.cooperative.id).toBe(org.coopB);
    // The reserved lots are still each cooperative's own.
    const lotsAfter = await system.ok(MY_LOTS, {}, { token: coopA });
    expect(
      lotsAfter.myStockLots.edges.find((edge: { node: Node }) => edge.node.id === lotA).node
        .availableQuantity,
    ).toBe(10);
    expect(ids(lotsAfter.myStockLots)).not.toContain(lotB);
  });

  // ------------------------------------------------------------------ 4. illegal transitions

  it('refuses illegal transitions with CONFLICT and lets an offer be withdrawn and made again', async () => {
    const demand = await postDemand(kitchenA, { commodityCode: 'EGG', quantity: 80, maxUnitPrice: 32000 });
    const lot = await addLot(coopA, 100, 'A', 'EGG');
    const spare = await addLot(coopB, 100, 'A', 'EGG');
    const first = await offer(coopA, demand.lineId, lot, 29000, 80);

    // The same lot twice on one line while the first offer stands.
    const twice = await system.request(
      SUBMIT,
      { input: { demandLineId: demand.lineId, stockLotId: lot, quantity: 50, unitPrice: 28000 } },
      { token: coopA },
    );
    expect(errorCode(twice)).toBe('CONFLICT');
    expect((await view(demand.id, kitchenA)).lines[0].offerCount).toBe(1);

    // Withdraw, then offer the same lot again: allowed.
    expect((await system.ok(WITHDRAW, { id: first }, { token: coopA })).withdrawOffer).toEqual({
      id: first,
      status: 'WITHDRAWN',
    });
    expect(errorCode(await system.request(WITHDRAW, { id: first }, { token: coopA }))).toBe('CONFLICT');
    expect((await view(demand.id, kitchenA)).lines[0].offerCount).toBe(0);
    const again = await offer(coopA, demand.lineId, lot, 28500, 80);
    expect(again).not.toBe(first);
    expect((await view(demand.id, kitchenA)).lines[0].offerCount).toBe(1);
    const stale = await offer(coopB, demand.lineId, spare, 31000, 80);

    // Close; a second close, a cancel, a withdrawal and a new offer are all too late.
    const closed = await system.ok(CLOSE, { id: demand.id }, { token: kitchenA });
    expect(closed.closeBidding.status).not.toBe('OPEN');
    expect(Date.parse(closed.closeBidding.biddingClosesAt)).toBeLessThanOrEqual(Date.now());
    expect(errorCode(await system.request(CLOSE, { id: demand.id }, { token: kitchenA }))).toBe('CONFLICT');
    expect(errorCode(await system.request(CLOSE, { id: demand.id }, { token: coordinator }))).toBe(
      'CONFLICT',
    );
    expect(errorCode(await system.request(CANCEL, { id: demand.id }, { token: kitchenA }))).toBe('CONFLICT');
    expect(errorCode(await system.request(WITHDRAW, { id: stale }, { token: coopB }))).toBe('CONFLICT');
    const late = await system.request(
      SUBMIT,
      {
        input: {
          demandLineId: demand.lineId,
          stockLotId: await addLot(coopC, 100, 'A', 'EGG'),
          quantity: 80,
          unitPrice: 20000,
        },
      },
      { token: coopC },
    );
    expect(errorCode(late)).toBe('CONFLICT');

    // Once awarded, nothing the kitchen or cooperatives do moves it. (Only the coordinator may
    // withdraw an awarded demand: see after-the-award.e2e-spec.ts.)
    const done = await settled(demand.id, kitchenA);
    expect(done.status).toBe('AWARDED');
    expect(done.lines[0].awards.map((award: { offer: Node }) => award.offer.id)).toEqual([again]);
    expect(done.lines[0].evaluations).toHaveLength(2);
    for (const [query, variables, token] of [
      [CANCEL, { id: demand.id }, kitchenA],
      [CLOSE, { id: demand.id }, kitchenA],
      [CLOSE, { id: demand.id }, coordinator],
      [WITHDRAW, { id: again }, coopA],
      [WITHDRAW, { id: stale }, coopB],
    ] as const) {
      const result: GraphQLResult = await system.request(query, variables, { token });
      expect(errorCode(result)).toBe('CONFLICT');
    }
    const final = await view(demand.id, kitchenA);
    expect(final.status).toBe('AWARDED');
    expect(final.lines[0].awardedQuantity).toBe(80);
    expect(await myOffer(coopA, again)).toMatchObject({ status: 'AWARDED' });
    expect(await myOffer(coopB, stale)).toMatchObject({ status: 'NOT_AWARDED' });
  });

  // ------------------------------------------------------------------ 5. closing early, cancelling

  it('lets a coordinator close bidding early, and the worker evaluates', async () => {
    const demand = await postDemand(kitchenB, { commodityCode: 'CARROT', quantity: 30, maxUnitPrice: 20000 });
    const offered = await offer(coopC, demand.lineId, await addLot(coopC, 40, 'A', 'CARROT'), 9000, 30);
    const before = Date.now();
    const closed = await system.ok(CLOSE, { id: demand.id }, { token: coordinator });
    expect(closed.closeBidding.status).not.toBe('OPEN');
    // Closed now, not at the posted time an hour away.
    expect(Date.parse(closed.closeBidding.biddingClosesAt)).toBeLessThanOrEqual(Date.now());
    expect(Date.parse(closed.closeBidding.biddingClosesAt)).toBeGreaterThanOrEqual(before - 1000);
    const done = await settled(demand.id, kitchenB);
    expect(done.status).toBe('AWARDED');
    expect(done.lines[0].evaluations).toEqual([
      expect.objectContaining({
        rank: 1,
        awardedQuantity: 30,
        offer: expect.objectContaining({ id: offered }),
      }),
    ]);
    expect(done.lines[0].awards[0]).toMatchObject({
      quantity: 30,
      unitPrice: 9000,
      order: { status: 'CONFIRMED' },
    });
    // The line is no longer open for offers.
    expect(ids((await system.ok(OPEN_LINES, {}, { token: coopA })).openDemandLines)).not.toContain(
      demand.lineId,
    );
  });

  it('lets a kitchen cancel an open demand: its offers become NOT_AWARDED and the worker leaves it alone', async () => {
    // Bidding would close in 5 s: the close job fires after the cancel and must change nothing.
    const closesAt = Date.now() + 5000;
    const demand = await postDemand(kitchenA, {
      commodityCode: 'CABBAGE',
      quantity: 20,
      maxUnitPrice: 15000,
      closesInSeconds: 5,
    });
    const lotA = await addLot(coopA, 25, 'A', 'CABBAGE');
    const lotB = await addLot(coopB, 25, 'B', 'CABBAGE');
    const offerA = await offer(coopA, demand.lineId, lotA, 8000, 20);
    const offerB = await offer(coopB, demand.lineId, lotB, 7500, 20);
    const withdrawn = await offer(coopC, demand.lineId, await addLot(coopC, 25, 'A', 'CABBAGE'), 9000, 20);
    await system.ok(WITHDRAW, { id: withdrawn }, { token: coopC });

    const cancelled = await system.ok(CANCEL, { id: demand.id }, { token: kitchenA });
    expect(cancelled.cancelDemand).toEqual({ id: demand.id, status: 'CANCELLED' });
    expect(await myOffer(coopA, offerA)).toMatchObject({ status: 'NOT_AWARDED', unitPrice: 8000 });
    expect(await myOffer(coopB, offerB)).toMatchObject({ status: 'NOT_AWARDED', unitPrice: 7500 });
    expect(await myOffer(coopC, withdrawn)).toMatchObject({ status: 'WITHDRAWN' });
    expect(errorCode(await system.request(CANCEL, { id: demand.id }, { token: kitchenA }))).toBe('CONFLICT');
    expect(errorCode(await system.request(CLOSE, { id: demand.id }, { token: kitchenA }))).toBe('CONFLICT');
    expect(errorCode(await system.request(WITHDRAW, { id: offerA }, { token: coopA }))).toBe('CONFLICT');
    const late = await system.request(
      SUBMIT,
      { input: { demandLineId: demand.lineId, stockLotId: lotA, quantity: 5, unitPrice: 8000 } },
      { token: coopA },
    );
    expect(errorCode(late)).toBe('CONFLICT');

    // Past the posted close time: still cancelled, nothing evaluated, no order, no stock reserved.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, closesAt + 2000 - Date.now())));
    const after = await view(demand.id, kitchenA);
    expect(after.status).toBe('CANCELLED');
    expect(after.lines[0]).toMatchObject({ awardedQuantity: 0, evaluations: [], awards: [] });
    const lots = await system.ok(MY_LOTS, {}, { token: coopA });
    expect(
      lots.myStockLots.edges.find((edge: { node: Node }) => edge.node.id === lotA).node.availableQuantity,
    ).toBe(25);
    // A cooperative that offered on the cancelled demand still reaches it, sees no prices of others.
    const seenByB = await system.request(DEMAND_VIEW, { id: demand.id }, { token: coopB });
    expect(seenByB.data!.demand.status).toBe('CANCELLED');
    expect(JSON.stringify(seenByB)).not.toContain(offerA);
    expect(numbersIn(seenByB)).not.toContain(8000);
    // One that did not offer no longer does.
    expect(errorCode(await system.request(DEMAND_VIEW, { id: demand.id }, { token: coopNever }))).toBe(
      'NOT_FOUND',
    );
  });
});
