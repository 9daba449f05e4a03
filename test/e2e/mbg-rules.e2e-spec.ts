import { getQueueToken } from '@nestjs/bullmq';
import type { Queue } from 'bullmq';
import { CertificatesService } from '../../libs/catalog/src/certificates.service.js';
import { COMPLIANCE_QUEUE, CERTIFICATE_CHECK_SCHEDULER_ID } from '../../libs/jobs/src/job-types.js';
import {
  daysFromNow,
  errorCode,
  eventually,
  secondsFromNow,
  TestSystem,
  type GraphQLResult,
} from '../support/test-app.js';

/**
 * MBG's own rules over the public API (issue 9): certificates judged on the producer and the
 * delivery date, the legal ceiling price (HET), reference prices set and imported from a CSV,
 * the 15-supplier rule, cost per portion and local share per funding cycle, and demand posted
 * from a template or repeated. Each test uses its own kitchens and cooperatives.
 */

const COORDINATOR = 'koordinator@pasargizi.test';
const kitchen = (ward: string) => `sppg.${ward}@pasargizi.test`;
const cooperative = (ward: string) => `kkmp.${ward}@pasargizi.test`;
const PASSWORD = 'Uji-Sertifikat-2026!';

/** The seeded Kota Blitar rules (libs/database/src/seed/seed-mbg-rules.ts). */
const SEEDED_RULES = [
  { commodityCode: 'BEEF', kind: 'HALAL' },
  { commodityCode: 'BEEF', kind: 'NKV' },
  { commodityCode: 'CHICKEN', kind: 'HALAL' },
  { commodityCode: 'CHICKEN', kind: 'NKV' },
  { commodityCode: 'MILK_UHT', kind: 'BPOM_MD' },
  { commodityCode: 'TEMPEH', kind: 'PIRT' },
  { commodityCode: 'TOFU', kind: 'PIRT' },
];

const POST_DEMAND = `mutation($input: PostDemandInput!) {
  postDemand(input: $input) { id status deliveryDate lines { id quantity maxUnitPrice minGrade commodity { code } } } }`;
const ADD_LOT = `mutation($input: StockLotInput!) { addStockLot(input: $input) { id } }`;
const SUBMIT = `mutation($input: OfferInput!) { submitOffer(input: $input) { id status } }`;
const CLOSE = `mutation($id: ID!) { closeBidding(demandId: $id) { status } }`;
const DEMAND = `query($id: ID!) { demand(id: $id) { id status lines { id evaluations {
  valid invalidReason explanation awardedQuantity offer { id } } } } }`;
const ADD_CERTIFICATE = `mutation($input: CertificateInput!) {
  addCertificate(input: $input) { id kind number validUntil commodityCodes organization { id name } } }`;
const POLICY = `mutation($input: MarketPolicyInput!) { updateMarketPolicy(input: $input) {
  minSuppliersPerKitchen budgetPerPortion diversityTolerance requiredCertificates { kind commodity { code } } } }`;
const ORDERS = `{ purchaseOrders(first: 200) { edges { node { id status deliveryDate cooperative { id }
  lines { id quantity commodity { code } } } } } }`;
const DISPATCH = `mutation($id: ID!) { dispatchOrder(id: $id) { status } }`;
const RECEIVE = `mutation($input: ReceiveOrderInput!) { receiveOrder(input: $input) { id status } }`;
const COMPLIANCE = `query($region: String!, $from: Date!, $to: Date!) {
  kitchenCompliance(regionCode: $region, from: $from, to: $to) {
    kitchen { id name } from to distinctSuppliers meetsSupplierRule minSuppliersPerKitchen localShare portions spend
    costPerPortion budgetPerPortion spendAboveReference hasValidSlhs } }`;
const RECORD_PORTIONS = `mutation($date: Date!, $portions: Int!) {
  recordPortions(date: $date, portions: $portions) { date portions kitchen { id } } }`;
const REFERENCE_PRICES = `query($region: String!) { referencePrices(regionCode: $region) {
  kind unitPrice validFrom source commodity { code } } }`;
const SET_PRICE = `mutation($input: ReferencePriceInput!) { setReferencePrice(input: $input) {
  kind unitPrice validFrom source regionCode commodity { code } } }`;
const IMPORT = `mutation($csv: String!) { importReferencePrices(csv: $csv) { imported errors { line message } } }`;
const ORGANIZATIONS = `query($kind: OrganizationKind) { organizations(kind: $kind, first: 200) { edges { node { id name } } } }`;

type Variables = Record<string, unknown>;

interface Evaluation {
  valid: boolean;
  invalidReason: string | null;
  explanation: string;
  awardedQuantity: number;
  offer: { id: string };
}

class Day {
  private readonly tokens = new Map<string, Promise<string>>();
  constructor(readonly system: TestSystem) {}

  token(email: string, password?: string): Promise<string> {
    let token = this.tokens.get(email);
    if (!token) {
      token = this.system.login(email, password);
      this.tokens.set(email, token);
    }
    return token;
  }

  async ok<T = Record<string, any>>(email: string, query: string, variables: Variables = {}): Promise<T> {
    return this.system.ok<T>(query, variables, { token: await this.token(email) });
  }

  async request(email: string, query: string, variables: Variables = {}): Promise<GraphQLResult> {
    return this.system.request(query, variables, { token: await this.token(email) });
  }

  async postDemand(email: string, deliveryDate: string, lines: Variables[]) {
    return (
      await this.ok(email, POST_DEMAND, {
        input: { deliveryDate, biddingClosesAt: secondsFromNow(600), lines },
      })
    ).postDemand as { id: string; lines: { id: string; commodity: { code: string } }[] };
  }

  async lot(email: string, input: Variables): Promise<string> {
    return (await this.ok(email, ADD_LOT, { input: { grade: 'A', source: 'OWN', ...input } })).addStockLot.id;
  }

  offer(email: string, demandLineId: string, stockLotId: string, quantity: number, unitPrice: number) {
    return this.request(email, SUBMIT, { input: { demandLineId, stockLotId, quantity, unitPrice } });
  }

  async offerOk(
    email: string,
    demandLineId: string,
    stockLotId: string,
    quantity: number,
    unitPrice: number,
  ) {
    const result = await this.offer(email, demandLineId, stockLotId, quantity, unitPrice);
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data!.submitOffer.id as string;
  }

  /** Closes bidding as the owner kitchen; waits until the worker has evaluated the demand. */
  async close(
    kitchenEmail: string,
    demandId: string,
  ): Promise<{ status: string; evaluations: Evaluation[] }> {
    await this.ok(kitchenEmail, CLOSE, { id: demandId });
    return eventually(async () => {
      const demand = (await this.ok(kitchenEmail, DEMAND, { id: demandId })).demand;
      if (demand.status === 'EVALUATING') return undefined;
      return {
        status: demand.status as string,
        evaluations: demand.lines.flatMap((l: { evaluations: Evaluation[] }) => l.evaluations),
      };
    });
  }

  async organizationId(kind: string, name: RegExp): Promise<string> {
    const data = await this.ok(COORDINATOR, ORGANIZATIONS, { kind });
    return data.organizations.edges.find((e: { node: { name: string } }) => name.test(e.node.name))!.node.id;
  }

  /** A new organisation (with an operator) that holds no certificate at all. */
  async newOrganization(
    name: string,
    kind: string,
    role: string | null,
  ): Promise<{ id: string; email: string }> {
    const org = await this.ok(
      COORDINATOR,
      `mutation($input: OrganizationInput!) { registerOrganization(input: $input) { id } }`,
      { input: { name, kind, regionCode: '35.72.02.1003', latitude: -8.09, longitude: 112.17 } },
    );
    const id = org.registerOrganization.id as string;
    const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}@pasargizi.test`;
    if (role) {
      await this.ok(COORDINATOR, `mutation($input: UserInput!) { createUser(input: $input) { id } }`, {
        input: { email, name, role, organizationId: id, password: PASSWORD },
      });
      await this.token(email, PASSWORD);
    }
    return { id, email };
  }

  async policy(input: Variables) {
    return (await this.ok(COORDINATOR, POLICY, { input: { regionCode: '35.72', ...input } }))
      .updateMarketPolicy;
  }

  /** Dispatches and receives every confirmed order of the cooperative for the kitchen. */
  async deliver(
    kitchenEmail: string,
    cooperativeEmail: string,
    deliveryDate: string,
    rejected: Record<string, number> = {},
  ) {
    const orders = (await this.ok(cooperativeEmail, ORDERS)).purchaseOrders.edges
      .map((e: { node: any }) => e.node)
      .filter(
        (o: { status: string; deliveryDate: string }) =>
          o.status === 'CONFIRMED' && o.deliveryDate === deliveryDate,
      );
    expect(orders.length).toBeGreaterThan(0);
    for (const order of orders) {
      await this.ok(cooperativeEmail, DISPATCH, { id: order.id });
      const lines = order.lines.map((l: { id: string; quantity: number; commodity: { code: string } }) => {
        const bad = rejected[l.commodity.code] ?? 0;
        return {
          orderLineId: l.id,
          acceptedQuantity: l.quantity - bad,
          rejectedQuantity: bad,
          ...(bad > 0 ? { rejectionReason: 'Retak / cracked' } : {}),
        };
      });
      await this.ok(kitchenEmail, RECEIVE, { input: { orderId: order.id, lines } });
    }
  }
}

function refused(result: GraphQLResult, code: string, ...fragments: (string | RegExp)[]): void {
  expect(errorCode(result)).toBe(code);
  const message = result.errors![0]!.message;
  for (const fragment of fragments) expect(message).toMatch(fragment);
}

describe('MBG rules: certificates, price caps, kitchen budgets, templates', () => {
  let system: TestSystem;
  let day: Day;

  beforeAll(async () => {
    system = await TestSystem.start();
    day = new Day(system);
  });
  afterAll(async () => system?.stop());

  it('judges chicken by NKV and HALAL on the delivery date: INVALID without, valid once added, INVALID after expiry', async () => {
    const k = kitchen('kepanjenkidul');
    const coop = await day.newOrganization('KKMP Uji Ayam', 'COOPERATIVE', 'COOPERATIVE_OPERATOR');
    const chicken = [{ commodityCode: 'CHICKEN', quantity: 40, maxUnitPrice: 45000 }];
    const early = await day.postDemand(k, daysFromNow(5), chicken);
    const late = await day.postDemand(k, daysFromNow(20), chicken);
    const lot = await day.lot(coop.email, { commodityCode: 'CHICKEN', quantity: 200 });

    // Offers made while the market asked nothing for chicken; then the coordinator brings the rule back.
    const withoutChicken = SEEDED_RULES.filter((r) => r.commodityCode !== 'CHICKEN');
    await day.policy({ requiredCertificates: withoutChicken });
    const earlyOffer = await day.offerOk(coop.email, early.lines[0]!.id, lot, 40, 38000);
    const lateOffer = await day.offerOk(coop.email, late.lines[0]!.id, lot, 40, 38000);
    const restored = await day.policy({ requiredCertificates: SEEDED_RULES });
    expect(restored.requiredCertificates).toHaveLength(SEEDED_RULES.length);

    // 1. Evaluated without certificates: INVALID, and the explanation names what is missing.
    const first = await day.close(k, early.id);
    expect(first.status).toBe('UNFILLED');
    const [invalid] = first.evaluations.filter((e) => e.offer.id === earlyOffer);
    expect(invalid).toMatchObject({ valid: false, invalidReason: 'MISSING_CERTIFICATE', awardedQuantity: 0 });
    expect(invalid!.explanation).toContain('KKMP Uji Ayam has no valid HALAL, NKV certificate for CHICKEN');

    // 2. Known at offer time: refused, naming what is missing, then what is still missing.
    const next = await day.postDemand(k, daysFromNow(6), chicken);
    refused(
      await day.offer(coop.email, next.lines[0]!.id, lot, 40, 38000),
      'BAD_USER_INPUT',
      /HALAL, NKV/,
      /KKMP Uji Ayam/,
    );
    const validUntil = daysFromNow(10);
    const nkv = await day.ok(coop.email, ADD_CERTIFICATE, {
      input: {
        organizationId: coop.id,
        kind: 'NKV',
        number: 'NKV 3572-0001',
        validUntil,
        commodityCodes: ['CHICKEN'],
      },
    });
    expect(nkv.addCertificate).toMatchObject({
      kind: 'NKV',
      validUntil,
      commodityCodes: ['CHICKEN'],
      organization: { id: coop.id },
    });
    refused(
      await day.offer(coop.email, next.lines[0]!.id, lot, 40, 38000),
      'BAD_USER_INPUT',
      /no valid HALAL certificate/,
    );
    await day.ok(coop.email, ADD_CERTIFICATE, {
      input: { organizationId: coop.id, kind: 'HALAL', number: 'ID35110000123450925', validUntil },
    });

    // 3. Valid once both are held: offered, evaluated valid, awarded.
    const validOffer = await day.offerOk(coop.email, next.lines[0]!.id, lot, 40, 38000);
    const second = await day.close(k, next.id);
    expect(second.status).toBe('AWARDED');
    expect(second.evaluations.find((e) => e.offer.id === validOffer)).toMatchObject({
      valid: true,
      awardedQuantity: 40,
    });

    // 4. Delivered after both expire: the earlier offer is INVALID, a new one is refused.
    const third = await day.close(k, late.id);
    expect(third.status).toBe('UNFILLED');
    const expired = third.evaluations.find((e) => e.offer.id === lateOffer)!;
    expect(expired).toMatchObject({ valid: false, invalidReason: 'MISSING_CERTIFICATE' });
    expect(expired.explanation).toContain(
      `HALAL, NKV certificate for CHICKEN on the delivery date ${daysFromNow(20)}`,
    );
    const after = await day.postDemand(k, daysFromNow(21), chicken);
    refused(await day.offer(coop.email, after.lines[0]!.id, lot, 40, 38000), 'BAD_USER_INPUT', /HALAL, NKV/);

    // The lot shows its producer's certificates; a duplicate number is a conflict.
    const lots = await day.ok(
      coop.email,
      `{ myStockLots(commodityCode: "CHICKEN") { edges { node { id certificates { kind number } } } } }`,
    );
    expect(lots.myStockLots.edges[0].node.certificates.map((c: { kind: string }) => c.kind).sort()).toEqual([
      'HALAL',
      'NKV',
    ]);
    refused(
      await day.request(coop.email, ADD_CERTIFICATE, {
        input: { organizationId: coop.id, kind: 'NKV', number: 'NKV 3572-0001', validUntil },
      }),
      'CONFLICT',
    );
  });

  it('judges consigned tempeh by the consignor’s PIRT, not the cooperative’s', async () => {
    const k = kitchen('sentul');
    const coop = cooperative('sentul'); // seeded with its own PIRT for tofu and tempeh
    const umkm = await day.newOrganization('UMKM Tempe Uji', 'CONSIGNOR', null);
    const demand = await day.postDemand(k, daysFromNow(4), [{ commodityCode: 'TEMPEH', quantity: 30 }]);
    const line = demand.lines[0]!.id;
    const consigned = await day.lot(coop, {
      commodityCode: 'TEMPEH',
      quantity: 50,
      source: 'CONSIGNMENT',
      consignorId: umkm.id,
      unitCost: 12000,
    });
    refused(await day.offer(coop, line, consigned, 30, 16000), 'BAD_USER_INPUT', /UMKM Tempe Uji/, /PIRT/);
    const own = await day.lot(coop, { commodityCode: 'TEMPEH', quantity: 50 });
    const ownOffer = await day.offerOk(coop, line, own, 10, 16500);

    // The kitchen may not record the consignor's certificate, nor another cooperative's; its cooperative may.
    const pirt = {
      organizationId: umkm.id,
      kind: 'PIRT',
      number: 'P-IRT 2063572010123-30',
      validUntil: daysFromNow(365),
    };
    refused(await day.request(k, ADD_CERTIFICATE, { input: pirt }), 'FORBIDDEN');
    const turiId = await day.organizationId('COOPERATIVE', /Turi/);
    refused(
      await day.request(coop, ADD_CERTIFICATE, { input: { ...pirt, organizationId: turiId } }),
      'FORBIDDEN',
    );
    refused(
      await day.request(coop, ADD_CERTIFICATE, { input: { ...pirt, validUntil: '2026-02-30' } }),
      'BAD_USER_INPUT',
    );
    refused(
      await day.request(coop, ADD_CERTIFICATE, { input: { ...pirt, commodityCodes: ['NOPE'] } }),
      'BAD_USER_INPUT',
    );
    refused(await system.request(ADD_CERTIFICATE, { input: pirt }), 'UNAUTHENTICATED');
    await day.ok(coop, ADD_CERTIFICATE, { input: pirt });
    const consignedOffer = await day.offerOk(coop, line, consigned, 20, 16000);

    const result = await day.close(k, demand.id);
    expect(result.status).toBe('AWARDED');
    expect(
      result.evaluations
        .filter((e) => e.valid)
        .map((e) => e.offer.id)
        .sort(),
    ).toEqual([ownOffer, consignedOffer].sort());
    // Who sees whose certificates.
    const seen = await day.ok(coop, `query($id: ID) { certificates(organizationId: $id) { kind } }`, {
      id: umkm.id,
    });
    expect(seen.certificates).toEqual([{ kind: 'PIRT' }]);
    refused(
      await day.request(k, `query($id: ID) { certificates(organizationId: $id) { kind } }`, { id: umkm.id }),
      'FORBIDDEN',
    );
    const all = await day.ok(COORDINATOR, `{ certificates { kind organization { id } } }`);
    expect(
      all.certificates.some((c: { organization: { id: string } }) => c.organization.id === umkm.id),
    ).toBe(true);
  });

  it('makes an offer above HET invalid even under the kitchen’s ceiling', async () => {
    const k = kitchen('bendo');
    const coop = cooperative('bendo');
    const demand = await day.postDemand(k, daysFromNow(3), [
      { commodityCode: 'RICE_MEDIUM', quantity: 100, maxUnitPrice: 15000 },
      { commodityCode: 'SUGAR', quantity: 20, maxUnitPrice: 20000 },
    ]);
    const line = (code: string) => demand.lines.find((l) => l.commodity.code === code)!.id;
    const rice = await day.lot(coop, { commodityCode: 'RICE_MEDIUM', quantity: 150 });
    const sugar = await day.lot(coop, { commodityCode: 'SUGAR', quantity: 30 });

    // Seeded HET of medium rice: Rp13.500. Known at offer time.
    refused(
      await day.offer(coop, line('RICE_MEDIUM'), rice, 100, 14000),
      'BAD_USER_INPUT',
      /HET/,
      /Rp14\.000 > Rp13\.500/,
    );
    const riceOffer = await day.offerOk(coop, line('RICE_MEDIUM'), rice, 100, 13500);
    // Sugar has only a reference price (HAP); an HET set after the offer makes it INVALID at evaluation.
    const sugarOffer = await day.offerOk(coop, line('SUGAR'), sugar, 20, 19000);
    const het = await day.ok(COORDINATOR, SET_PRICE, {
      input: {
        commodityCode: 'SUGAR',
        regionCode: '35.72',
        kind: 'HET',
        unitPrice: 18000,
        validFrom: daysFromNow(0),
        source: 'Perbadan uji',
      },
    });
    expect(het.setReferencePrice).toMatchObject({
      kind: 'HET',
      unitPrice: 18000,
      commodity: { code: 'SUGAR' },
    });

    const result = await day.close(k, demand.id);
    expect(result.status).toBe('PARTIALLY_AWARDED');
    expect(result.evaluations.find((e) => e.offer.id === riceOffer)).toMatchObject({
      valid: true,
      awardedQuantity: 100,
    });
    const sugarEvaluation = result.evaluations.find((e) => e.offer.id === sugarOffer)!;
    expect(sugarEvaluation).toMatchObject({ valid: false, invalidReason: 'ABOVE_HET' });
    expect(sugarEvaluation.explanation).toContain('legal ceiling price (HET) (Rp19.000 > Rp18.000)');

    const prices = (await day.ok(k, REFERENCE_PRICES, { region: '35.72' })).referencePrices.filter(
      (p: { commodity: { code: string } }) => p.commodity.code === 'SUGAR',
    );
    expect(prices.map((p: { kind: string; unitPrice: number }) => [p.kind, p.unitPrice]).sort()).toEqual([
      ['HAP', 17500],
      ['HET', 18000],
    ]);

    const input = {
      commodityCode: 'SUGAR',
      regionCode: '35.72',
      kind: 'HET',
      unitPrice: 18000,
      validFrom: daysFromNow(0),
      source: 'x y',
    };
    refused(await day.request(k, SET_PRICE, { input }), 'FORBIDDEN');
    refused(
      await day.request(COORDINATOR, SET_PRICE, { input: { ...input, regionCode: '35.05' } }),
      'FORBIDDEN',
    );
    refused(
      await day.request(COORDINATOR, SET_PRICE, { input: { ...input, unitPrice: 0 } }),
      'BAD_USER_INPUT',
    );
    refused(
      await day.request(COORDINATOR, SET_PRICE, { input: { ...input, commodityCode: 'NOPE' } }),
      'BAD_USER_INPUT',
    );
  });

  it('imports reference prices from a CSV all or nothing, naming the bad line', async () => {
    const header = 'commodityCode,regionCode,kind,unitPrice,validFrom,source';
    const good = [
      `SHALLOT,35.72,MARKET,"41.250",01/12/2026,"Panel Harga, Bapanas (eceran)"`,
      `GARLIC,35.72,HAP,38000,2026-12-01,"Panel Harga ""harian"""`,
    ];
    const bad = `BIRD_CHILI,35.72,CEILING,45000,2026-12-01,Panel Harga`;
    const broken = await day.ok(COORDINATOR, IMPORT, { csv: [header, ...good, bad, ''].join('\r\n') });
    expect(broken.importReferencePrices.imported).toBe(0);
    expect(broken.importReferencePrices.errors).toEqual([
      { line: 4, message: expect.stringContaining('kind must be HET, HAP or MARKET') },
    ]);
    const sources = async () =>
      (await day.ok(COORDINATOR, REFERENCE_PRICES, { region: '35.72' })).referencePrices
        .filter((p: { source: string }) => p.source.startsWith('Panel Harga'))
        .map((p: { commodity: { code: string }; kind: string; unitPrice: number; source: string }) => [
          p.commodity.code,
          p.kind,
          p.unitPrice,
          p.source,
        ])
        .sort();
    expect(await sources()).toEqual([]);

    const outside = await day.ok(COORDINATOR, IMPORT, {
      csv: [header, ...good, 'CARROT,35.05,MARKET,14000,2026-12-01,Panel Harga'].join('\n'),
    });
    expect(outside.importReferencePrices).toEqual({
      imported: 0,
      errors: [{ line: 4, message: expect.stringContaining('outside your region') }],
    });
    const missingColumn = await day.ok(COORDINATOR, IMPORT, {
      csv: 'commodityCode,regionCode,kind,unitPrice,validFrom\n',
    });
    expect(missingColumn.importReferencePrices.errors).toEqual([
      { line: 1, message: expect.stringContaining('source') },
    ]);

    const fixed = await day.ok(COORDINATOR, IMPORT, {
      csv: [header, ...good, `BIRD_CHILI,35.72,MARKET,45000,2026-12-01,Panel Harga`].join('\n'),
    });
    expect(fixed.importReferencePrices).toEqual({ imported: 3, errors: [] });
    expect(await sources()).toEqual([
      ['BIRD_CHILI', 'MARKET', 45000, 'Panel Harga'],
      ['GARLIC', 'HAP', 38000, 'Panel Harga "harian"'],
      ['SHALLOT', 'MARKET', 41250, 'Panel Harga, Bapanas (eceran)'],
    ]);
    refused(await day.request(kitchen('bendo'), IMPORT, { csv: header }), 'FORBIDDEN');
    refused(await day.request(cooperative('bendo'), IMPORT, { csv: header }), 'FORBIDDEN');
  });

  it('reports suppliers, spend, cost per portion, spend above reference and local share for a 10-day cycle', async () => {
    const k = kitchen('tlumpu');
    const [tlumpu, turi, karangsari] = [
      cooperative('tlumpu'),
      cooperative('turi'),
      cooperative('karangsari'),
    ];
    const tempeUmkm = await day.organizationId('CONSIGNOR', /Tempe Sananwetan/);
    const idFood = await day.organizationId('CONSIGNOR', /^ID FOOD$/);
    // Deliveries from the day after tomorrow: goods are due at 17:00 the day before.
    const from = daysFromNow(1);
    const to = daysFromNow(10);
    const [d1, d2, d3, outside] = [daysFromNow(2), daysFromNow(3), daysFromNow(4), daysFromNow(11)];

    // Day 1: rice (own stock, at 13.000 under its 13.500 HET) and consigned tempeh at 18.000 (reference 16.000).
    const first = await day.postDemand(k, d1, [
      { commodityCode: 'RICE_MEDIUM', quantity: 100 },
      { commodityCode: 'TEMPEH', quantity: 20 },
    ]);
    await day.offerOk(
      tlumpu,
      first.lines[0]!.id,
      await day.lot(tlumpu, { commodityCode: 'RICE_MEDIUM', quantity: 100 }),
      100,
      13000,
    );
    const tempeh = await day.lot(turi, {
      commodityCode: 'TEMPEH',
      quantity: 20,
      source: 'CONSIGNMENT',
      consignorId: tempeUmkm,
      unitCost: 14000,
    });
    await day.offerOk(turi, first.lines[1]!.id, tempeh, 20, 18000);
    expect((await day.close(k, first.id)).status).toBe('AWARDED');
    await day.deliver(k, tlumpu, d1);
    await day.deliver(k, turi, d1);
    // Day 2: BUMN eggs at 31.000 (HAP 30.000); 2 kg of 30 rejected.
    const second = await day.postDemand(k, d2, [{ commodityCode: 'EGG', quantity: 30 }]);
    const eggs = await day.lot(karangsari, {
      commodityCode: 'EGG',
      quantity: 30,
      source: 'BUMN',
      consignorId: idFood,
      unitCost: 28000,
    });
    await day.offerOk(karangsari, second.lines[0]!.id, eggs, 30, 31000);
    expect((await day.close(k, second.id)).status).toBe('AWARDED');
    await day.deliver(k, karangsari, d2, { EGG: 2 });
    // Day 3: own carrots at their reference price.
    const third = await day.postDemand(k, d3, [{ commodityCode: 'CARROT', quantity: 10 }]);
    await day.offerOk(
      tlumpu,
      third.lines[0]!.id,
      await day.lot(tlumpu, { commodityCode: 'CARROT', quantity: 10 }),
      10,
      14000,
    );
    expect((await day.close(k, third.id)).status).toBe('AWARDED');
    await day.deliver(k, tlumpu, d3);
    // Outside the cycle: counts nowhere.
    const later = await day.postDemand(k, outside, [{ commodityCode: 'CABBAGE', quantity: 5 }]);
    await day.offerOk(
      turi,
      later.lines[0]!.id,
      await day.lot(turi, { commodityCode: 'CABBAGE', quantity: 5 }),
      5,
      9000,
    );
    expect((await day.close(k, later.id)).status).toBe('AWARDED');
    await day.deliver(k, turi, outside);

    await day.ok(k, RECORD_PORTIONS, { date: d1, portions: 200 });
    await day.ok(k, RECORD_PORTIONS, { date: d2, portions: 150 });
    const replaced = await day.ok(k, RECORD_PORTIONS, { date: d2, portions: 180 }); // a second call replaces the first
    expect(replaced.recordPortions).toMatchObject({ date: d2, portions: 180 });
    await day.ok(k, RECORD_PORTIONS, { date: d3, portions: 220 });
    await day.ok(k, RECORD_PORTIONS, { date: outside, portions: 999 });

    // By hand: accepted value 100·13.000 + 20·18.000 + 28·31.000 + 10·14.000.
    const spend = 1_300_000 + 360_000 + 868_000 + 140_000;
    const local = 1_300_000 + 360_000 + 140_000; // own and UMKM-consigned; BUMN eggs are not local
    const aboveReference = 20 * (18_000 - 16_000) + 28 * (31_000 - 30_000);
    const portions = 200 + 180 + 220;
    const expected = {
      from,
      to,
      distinctSuppliers: 3,
      meetsSupplierRule: false,
      minSuppliersPerKitchen: 15,
      spend,
      localShare: local / spend,
      spendAboveReference: aboveReference,
      portions,
      costPerPortion: Math.round(spend / portions), // 4.447
      budgetPerPortion: 10_000,
      hasValidSlhs: true,
    };
    const own = await day.ok(k, COMPLIANCE, { region: '35.72', from, to });
    expect(own.kitchenCompliance).toHaveLength(1);
    expect(own.kitchenCompliance[0]).toMatchObject({
      ...expected,
      localShare: expect.closeTo(local / spend, 9),
    });

    await day.policy({ minSuppliersPerKitchen: 3, budgetPerPortion: 4000 });
    const all = (await day.ok(COORDINATOR, COMPLIANCE, { region: '35.72', from, to })).kitchenCompliance;
    expect(all.length).toBeGreaterThanOrEqual(11);
    const mine = all.find((c: { kitchen: { name: string } }) => /Tlumpu/.test(c.kitchen.name));
    expect(mine).toMatchObject({
      distinctSuppliers: 3,
      meetsSupplierRule: true,
      minSuppliersPerKitchen: 3,
      budgetPerPortion: 4000,
    });
    // The seeded kitchen without an SLHS posts demand like any other, and coordinators see it flagged.
    await day.postDemand(kitchen('bendogerit'), daysFromNow(5), [{ commodityCode: 'CARROT', quantity: 5 }]);
    const flagged = all
      .filter((c: { hasValidSlhs: boolean }) => !c.hasValidSlhs)
      .map((c: { kitchen: { name: string } }) => c.kitchen.name);
    expect(flagged).toEqual([expect.stringMatching(/Bendogerit/)]);
    await day.policy({ minSuppliersPerKitchen: 15, budgetPerPortion: 10000 });

    refused(await day.request(tlumpu, COMPLIANCE, { region: '35.72', from, to }), 'FORBIDDEN');
    refused(await day.request(k, COMPLIANCE, { region: '35.72.03', from, to }), 'FORBIDDEN');
    refused(await day.request(k, COMPLIANCE, { region: '35.72', from: to, to: from }), 'BAD_USER_INPUT');
    refused(await day.request(k, RECORD_PORTIONS, { date: d1, portions: 0 }), 'BAD_USER_INPUT');
    refused(await day.request(tlumpu, RECORD_PORTIONS, { date: d1, portions: 10 }), 'FORBIDDEN');
  });

  it('posts from a template and repeats a demand with the same lines', async () => {
    const k = kitchen('pakunden');
    const SAVE = `mutation($input: DemandTemplateInput!) { saveDemandTemplate(input: $input) {
      id name lines { quantity maxUnitPrice minGrade commodity { code } } } }`;
    const FROM_TEMPLATE = `mutation($id: ID!, $date: Date!, $closes: DateTime!) {
      postDemandFromTemplate(templateId: $id, deliveryDate: $date, biddingClosesAt: $closes) {
        id status deliveryDate lines { quantity maxUnitPrice minGrade commodity { code } } } }`;
    const REPEAT = `mutation($id: ID!, $date: Date!, $closes: DateTime!) {
      repeatDemand(demandId: $id, deliveryDate: $date, biddingClosesAt: $closes) {
        id status deliveryDate lines { quantity maxUnitPrice minGrade commodity { code } } } }`;
    const lines = [
      { commodityCode: 'RICE_MEDIUM', quantity: 350, maxUnitPrice: 13500 },
      { commodityCode: 'EGG', quantity: 60.5, minGrade: 'B' },
      { commodityCode: 'CARROT', quantity: 40, maxUnitPrice: 15000, minGrade: 'A' },
    ];
    const expectedLines = lines.map((l) => ({
      commodity: { code: l.commodityCode },
      quantity: l.quantity,
      maxUnitPrice: l.maxUnitPrice ?? null,
      minGrade: l.minGrade ?? null,
    }));
    await day.ok(k, SAVE, { input: { name: 'Menu Senin', lines: [{ commodityCode: 'TOFU', quantity: 1 }] } });
    const saved = (await day.ok(k, SAVE, { input: { name: 'Menu Senin', lines } })).saveDemandTemplate;
    expect(saved.lines).toEqual(expectedLines);
    const templates = (await day.ok(k, `{ demandTemplates { id name lines { quantity } } }`)).demandTemplates;
    expect(templates).toEqual([
      { id: saved.id, name: 'Menu Senin', lines: [{ quantity: 350 }, { quantity: 60.5 }, { quantity: 40 }] },
    ]);

    const posted = (
      await day.ok(k, FROM_TEMPLATE, { id: saved.id, date: daysFromNow(2), closes: secondsFromNow(600) })
    ).postDemandFromTemplate;
    expect(posted).toMatchObject({ status: 'OPEN', deliveryDate: daysFromNow(2), lines: expectedLines });
    const repeated = (
      await day.ok(k, REPEAT, { id: posted.id, date: daysFromNow(3), closes: secondsFromNow(600) })
    ).repeatDemand;
    expect(repeated).toMatchObject({ status: 'OPEN', deliveryDate: daysFromNow(3) });
    expect(repeated.id).not.toBe(posted.id);
    expect(repeated.lines).toEqual(posted.lines);

    const other = kitchen('sukorejo');
    const vars = { id: saved.id, date: daysFromNow(2), closes: secondsFromNow(600) };
    refused(await day.request(other, FROM_TEMPLATE, vars), 'NOT_FOUND');
    refused(await day.request(other, REPEAT, { ...vars, id: posted.id }), 'NOT_FOUND');
    refused(await day.request(cooperative('pakunden'), FROM_TEMPLATE, vars), 'FORBIDDEN');
    refused(await day.request(cooperative('pakunden'), SAVE, { input: { name: 'x', lines } }), 'FORBIDDEN');
    refused(await day.request(COORDINATOR, `{ demandTemplates { id } }`), 'FORBIDDEN');
    refused(
      await day.request(k, SAVE, { input: { name: 'Bad', lines: [{ commodityCode: 'NOPE', quantity: 1 }] } }),
      'BAD_USER_INPUT',
      /Line 1/,
    );
    refused(await day.request(k, SAVE, { input: { name: 'Empty', lines: [] } }), 'BAD_USER_INPUT');
    refused(await day.request(k, FROM_TEMPLATE, { ...vars, date: daysFromNow(-1) }), 'BAD_USER_INPUT');
    expect((await day.ok(other, `{ demandTemplates { id } }`)).demandTemplates).toEqual([]);
  });

  it('alerts coordinators once about a certificate expiring within 14 days, from a scheduled idempotent job', async () => {
    const sukorejo = await day.organizationId('KITCHEN', /Sukorejo/);
    const added = await day.ok(COORDINATOR, ADD_CERTIFICATE, {
      input: {
        organizationId: sukorejo,
        kind: 'SLHS',
        number: 'SLHS/3572/UJI/1',
        validUntil: daysFromNow(5),
      },
    });
    const farAway = await day.ok(COORDINATOR, ADD_CERTIFICATE, {
      input: { organizationId: sukorejo, kind: 'HALAL', number: 'ID-UJI-2', validUntil: daysFromNow(40) },
    });
    const queue = system.worker!.get<Queue>(getQueueToken(COMPLIANCE_QUEUE));
    expect(await queue.getJobScheduler(CERTIFICATE_CHECK_SCHEDULER_ID)).toMatchObject({
      every: 6 * 3600_000,
    });

    const certificates = system.worker!.get(CertificatesService);
    await certificates.raiseExpiryAlerts(daysFromNow(0));
    await Promise.all([
      certificates.raiseExpiryAlerts(daysFromNow(0)),
      certificates.raiseExpiryAlerts(daysFromNow(0)),
    ]);
    const alerts = (
      await day.ok(COORDINATOR, `query($r: String!) { alerts(regionCode: $r) { kind entityId message } }`, {
        r: '35.72',
      })
    ).alerts.filter((a: { kind: string }) => a.kind === 'CERTIFICATE_EXPIRING');
    expect(alerts.filter((a: { entityId: string }) => a.entityId === added.addCertificate.id)).toEqual([
      expect.objectContaining({
        message: expect.stringContaining(`SLHS certificate SLHS/3572/UJI/1 expires on ${daysFromNow(5)}`),
      }),
    ]);
    expect(alerts.some((a: { entityId: string }) => a.entityId === farAway.addCertificate.id)).toBe(false);
  });
});
