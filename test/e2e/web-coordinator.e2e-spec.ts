import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { secondsFromNow, TestSystem } from '../support/test-app.js';
import { TEST_DEMO_PASSWORD } from '../support/test-database.js';
import {
  buildWebClient,
  launchBrowser,
  phoneContext,
  screenshot,
  SCREENSHOTS,
  seriousViolations,
  type AxeFinding,
} from '../support/browser.js';

/**
 * The coordinator's desk clicked through in real Chromium against the real API, worker,
 * Postgres and Redis: the live dashboard (a kitchen's demand in another browser appears without
 * a reload), its charts and CSV download, cooperatives suspended and reinstated, the market
 * policy edited, onboarding, and the public transparency page without sign-in. Controls are found
 * by role and accessible name only; axe-core checks every page in both languages.
 */
const KITCHEN = 'sppg.sentul@pasargizi.test';
const COORDINATOR = 'koordinator@pasargizi.test';
const COOP = 'kkmp.sentul@pasargizi.test';
const LONG = 300_000;

/** A CSV body as records (quotes, doubled quotes and a byte order mark handled). */
function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const body = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && body[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  const [header, ...records] = rows;
  return records.map((cells) => Object.fromEntries(header!.map((name, i) => [name, cells[i] ?? ''])));
}

describe('the browser client: the coordinator desk', () => {
  let system: TestSystem;
  let browser: Browser;
  let origin: string;
  let coordinatorToken: string;
  const findings: AxeFinding[] = [];

  beforeAll(async () => {
    buildWebClient();
    system = await TestSystem.start();
    origin = system.url.replace(/\/graphql$/, '');
    browser = await launchBrowser();
    coordinatorToken = await system.login(COORDINATOR);
    console.log(`Screenshots of the coordinator's screens (360×640): ${SCREENSHOTS}`);
  }, LONG);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  async function signIn(context: BrowserContext, email: string): Promise<Page> {
    const page = await context.newPage();
    await page.goto('/masuk');
    await page.getByRole('textbox', { name: 'Email' }).fill(email);
    await page.getByLabel('Kata sandi').fill(TEST_DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Masuk', exact: true }).click();
    await page.getByRole('button', { name: 'Keluar' }).waitFor();
    return page;
  }

  /** A screenshot in Indonesian, then axe in Bahasa Indonesia and in English, then back. */
  async function audit(page: Page, name: string): Promise<void> {
    await screenshot(page, name);
    findings.push(...(await seriousViolations(page, `${name} (id)`)));
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Bahasa Indonesia' }).waitFor();
    findings.push(...(await seriousViolations(page, `${name} (en)`)));
    await page.getByRole('button', { name: 'Bahasa Indonesia' }).click();
    await page.getByRole('button', { name: 'English' }).waitFor();
  }

  const nav = (page: Page, name: string) =>
    page.getByRole('navigation').getByRole('link', { name, exact: true }).click();

  it(
    "a kitchen's demand appears live on the dashboard; the charts are named; the CSV equals fulfilmentReport",
    async () => {
      const coordinatorContext = await phoneContext(browser, origin);
      const kitchenContext = await phoneContext(browser, origin);
      const coordinator = await signIn(coordinatorContext, COORDINATOR);
      for (const name of ['Dasbor', 'Peringatan', 'Koperasi', 'Kebijakan pasar', 'Organisasi']) {
        await coordinator.getByRole('navigation').getByRole('link', { name, exact: true }).waitFor();
      }
      await coordinator.getByRole('status').filter({ hasText: 'Langsung' }).waitFor({ timeout: 30_000 });
      await coordinator.getByRole('figure', { name: 'Grafik tingkat pemenuhan', exact: true }).waitFor();
      for (const name of [
        'Grafik pemenuhan harian',
        'Grafik belanja terhadap harga acuan per komoditas',
        'Grafik jumlah pemasok per dapur',
        'Grafik biaya per porsi terhadap anggaran',
        'Grafik porsi pemasok lokal per dapur',
      ]) {
        await coordinator.getByRole('figure', { name, exact: true }).waitFor();
      }
      await coordinator.getByText('Belum ada kegiatan sejak halaman dibuka.').waitFor();

      // Another browser: the kitchen posts a demand. The coordinator's page is not reloaded.
      const kitchen = await signIn(kitchenContext, KITCHEN);
      await kitchen.getByRole('link', { name: 'Buat permintaan' }).first().click();
      await kitchen.getByRole('combobox', { name: 'Komoditas' }).selectOption({ label: 'Beras medium' });
      await kitchen.getByRole('textbox', { name: 'Jumlah' }).fill('40');
      await kitchen.getByRole('textbox', { name: 'Harga maksimum' }).fill('13000');
      await kitchen.getByRole('button', { name: 'Kirim permintaan' }).click();
      await kitchen.getByRole('button', { name: 'Tutup penawaran sekarang' }).waitFor();
      const activity = coordinator.getByRole('region', { name: 'Kegiatan pasar' });
      await activity
        .getByText(/^Permintaan dipasang/)
        .first()
        .waitFor({ timeout: 30_000 });
      // A whole small day through the API (offer, award, dispatch, receipt with a rejection):
      // the dashboard refetches on each event, without a reload, until it shows the receipt.
      await potatoDay(system, await system.login(KITCHEN), await system.login(COOP));
      await coordinator
        .getByRole('definition')
        .filter({ hasText: /^47$/ })
        .first()
        .waitFor({ timeout: 60_000 });
      await coordinator
        .getByRole('region', { name: 'Kegiatan pasar' })
        .getByText(/dikirim|diterima/i)
        .first()
        .waitFor();
      await audit(coordinator, '40-coordinator-dashboard');
      await coordinator
        .getByRole('figure', { name: 'Grafik tingkat pemenuhan', exact: true })
        .scrollIntoViewIfNeeded();
      await screenshot(coordinator, '40b-coordinator-dashboard-chart');
      await coordinator.screenshot({
        path: join(SCREENSHOTS, '40-coordinator-dashboard-full.png'),
        fullPage: true,
      });

      // The CSV download: its TOTAL row equals fulfilmentReport of the same period.
      const [download] = await Promise.all([
        coordinator.waitForEvent('download'),
        coordinator.getByRole('button', { name: 'Unduh CSV' }).click(),
      ]);
      const fileName = download.suggestedFilename();
      const period = /^pemenuhan-35\.72-(\d{4}-\d{2}-\d{2})_(\d{4}-\d{2}-\d{2})\.csv$/.exec(fileName);
      expect(period).not.toBeNull();
      const rows = parseCsv(readFileSync((await download.path())!, 'utf8'));
      const total = rows.find((row) => row['Tanggal kirim'] === 'TOTAL')!;
      expect(total).toBeDefined();
      const { fulfilmentReport: report } = await system.ok<{
        fulfilmentReport: Record<
          | 'demandedQuantity'
          | 'awardedQuantity'
          | 'receivedQuantity'
          | 'spend'
          | 'spendAtReference'
          | 'fillRate',
          number
        >;
      }>(
        `query($from: Date!, $to: Date!) { fulfilmentReport(regionCode: "35.72", from: $from, to: $to) {
          demandedQuantity awardedQuantity receivedQuantity spend spendAtReference fillRate } }`,
        { from: period![1], to: period![2] },
        { token: coordinatorToken },
      );
      expect(report.demandedQuantity).toBeGreaterThanOrEqual(40);
      expect(Number(total['Diminta'])).toBe(report.demandedQuantity);
      expect(Number(total['Dipesan'])).toBe(report.awardedQuantity);
      expect(Number(total['Diterima'])).toBe(report.receivedQuantity);
      expect(Number(total['Belanja (Rp)'])).toBe(report.spend);
      expect(Number(total['Belanja pada harga acuan (Rp)'])).toBe(report.spendAtReference);
      expect(Number(total['Tingkat pemenuhan'])).toBeCloseTo(report.fillRate, 9);
      await coordinator.getByRole('status').filter({ hasText: fileName }).waitFor();

      // The Excel download is a real xlsx (a zip).
      const [excel] = await Promise.all([
        coordinator.waitForEvent('download'),
        coordinator.getByRole('button', { name: 'Unduh Excel' }).click(),
      ]);
      expect(excel.suggestedFilename()).toMatch(/\.xlsx$/);
      expect(
        readFileSync((await excel.path())!)
          .subarray(0, 2)
          .toString(),
      ).toBe('PK');

      // The demand's audit trail is one tap from the activity list.
      await activity.getByRole('link', { name: 'Lihat jejak audit' }).first().click();
      await coordinator.getByRole('heading', { name: 'Jejak audit' }).waitFor();
      await audit(coordinator, '41-coordinator-audit');

      await nav(coordinator, 'Peringatan');
      await coordinator.getByRole('heading', { name: 'Peringatan', level: 1 }).waitFor();
      await coordinator.getByRole('status').filter({ hasText: 'Memuat' }).waitFor({ state: 'detached' });
      await audit(coordinator, '42-coordinator-alerts');
      await coordinatorContext.close();
      await kitchenContext.close();
    },
    LONG,
  );

  it(
    'suspends a cooperative with a reason and reinstates it',
    async () => {
      const context = await phoneContext(browser, origin);
      const page = await signIn(context, COORDINATOR);
      await nav(page, 'Koperasi');
      const card = page.getByRole('listitem').filter({ has: page.getByRole('heading', { name: /Turi/ }) });
      await card.getByRole('button', { name: 'Bekukan' }).click();
      // No reason: the browser refuses to send; then a reason.
      await card.getByRole('textbox', { name: 'Alasan pembekuan' }).fill('Pengiriman terlambat berulang');
      await audit(page, '43-coordinator-suspend-form');
      await card.getByRole('button', { name: 'Bekukan koperasi' }).click();
      await card.getByText('Dibekukan', { exact: true }).waitFor();
      const suspended = await organization(system, coordinatorToken, /Turi/);
      expect(suspended.suspended).toBe(true);
      await card.getByRole('button', { name: 'Aktifkan kembali' }).waitFor();
      await audit(page, '44-coordinator-cooperatives');
      await card.getByRole('button', { name: 'Aktifkan kembali' }).click();
      await card.getByRole('button', { name: 'Bekukan' }).waitFor();
      await card.getByText('Aktif', { exact: true }).waitFor();
      expect((await organization(system, coordinatorToken, /Turi/)).suspended).toBe(false);
      await context.close();
    },
    LONG,
  );

  it(
    'edits the market policy; a refused value is shown beside the form',
    async () => {
      const context = await phoneContext(browser, origin);
      const page = await signIn(context, COORDINATOR);
      await nav(page, 'Kebijakan pasar');
      const perLine = page.getByRole('spinbutton', { name: 'Pemasok per baris' });
      await perLine.waitFor();
      await audit(page, '45-coordinator-policy');
      // A tolerance the API refuses (at most 0.2): its message appears, nothing is saved.
      await page.getByRole('spinbutton', { name: /Toleransi keragaman/ }).fill('0.5');
      await page.getByRole('button', { name: 'Simpan kebijakan' }).click();
      await page.getByRole('alert').first().waitFor();
      await screenshot(page, '46-coordinator-policy-error');
      await page.getByRole('spinbutton', { name: /Toleransi keragaman/ }).fill('0.1');
      await perLine.fill('4');
      await page.getByRole('spinbutton', { name: 'Anggaran per porsi (Rp)' }).fill('12000');
      await page.getByRole('button', { name: 'Simpan kebijakan' }).click();
      await page.getByText('Kebijakan pasar tersimpan.').waitFor();
      const { marketPolicy } = await system.ok<{
        marketPolicy: { maxSuppliersPerLine: number; budgetPerPortion: number; diversityTolerance: number };
      }>(
        `{ marketPolicy(regionCode: "35.72") { maxSuppliersPerLine budgetPerPortion diversityTolerance } }`,
        {},
        { token: coordinatorToken },
      );
      expect(marketPolicy).toEqual({
        maxSuppliersPerLine: 4,
        budgetPerPortion: 12000,
        diversityTolerance: 0.1,
      });
      await context.close();
    },
    LONG,
  );

  it(
    'registers an organisation and creates its user, who can then sign in',
    async () => {
      const context = await phoneContext(browser, origin);
      const page = await signIn(context, COORDINATOR);
      await nav(page, 'Organisasi');
      await page.getByRole('textbox', { name: 'Nama organisasi' }).fill('SPPG Uji Meja');
      await page.getByRole('combobox', { name: 'Jenis' }).selectOption({ label: 'Dapur (SPPG)' });
      await page.getByRole('button', { name: 'Daftarkan organisasi' }).click();
      await page.getByText('SPPG Uji Meja terdaftar.').waitFor();
      await page
        .getByRole('combobox', { name: 'Organisasi' })
        .selectOption({ label: 'SPPG Uji Meja · Dapur (SPPG)' });
      await page.getByRole('textbox', { name: 'Nama', exact: true }).fill('Bu Sari');
      await page.getByRole('textbox', { name: 'Email' }).fill('sari.meja@pasargizi.test');
      await page.getByLabel('Kata sandi').fill('rahasia-panjang-123');
      await page.getByRole('combobox', { name: 'Peran' }).selectOption({ label: 'Pengelola dapur' });
      await page.getByRole('button', { name: 'Buat pengguna' }).click();
      await page.getByText('Pengguna Bu Sari dibuat.').waitFor();
      await audit(page, '47-coordinator-organizations');
      await system.login('sari.meja@pasargizi.test', 'rahasia-panjang-123');
      await context.close();
    },
    LONG,
  );

  it(
    'the public page shows the scorecards without sign-in',
    async () => {
      const context = await phoneContext(browser, origin);
      const page = await context.newPage();
      await page.goto('/masuk');
      await page.getByRole('link', { name: 'Lihat transparansi dapur (tanpa masuk)' }).click();
      await page.getByRole('heading', { name: 'Transparansi dapur MBG' }).waitFor();
      await page.getByRole('figure', { name: 'Grafik tingkat pemenuhan', exact: true }).waitFor();
      await page
        .getByRole('figure', { name: 'Grafik biaya per porsi terhadap anggaran', exact: true })
        .waitFor();
      await page.getByRole('figure', { name: 'Grafik porsi pemasok lokal per dapur', exact: true }).waitFor();
      await page.getByRole('figure', { name: 'Grafik jumlah pemasok per dapur', exact: true }).waitFor();
      expect(await page.getByRole('button', { name: 'Keluar' }).count()).toBe(0);
      await audit(page, '48-public-scorecards');
      await page.reload();
      await page.getByRole('heading', { name: 'Transparansi dapur MBG' }).waitFor();
      expect(page.url()).toMatch(/\/publik$/);
      await context.close();
    },
    LONG,
  );

  it('has no serious or critical accessibility violation on any page, in both languages', () => {
    expect(findings).toEqual([]);
  });
});

async function organization(
  system: TestSystem,
  token: string,
  name: RegExp,
): Promise<{ id: string; suspended: boolean }> {
  const data = await system.ok<{
    organizations: { edges: { node: { id: string; name: string; suspended: boolean } }[] };
  }>(
    `{ organizations(regionCode: "35.72", kind: COOPERATIVE, first: 100) { edges { node { id name suspended } } } }`,
    {},
    { token },
  );
  return data.organizations.edges.map((edge) => edge.node).find((node) => name.test(node.name))!;
}

/** 50 kg of potatoes offered, awarded, dispatched and received with 3 kg rejected. */
async function potatoDay(system: TestSystem, kitchen: string, cooperative: string): Promise<void> {
  const demand = await system.ok<{ postDemand: { id: string; lines: { id: string }[] } }>(
    `mutation($input: PostDemandInput!) { postDemand(input: $input) { id lines { id } } }`,
    {
      input: {
        // Tomorrow in Kota Blitar (WIB), the end of the dashboard's period.
        deliveryDate: new Date(Date.now() + (7 + 24) * 3_600_000).toISOString().slice(0, 10),
        biddingClosesAt: secondsFromNow(600),
        // Given, not the default (17:00 WIB today, for a delivery tomorrow): after about 16:50 WIB
        // that default falls before the close and the API refuses the demand.
        deliverBy: secondsFromNow(3600),
        lines: [{ commodityCode: 'POTATO', quantity: 50 }],
      },
    },
    { token: kitchen },
  );
  const lot = await system.ok<{ addStockLot: { id: string } }>(
    `mutation($input: StockLotInput!) { addStockLot(input: $input) { id } }`,
    { input: { commodityCode: 'POTATO', quantity: 80, grade: 'A', source: 'OWN' } },
    { token: cooperative },
  );
  await system.ok(
    `mutation($input: OfferInput!) { submitOffer(input: $input) { id } }`,
    {
      input: {
        demandLineId: demand.postDemand.lines[0]!.id,
        stockLotId: lot.addStockLot.id,
        quantity: 50,
        unitPrice: 9000,
      },
    },
    { token: cooperative },
  );
  await system.ok(
    `mutation($id: ID!) { closeBidding(demandId: $id) { id } }`,
    { id: demand.postDemand.id },
    { token: kitchen },
  );
  const ORDERS = `{ purchaseOrders(status: CONFIRMED, first: 50) { edges { node { id lines { id quantity } } } } }`;
  type Orders = {
    purchaseOrders: { edges: { node: { id: string; lines: { id: string; quantity: number }[] } }[] };
  };
  let order: Orders['purchaseOrders']['edges'][number]['node'] | undefined;
  const deadline = Date.now() + 60_000;
  while (!order && Date.now() < deadline) {
    order = (await system.ok<Orders>(ORDERS, {}, { token: cooperative })).purchaseOrders.edges[0]?.node;
    if (!order) await new Promise((resolve) => setTimeout(resolve, 300));
  }
  expect(order).toBeDefined();
  await system.ok(
    `mutation($id: ID!) { dispatchOrder(id: $id) { id } }`,
    { id: order!.id },
    { token: cooperative },
  );
  await system.ok(
    `mutation($input: ReceiveOrderInput!) { receiveOrder(input: $input) { status } }`,
    {
      input: {
        orderId: order!.id,
        lines: [
          {
            orderLineId: order!.lines[0]!.id,
            acceptedQuantity: 47,
            rejectedQuantity: 3,
            rejectionReason: 'Busuk',
          },
        ],
      },
    },
    { token: kitchen },
  );
}
