import { getDataSourceToken } from '@nestjs/typeorm';
import ExcelJS from 'exceljs';
import type { DataSource } from 'typeorm';
import { countQueries } from '../support/count-queries.js';
import { daysFromNow, eventually, secondsFromNow, TestSystem } from '../support/test-app.js';

/**
 * The coordinator's downloads (issue 11): a real day run through the GraphQL API (demand, sealed
 * offers, award, a decline re-awarded, dispatch, receipt with a rejection, invoices, a payment,
 * a consignment payable), then each export in CSV and xlsx: the same figures as the queries.
 */

const KITCHEN = 'sppg.sentul@pasargizi.test';
const SENTUL = 'kkmp.sentul@pasargizi.test';
const TURI = 'kkmp.turi@pasargizi.test';
const GEDOG = 'kkmp.gedog@pasargizi.test';
const COORDINATOR = 'koordinator@pasargizi.test';

const POST_DEMAND = `mutation($input: PostDemandInput!) {
  postDemand(input: $input) { id lines { id commodity { code } } } }`;
const ADD_LOT = `mutation($input: StockLotInput!) { addStockLot(input: $input) { id } }`;
const SUBMIT = `mutation($input: OfferInput!) { submitOffer(input: $input) { id } }`;
const CLOSE = `mutation($id: ID!) { closeBidding(demandId: $id) { status } }`;
const DEMAND_STATUS = `query($id: ID!) { demand(id: $id) { status } }`;
const ORDERS = `{ purchaseOrders(first: 200) { edges { node {
  id status cooperative { name } lines { id quantity commodity { code } } } } } }`;
const RECEIVE = `mutation($input: ReceiveOrderInput!) { receiveOrder(input: $input) { status } }`;
const INVOICES = `{ invoices(first: 200) { edges { node {
  id number total paid status issuedAt kitchen { name } cooperative { name } order { id } } } } }`;
const PAYABLES = `{ consignmentPayables(first: 200) { edges { node {
  id quantity amount status consignor { name } cooperative { name } } } } }`;
const PAY = `mutation($id: ID!, $amount: Rupiah!, $ref: String!) {
  recordPayment(invoiceId: $id, amount: $amount, reference: $ref) { status } }`;
const REPORT = `query($region: String!, $from: Date!, $to: Date!) {
  fulfilmentReport(regionCode: $region, from: $from, to: $to) {
    demandedQuantity awardedQuantity receivedQuantity fillRate onTimeRate rejectionRate spend spendAtReference
    byCommodity { commodity { code } demandedQuantity receivedQuantity } } }`;
const COMPLIANCE = `query($region: String!, $from: Date!, $to: Date!) {
  kitchenCompliance(regionCode: $region, from: $from, to: $to) {
    kitchen { id name } distinctSuppliers meetsSupplierRule portions spend costPerPortion budgetPerPortion
    spendAboveReference localShare } }`;

type Row = Record<string, string>;

/** Parses RFC 4180 CSV (quoted fields with commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += ch;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

function records(table: string[][]): Row[] {
  const [header, ...body] = table;
  return body.map((cells) => Object.fromEntries(header!.map((name, i) => [name, cells[i] ?? ''])));
}

const num = (text: string | undefined) => Number(text);
const sum = (rows: Row[], column: string) => rows.reduce((total, row) => total + num(row[column]), 0);

describe('exports', () => {
  let system: TestSystem;
  let dataSource: DataSource;
  const token = new Map<string, string>();
  const ok = (email: string, query: string, variables: Record<string, unknown> = {}) =>
    system.ok(query, variables, { token: token.get(email)! });
  const today = daysFromNow(0);
  const deliveryDate = daysFromNow(2);
  const baseUrl = () => system.url.replace(/\/graphql$/, '');
  const period = `regionCode=35.72&from=${today}&to=${deliveryDate}`;

  async function download(path: string, bearer: string | null = token.get(COORDINATOR)!) {
    return fetch(`${baseUrl()}/exports/${path}`, {
      headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
    });
  }

  async function csv(path: string): Promise<{ response: Response; text: string; rows: Row[] }> {
    const response = await download(path);
    expect(response.status).toBe(200);
    const buffer = Buffer.from(await response.arrayBuffer());
    // UTF-8 with a byte order mark, so Excel opens Bahasa text right.
    expect([...buffer.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = buffer.toString('utf8').slice(1);
    return { response, text, rows: records(parseCsv(text)) };
  }

  /** The xlsx's first sheet as text rows, numbers written like the CSV writes them. */
  async function xlsx(path: string, csvRows: string[][]): Promise<string[][]> {
    const response = await download(path);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe(
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    );
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(await response.arrayBuffer());
    const sheet = workbook.worksheets[0]!;
    const width = csvRows[0]!.length;
    const rows: string[][] = [];
    sheet.eachRow({ includeEmpty: true }, (row, rowNumber) => {
      const csvRow = csvRows[rowNumber - 1] ?? [];
      rows.push(
        Array.from({ length: width }, (_, i) => {
          const value = row.getCell(i + 1).value;
          if (value === null || value === undefined) return '';
          // A quantity is a number in the sheet and "12.500" in the CSV: compare as numbers.
          if (typeof value === 'number') return Number(csvRow[i]) === value ? csvRow[i]! : String(value);
          return String(value);
        }),
      );
    });
    return rows;
  }

  beforeAll(async () => {
    system = await TestSystem.start();
    dataSource = system.api.get<DataSource>(getDataSourceToken());
    for (const email of [KITCHEN, SENTUL, TURI, GEDOG, COORDINATOR])
      token.set(email, await system.login(email));

    const consignors = await ok(
      GEDOG,
      `{ organizations(kind: CONSIGNOR, first: 50) { edges { node { id name } } } }`,
    );
    const tahu = consignors.organizations.edges.find((e: { node: { name: string } }) =>
      e.node.name.includes('Tahu'),
    ).node;
    const posted = await ok(KITCHEN, POST_DEMAND, {
      input: {
        deliveryDate,
        biddingClosesAt: secondsFromNow(600),
        lines: [
          { commodityCode: 'POTATO', quantity: 100 },
          { commodityCode: 'TOFU', quantity: 50 },
          { commodityCode: 'EGG', quantity: 20.5 },
        ],
      },
    });
    const line = (code: string) =>
      posted.postDemand.lines.find((l: { commodity: { code: string } }) => l.commodity.code === code).id;
    const lot = async (email: string, input: Record<string, unknown>) =>
      (await ok(email, ADD_LOT, { input: { quantity: 200, grade: 'A', source: 'OWN', ...input } }))
        .addStockLot.id as string;
    const offer = async (email: string, lineId: string, lotId: string, quantity: number, unitPrice: number) =>
      ok(email, SUBMIT, { input: { demandLineId: lineId, stockLotId: lotId, quantity, unitPrice } });
    await offer(SENTUL, line('POTATO'), await lot(SENTUL, { commodityCode: 'POTATO' }), 100, 13000);
    await offer(TURI, line('POTATO'), await lot(TURI, { commodityCode: 'POTATO' }), 100, 13400);
    const tofuLot = await lot(GEDOG, {
      commodityCode: 'TOFU',
      source: 'CONSIGNMENT',
      consignorId: tahu.id,
      unitCost: 9000,
    });
    await offer(GEDOG, line('TOFU'), tofuLot, 50, 12000);
    await offer(TURI, line('EGG'), await lot(TURI, { commodityCode: 'EGG' }), 20.5, 29000);
    expect((await ok(KITCHEN, CLOSE, { id: posted.postDemand.id })).closeBidding.status).toBe('EVALUATING');
    await eventually(async () =>
      ['AWARDED', 'PARTIALLY_AWARDED'].includes(
        (await ok(KITCHEN, DEMAND_STATUS, { id: posted.postDemand.id })).demand.status,
      ),
    );
    type Order = {
      id: string;
      status: string;
      cooperative: { name: string };
      lines: { id: string; quantity: number; commodity: { code: string } }[];
    };
    const orders: Order[] = (await ok(KITCHEN, ORDERS)).purchaseOrders.edges.map(
      (e: { node: Order }) => e.node,
    );
    const orderOf = (code: string) => orders.find((o) => o.lines.some((l) => l.commodity.code === code))!;
    const receive = async (email: string, order: Order, rejectedOf: (quantity: number) => number) => {
      await ok(email, `mutation($id: ID!) { dispatchOrder(id: $id) { status } }`, { id: order.id });
      await ok(KITCHEN, RECEIVE, {
        input: {
          orderId: order.id,
          lines: order.lines.map((l) => ({
            orderLineId: l.id,
            acceptedQuantity: l.quantity - rejectedOf(l.quantity),
            rejectedQuantity: rejectedOf(l.quantity),
            ...(rejectedOf(l.quantity) > 0 ? { rejectionReason: 'Busuk sebagian / partly rotten' } : {}),
          })),
        },
      });
    };
    // Potatoes: 7.25 kg rejected on receipt. Tofu (consigned): all accepted. Eggs: not yet received.
    await receive(SENTUL, orderOf('POTATO'), () => 7.25);
    await receive(GEDOG, orderOf('TOFU'), () => 0);
    await ok(TURI, `mutation($id: ID!) { dispatchOrder(id: $id) { status } }`, { id: orderOf('EGG').id });
    const invoices = (await ok(KITCHEN, INVOICES)).invoices.edges.map(
      (e: { node: { id: string } }) => e.node,
    );
    expect(invoices).toHaveLength(2);
    await ok(KITCHEN, PAY, { id: invoices[0].id, amount: 100000, ref: 'TRF-EKSPOR-1' });
    await ok(KITCHEN, `mutation($date: Date!) { recordPortions(date: $date, portions: 400) { portions } }`, {
      date: deliveryDate,
    });
    // The rejected potatoes go to Turi's standing offer: wait until that order exists, so the
    // figures stand still while the test compares them.
    await eventually(async () => {
      const all: Order[] = (await ok(KITCHEN, ORDERS)).purchaseOrders.edges.map(
        (e: { node: Order }) => e.node,
      );
      return all.length > orders.length ? true : undefined;
    }, 30000);
  }, 120000);
  afterAll(async () => system?.stop());

  it('fulfilment.csv: rows per date × kitchen × commodity summing to fulfilmentReport, and a TOTAL row equal to it', async () => {
    const report = (await ok(COORDINATOR, REPORT, { region: '35.72', from: today, to: deliveryDate }))
      .fulfilmentReport;
    const { response, rows } = await csv(`fulfilment.csv?${period}`);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="pemenuhan-35.72-${today}_${deliveryDate}.csv"`,
    );
    const total = rows.find((r) => r['Tanggal kirim'] === 'TOTAL')!;
    const detail = rows.filter((r) => r !== total);
    expect(rows[rows.length - 1]).toBe(total);
    expect(detail.map((r) => r['Kode komoditas']).sort()).toEqual(['EGG', 'POTATO', 'TOFU']);
    expect(detail.every((r) => r['Tanggal kirim'] === deliveryDate && /Sentul/.test(r.Dapur!))).toBe(true);
    for (const [column, figure] of [
      ['Diminta', report.demandedQuantity],
      ['Dipesan', report.awardedQuantity],
      ['Diterima', report.receivedQuantity],
      ['Belanja (Rp)', report.spend],
      ['Belanja pada harga acuan (Rp)', report.spendAtReference],
    ] as const) {
      expect(num(total[column])).toBe(figure);
      expect(sum(detail, column)).toBeCloseTo(figure, 6);
    }
    expect(num(total['Tingkat pemenuhan'])).toBeCloseTo(report.fillRate, 12);
    expect(num(total['Tingkat penolakan'])).toBeCloseTo(report.rejectionRate, 12);
    expect(num(total['Tingkat tepat waktu'])).toBeCloseTo(report.onTimeRate, 12);
    expect(report.rejectionRate).toBeGreaterThan(0);
    // Quantities to three decimals, money whole rupiah.
    const potato = detail.find((r) => r['Kode komoditas'] === 'POTATO')!;
    expect(potato).toMatchObject({ Diminta: '100.000', Ditolak: '7.250', Diterima: '92.750' });
    expect(potato['Belanja (Rp)']).toMatch(/^\d+$/);
    for (const commodity of report.byCommodity) {
      const own = detail.filter((r) => r['Kode komoditas'] === commodity.commodity.code);
      expect(sum(own, 'Diminta')).toBeCloseTo(commodity.demandedQuantity, 6);
      expect(sum(own, 'Diterima')).toBeCloseTo(commodity.receivedQuantity, 6);
    }
  });
});
