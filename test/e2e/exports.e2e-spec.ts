import { getDataSourceToken } from '@nestjs/typeorm';
import ExcelJS from 'exceljs';
import type { DataSource } from 'typeorm';
import { ExportsService } from '../../libs/exports/src/exports.service.js';
import type { Actor } from '../../libs/identity/src/actor.js';
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

const REGISTER_ORG = `mutation($input: OrganizationInput!) { registerOrganization(input: $input) { id } }`;
const CREATE_USER = `mutation($input: UserInput!) { createUser(input: $input) { id } }`;

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

/** The rows of a CSV body as text (fetch's text() drops the byte order mark; a Buffer keeps it). */
function csvRecords(text: string): Row[] {
  return records(parseCsv(text.replace(/^\uFEFF/, '')));
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

  async function csv(
    path: string,
  ): Promise<{ response: Response; text: string; rows: Row[]; table: string[][] }> {
    const response = await download(path);
    expect(response.status).toBe(200);
    const buffer = Buffer.from(await response.arrayBuffer());
    // UTF-8 with a byte order mark, so Excel opens Bahasa text right.
    expect([...buffer.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = buffer.toString('utf8').slice(1);
    return { response, text, rows: records(parseCsv(text)), table: parseCsv(text) };
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

  /** A coordinator of one district of Kota Blitar (35.72.03 Sananwetan), registered by the admin. */
  async function districtCoordinator(): Promise<string> {
    const admin = await system.login('admin@pasargizi.test');
    const office = await system.ok(
      REGISTER_ORG,
      { input: { name: 'Kantor Kecamatan Sananwetan', kind: 'CITY_OFFICE', regionCode: '35.72.03' } },
      { token: admin },
    );
    const password = 'rahasia-ekspor-123';
    await system.ok(
      CREATE_USER,
      {
        input: {
          email: 'koord.sananwetan@ekspor.test',
          name: 'Koordinator Sananwetan',
          role: 'CITY_COORDINATOR',
          organizationId: office.registerOrganization.id,
          password,
        },
      },
      { token: admin },
    );
    return system.login('koord.sananwetan@ekspor.test', password);
  }

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

  it('every export in xlsx holds exactly what its CSV holds', async () => {
    for (const name of ['fulfilment', 'compliance', 'invoices', 'payables']) {
      const { table } = await csv(`${name}.csv?${period}`);
      const sheet = await xlsx(`${name}.xlsx?${period}`, table);
      expect({ name, sheet }).toEqual({ name, sheet: table });
    }
    const response = await download(`invoices.xlsx?${period}`);
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="faktur-35.72-${today}_${deliveryDate}.xlsx"`,
    );
  });

  it('compliance.csv: kitchenCompliance, one row per kitchen of the region', async () => {
    const figures = (await ok(COORDINATOR, COMPLIANCE, { region: '35.72', from: today, to: deliveryDate }))
      .kitchenCompliance;
    const { rows } = await csv(`compliance.csv?${period}`);
    expect(rows.map((r) => r['ID dapur'])).toEqual(
      figures.map((f: { kitchen: { id: string } }) => f.kitchen.id),
    );
    for (const [i, f] of figures.entries()) {
      expect(rows[i]).toMatchObject({
        Dapur: f.kitchen.name,
        'Pemasok berbeda': String(f.distinctSuppliers),
        'Memenuhi aturan pemasok': f.meetsSupplierRule ? 'Ya' : 'Tidak',
        Porsi: String(f.portions),
        'Belanja (Rp)': String(f.spend),
        'Biaya per porsi (Rp)': f.costPerPortion === null ? '' : String(f.costPerPortion),
        'Anggaran per porsi (Rp)': String(f.budgetPerPortion),
        'Belanja di atas harga acuan (Rp)': String(f.spendAboveReference),
      });
      expect(num(rows[i]!['Pangsa lokal'])).toBeCloseTo(f.localShare, 12);
    }
    const sentul = rows.find((r) => /Sentul/.test(r.Dapur!))!;
    expect(sentul).toMatchObject({ 'Pemasok berbeda': '2', Porsi: '400' });
    expect(num(sentul['Belanja (Rp)'])).toBeGreaterThan(0);
  });

  it('invoices.csv: each invoice as the invoices query shows it, with what is outstanding, and a TOTAL row', async () => {
    const listed = (await ok(COORDINATOR, INVOICES)).invoices.edges.map(
      (e: { node: Record<string, any> }) => e.node,
    );
    expect(listed).toHaveLength(2);
    const { rows } = await csv(`invoices.csv?${period}`);
    const total = rows.pop()!;
    expect(total['Nomor faktur']).toBe('TOTAL');
    expect(rows.map((r) => r['Nomor faktur']).sort()).toEqual(
      listed.map((i: { number: string }) => i.number).sort(),
    );
    for (const invoice of listed) {
      const row = rows.find((r) => r['Nomor faktur'] === invoice.number)!;
      expect(row).toMatchObject({
        Dapur: invoice.kitchen.name,
        Koperasi: invoice.cooperative.name,
        'Total (Rp)': String(invoice.total),
        'Dibayar (Rp)': String(invoice.paid),
        'Sisa (Rp)': String(invoice.total - invoice.paid),
        Status: invoice.status,
        'Tanggal kirim': deliveryDate,
      });
      // To the second, in the region's zone (WIB).
      expect(Date.parse(row.Diterbitkan!)).toBe(Math.floor(Date.parse(invoice.issuedAt) / 1000) * 1000);
      expect(row.Diterbitkan).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$/);
    }
    const totalOf = (key: string) => listed.reduce((n: number, i: Record<string, number>) => n + i[key]!, 0);
    expect(total).toMatchObject({
      'Total (Rp)': String(totalOf('total')),
      'Dibayar (Rp)': String(totalOf('paid')),
      'Sisa (Rp)': String(totalOf('total') - totalOf('paid')),
    });
    expect(totalOf('paid')).toBe(100000);
    // Issued today: a period that ends yesterday holds none.
    const before = await csv(`invoices.csv?regionCode=35.72&from=${daysFromNow(-3)}&to=${daysFromNow(-1)}`);
    expect(before.rows.map((r) => r['Nomor faktur'])).toEqual(['TOTAL']);
  });

  it('payables.csv: each consignment payable as consignmentPayables shows it', async () => {
    const listed = (await ok(COORDINATOR, PAYABLES)).consignmentPayables.edges.map(
      (e: { node: Record<string, any> }) => e.node,
    );
    expect(listed).toHaveLength(1);
    const { rows } = await csv(`payables.csv?${period}`);
    const total = rows.pop()!;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      Konsinyor: listed[0].consignor.name,
      Koperasi: listed[0].cooperative.name,
      Kuantitas: '50.000',
      'Harga pokok per satuan (Rp)': '9000',
      'Jumlah (Rp)': String(listed[0].amount),
      'Belum dilunasi (Rp)': String(listed[0].amount),
      Status: listed[0].status,
      Dilunasi: '',
    });
    expect(listed[0]).toMatchObject({ quantity: 50, amount: 450000, status: 'OPEN' });
    expect(total).toMatchObject({
      Dibuat: 'TOTAL',
      'Jumlah (Rp)': '450000',
      'Belum dilunasi (Rp)': '450000',
    });
  });

  it('is for coordinators of the region only: 401 without a token, 403 for others, scoped to a district', async () => {
    const anonymous = await download(`fulfilment.csv?${period}`, null);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.any(String) });
    expect((await download(`fulfilment.csv?${period}`, 'not-a-token')).status).toBe(401);
    for (const email of [KITCHEN, SENTUL]) {
      const refused = await download(`invoices.csv?${period}`, token.get(email)!);
      expect(refused.status).toBe(403);
      expect(await refused.json()).toMatchObject({
        code: 'FORBIDDEN',
        message: expect.any(String),
        messageId: expect.any(String),
      });
    }
    // A coordinator of Sananwetan may not download the city's figures, only its district's.
    const district = await districtCoordinator();
    for (const name of ['fulfilment', 'compliance', 'invoices', 'payables']) {
      expect((await download(`${name}.xlsx?${period}`, district)).status).toBe(403);
    }
    const own = await download(
      `compliance.csv?regionCode=35.72.03&from=${today}&to=${deliveryDate}`,
      district,
    );
    expect(own.status).toBe(200);
    const kitchens = csvRecords(await own.text());
    expect(kitchens.length).toBeGreaterThan(0);
    expect(kitchens.every((k) => k['Kode wilayah']!.startsWith('35.72.03.'))).toBe(true);
    // Sentul's day (35.72.01) is not in Sananwetan's fulfilment.
    const fulfilment = await download(
      `fulfilment.csv?regionCode=35.72.03&from=${today}&to=${deliveryDate}`,
      district,
    );
    expect(csvRecords(await fulfilment.text()).map((r) => r['Tanggal kirim'])).toEqual(['TOTAL']);
  });

  it('refuses bad input with a bilingual 400, and unknown exports with a 404', async () => {
    for (const query of [
      'regionCode=35.72&from=2026-12-31&to=2026-12-01',
      'regionCode=35.72&from=2024-01-01&to=2025-01-01',
      'regionCode=35.72&from=2026-02-30&to=2026-03-01',
      'regionCode=35.72&from=yesterday&to=2026-03-01',
      'regionCode=35.72',
      'regionCode=abc&from=2026-12-01&to=2026-12-31',
      'regionCode=99.99&from=2026-12-01&to=2026-12-31',
      'from=2026-12-01&to=2026-12-31',
      'regionCode=35.72&regionCode=35.73&from=2026-12-01&to=2026-12-31',
    ]) {
      for (const file of ['fulfilment.csv', 'payables.xlsx']) {
        const refused = await download(`${file}?${query}`);
        expect({ query, status: refused.status }).toEqual({ query, status: 400 });
        expect(await refused.json()).toMatchObject({
          code: 'BAD_USER_INPUT',
          message: expect.any(String),
          messageId: expect.any(String),
        });
      }
    }
    for (const file of ['orders.csv', 'fulfilment.pdf', 'fulfilment', 'fulfilment.csv.exe']) {
      const missing = await download(`${file}?${period}`);
      expect({ file, status: missing.status }).toEqual({ file, status: 404 });
      expect(await missing.json()).toMatchObject({ code: 'NOT_FOUND', messageId: expect.any(String) });
    }
  });

  it('streams a year of thousands of rows: chunked, read from the cursor a page at a time, totals still equal', async () => {
    // A year of demand for every kitchen (two lines a day each), written straight into the database.
    await dataSource.query(
      `INSERT INTO demand_request (kitchen_id, market_code, status, delivery_date, bidding_closes_at, deliver_by,
              weight_price, weight_quality, weight_distance, weight_reliability, created_by)
       SELECT k.id, '35.72', 'UNFILLED', day::date, day - interval '1 day', day + interval '10 hours',
              0.4, 0.3, 0.2, 0.1, (SELECT id FROM app_user ORDER BY email LIMIT 1)
         FROM organization k, generate_series('2025-01-01'::date, '2025-12-31'::date, interval '1 day') day
        WHERE k.kind = 'KITCHEN' AND k.region_code LIKE '35.72.%'`,
    );
    await dataSource.query(
      `INSERT INTO demand_line (demand_id, line_no, commodity_code, quantity)
       SELECT r.id, n, (ARRAY['RICE_MEDIUM', 'EGG'])[n], 10.125 * n
         FROM demand_request r, generate_series(1, 2) n
        WHERE r.delivery_date BETWEEN '2025-01-01' AND '2025-12-31'`,
    );
    const [{ lines }] = await dataSource.query(
      `SELECT count(*)::int AS lines FROM demand_line l JOIN demand_request r ON r.id = l.demand_id
        WHERE r.delivery_date BETWEEN '2025-01-01' AND '2025-12-31'`,
    );
    expect(lines).toBeGreaterThan(5000);
    const year = 'regionCode=35.72&from=2025-01-01&to=2025-12-31';

    const { result, queries } = await countQueries(dataSource, async () => {
      const response = await download(`fulfilment.csv?${year}`);
      // Streamed: no length known up front, sent in chunks as the rows are read.
      expect(response.headers.get('content-length')).toBeNull();
      expect(response.headers.get('transfer-encoding')).toBe('chunked');
      let chunks = 0;
      let text = '';
      const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
      for await (const chunk of response.body!) {
        chunks++;
        text += decoder.decode(chunk as Uint8Array, { stream: true });
      }
      return { chunks, text };
    });
    expect(result.text.startsWith('\uFEFF')).toBe(true);
    const rows = csvRecords(result.text);
    expect(rows).toHaveLength(lines + 1);
    expect(result.chunks).toBeGreaterThan(1);
    const fetches = queries.filter((q) => /^FETCH FORWARD \d+ FROM export_cursor/.test(q));
    expect(fetches.length).toBeGreaterThanOrEqual(Math.ceil(lines / 1000));
    // Nothing read the year in one go: the only statements on the lines are the cursor's.
    expect(queries.filter((q) => /FROM demand_line/.test(q) && !/DECLARE/.test(q))).toEqual([]);

    const report = (await ok(COORDINATOR, REPORT, { region: '35.72', from: '2025-01-01', to: '2025-12-31' }))
      .fulfilmentReport;
    const total = rows.pop()!;
    expect(total['Tanggal kirim']).toBe('TOTAL');
    expect(num(total.Diminta)).toBe(report.demandedQuantity);
    expect(sum(rows, 'Diminta')).toBeCloseTo(report.demandedQuantity, 3);

    const sheet = new ExcelJS.Workbook();
    const xlsxResponse = await download(`fulfilment.xlsx?${year}`);
    expect(xlsxResponse.headers.get('content-length')).toBeNull();
    await sheet.xlsx.load(await xlsxResponse.arrayBuffer());
    expect(sheet.worksheets[0]!.actualRowCount).toBe(lines + 2);
  }, 120000);

  it('a client that hangs up mid-download leaves no transaction open and the next download works', async () => {
    const year = 'regionCode=35.72&from=2025-01-01&to=2025-12-31';
    const controller = new AbortController();
    const response = await fetch(`${baseUrl()}/exports/fulfilment.xlsx?${year}`, {
      headers: { authorization: `Bearer ${token.get(COORDINATOR)!}` },
      signal: controller.signal,
    });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.cancel().catch(() => undefined);
    await eventually(async () => {
      const [{ open }] = await dataSource.query(
        `SELECT count(*)::int AS open FROM pg_stat_activity
          WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
      );
      return open === 0 ? true : undefined;
    });
    // ...and gives its download slot back once its writer sees the closed socket.
    const service = system.api.get(ExportsService);
    await eventually(async () => (service.underWay === 0 ? true : undefined));
    const { rows } = await csv(`fulfilment.csv?${period}`);
    expect(rows.at(-1)!['Tanggal kirim']).toBe('TOTAL');
  });

  it('refuses a download beyond the concurrent limit with a 429 before the first byte, then serves again', async () => {
    const service = system.api.get(ExportsService);
    const me = (await ok(COORDINATOR, `{ me { id organization { id } } }`)).me;
    const actor: Actor = {
      userId: me.id,
      role: 'CITY_COORDINATOR',
      organizationId: me.organization.id,
      organizationKind: 'CITY_OFFICE',
      regionCode: '35.72',
    };
    // Downloads whose clients read nothing yet: each waits on its first row.
    let flowing = false;
    const waiting: (() => void)[] = [];
    const stalledSink = {
      row: () => (flowing ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve))),
      end: async () => undefined,
    };
    const underWay: Promise<void>[] = [];
    // No other test's download may still hold a slot (the count is per process).
    await eventually(async () => (service.underWay === 0 ? true : undefined));
    for (let i = 0; i < service.maxConcurrent; i++) {
      const prepared = await service.prepare(actor, 'invoices', '35.72', today, deliveryDate);
      underWay.push(prepared.write(stalledSink));
    }
    await eventually(async () => (waiting.length === service.maxConcurrent ? true : undefined));
    const refused = await download(`invoices.csv?${period}`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    expect(await refused.json()).toMatchObject({ code: 'TOO_MANY_REQUESTS', messageId: expect.any(String) });
    flowing = true;
    for (const resolve of waiting) resolve();
    await Promise.all(underWay);
    expect((await download(`invoices.csv?${period}`)).status).toBe(200);
  });
});
