import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TestSystem } from '../support/test-app.js';
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
 * A whole procurement day clicked through in real Chromium by a kitchen and two cooperatives
 * (separate browser contexts) against the real API, worker, Postgres and Redis. Controls are
 * found only by role and accessible name (UI.md's contract). axe-core checks every page of the
 * day in both languages; screenshots at 360×640 go to test-results/screenshots/.
 */
const KITCHEN = 'sppg.sentul@pasargizi.test';
const COOP_A = 'kkmp.sentul@pasargizi.test';
const COOP_B = 'kkmp.turi@pasargizi.test';
const COORDINATOR = 'koordinator@pasargizi.test';

const LONG = 300_000;

describe('the browser client: a procurement day', () => {
  let system: TestSystem;
  let browser: Browser;
  let origin: string;
  const findings: AxeFinding[] = [];

  beforeAll(async () => {
    buildWebClient();
    system = await TestSystem.start();
    origin = system.url.replace(/\/graphql$/, '');
    browser = await launchBrowser();
    console.log(`Screenshots of each role's screens (360×640): ${SCREENSHOTS}`);
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

  /** axe in Bahasa Indonesia, then in English, then back; a screenshot in Indonesian. */
  async function audit(page: Page, name: string): Promise<void> {
    await screenshot(page, name);
    findings.push(...(await seriousViolations(page, `${name} (id)`)));
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('button', { name: 'Bahasa Indonesia' }).waitFor();
    findings.push(...(await seriousViolations(page, `${name} (en)`)));
    await page.getByRole('button', { name: 'Bahasa Indonesia' }).click();
    await page.getByRole('button', { name: 'English' }).waitFor();
  }

  /** Own stock, or consignment from a consignor at a unit cost. */
  async function addStock(
    page: Page,
    quantity: string,
    consignment?: { consignor: string; unitCost: string },
  ) {
    await page.getByRole('navigation').getByRole('link', { name: 'Stok' }).click();
    await page.getByRole('button', { name: 'Tambah stok' }).click();
    await page.getByRole('combobox', { name: 'Komoditas' }).selectOption({ label: 'Beras medium' });
    await page.getByRole('combobox', { name: 'Mutu' }).selectOption('A');
    await page
      .getByRole('combobox', { name: 'Sumber' })
      .selectOption({ label: consignment ? 'Titipan' : 'Milik sendiri' });
    if (consignment) {
      await page.getByRole('combobox', { name: 'Penitip' }).selectOption({ label: consignment.consignor });
      await page.getByRole('textbox', { name: 'Harga pokok' }).fill(consignment.unitCost);
    } else {
      await expectVisible(page.getByRole('combobox', { name: 'Penitip' }));
    }
    await page.getByRole('textbox', { name: 'Jumlah' }).fill(quantity);
    await page.getByLabel('Kedaluwarsa').fill('2030-01-31');
    await page.getByRole('button', { name: 'Simpan stok' }).click();
    await page.getByRole('button', { name: 'Simpan stok' }).waitFor({ state: 'detached' });
    await page.getByText(`Tersedia ${quantity}`).first().waitFor();
  }

  async function offer(page: Page, quantity: string, price: string): Promise<void> {
    await page.getByRole('navigation').getByRole('link', { name: 'Permintaan terbuka' }).click();
    const card = page.getByRole('listitem', { name: /Beras medium · SPPG .*Sentul/ });
    await card.getByRole('button', { name: 'Ajukan penawaran' }).click();
    await expectVisible(card.getByRole('combobox', { name: 'Stok' }));
    await card.getByRole('textbox', { name: 'Jumlah' }).fill(quantity);
    await card.getByRole('textbox', { name: 'Harga satuan' }).fill(price);
    await card.getByRole('button', { name: 'Kirim penawaran' }).click();
    await card.getByText('Penawaran terkirim.').waitFor();
  }

  async function expectVisible(locator: ReturnType<Page['getByRole']>): Promise<void> {
    await locator.waitFor({ state: 'visible' });
  }

  it(
    'a wrong password shows the API message on the login page, in the chosen language',
    async () => {
      const context = await phoneContext(browser, origin);
      const page = await context.newPage();
      await page.goto('/dapur/pesanan');
      await page.waitForURL('**/masuk');
      await screenshot(page, '00-login');
      findings.push(...(await seriousViolations(page, 'login (id)')));
      await page.getByRole('textbox', { name: 'Email' }).fill(KITCHEN);
      await page.getByLabel('Kata sandi').fill('not-the-password');
      await page.getByRole('button', { name: 'Masuk', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: 'kata sandi salah' }).waitFor();
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('button', { name: 'Sign in', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: 'password is wrong' }).waitFor();
      findings.push(...(await seriousViolations(page, 'login (en)')));
      await context.close();
    },
    LONG,
  );

  it(
    'runs the day: demand, stock and offers, close, evaluations, dispatch, receipt with a rejection and a photo, invoice, payment offline',
    async () => {
      const kitchenContext = await phoneContext(browser, origin);
      const coopAContext = await phoneContext(browser, origin);
      const coopBContext = await phoneContext(browser, origin);
      const kitchen = await signIn(kitchenContext, KITCHEN);
      const coopA = await signIn(coopAContext, COOP_A);
      const coopB = await signIn(coopBContext, COOP_B);

      // The kitchen posts a demand: 100 kg of medium rice, ceiling Rp 14.000 beside the reference price.
      await kitchen.getByRole('link', { name: 'Buat permintaan' }).first().click();
      await expectVisible(kitchen.getByLabel('Tanggal pengiriman'));
      await expectVisible(kitchen.getByLabel('Penawaran ditutup'));
      await kitchen.getByRole('combobox', { name: 'Komoditas' }).selectOption({ label: 'Beras medium' });
      await kitchen.getByRole('textbox', { name: 'Jumlah' }).fill('100');
      await kitchen.getByRole('textbox', { name: 'Harga maksimum' }).fill('14000');
      await kitchen.getByText(/Harga acuan Rp \d/).waitFor();
      await audit(kitchen, '10-kitchen-demand-form');
      await kitchen.getByRole('button', { name: 'Kirim permintaan' }).click();
      await kitchen.getByRole('button', { name: 'Tutup penawaran sekarang' }).waitFor();
      await kitchen.getByText('Terbuka', { exact: true }).waitFor();
      const demandUrl = kitchen.url();

      // Two cooperatives add stock and offer from it.
      await addStock(coopA, '60', { consignor: 'Perum Bulog (SPHP rice)', unitCost: '11000' });
      await audit(coopA, '20-cooperative-stock');
      await addStock(coopB, '70');
      await coopA.getByRole('navigation').getByRole('link', { name: 'Permintaan terbuka' }).click();
      await coopA.getByText(/Stok Anda: 60 kg/).waitFor();
      await audit(coopA, '21-cooperative-open-demands');
      await offer(coopA, '60', '13000');
      // Below rice's legal ceiling (HET Rp 13.500), which the API now enforces.
      await offer(coopB, '60', '13400');

      // The kitchen closes bidding; every offer's evaluation and the awards appear.
      await kitchen.goto(demandUrl);
      await kitchen.getByText('2 penawaran').waitFor();
      await kitchen.getByRole('button', { name: 'Tutup penawaran sekarang' }).click();
      await kitchen.getByText('Dipenuhi', { exact: true }).waitFor({ timeout: 30_000 });
      await kitchen.getByText('Peringkat 1 · Koperasi Kelurahan Merah Putih Sentul').waitFor();
      await kitchen.getByText(/Peringkat 2 · /).waitFor();
      await kitchen.getByRole('heading', { name: 'Pemenang' }).waitFor();
      await audit(kitchen, '11-kitchen-demand-evaluated');

      // The cooperative sees its result in words, never the scores.
      await coopA.getByRole('navigation').getByRole('link', { name: 'Penawaran' }).click();
      await coopA.getByText('Menang', { exact: true }).waitFor();
      await coopA.getByText(/Harga pemenang Rp 13\.000/).waitFor();
      expect(await coopA.getByText(/Skor/).count()).toBe(0);
      await audit(coopA, '22-cooperative-offers');

      // Both dispatch.
      for (const coop of [coopA, coopB]) {
        await coop.getByRole('navigation').getByRole('link', { name: 'Pesanan' }).click();
        await coop.getByRole('link', { name: /^PO-/ }).first().click();
        await coop.getByRole('button', { name: 'Kirim barang' }).click();
        await coop.getByText('Dikirim', { exact: true }).waitFor();
      }
      await audit(coopA, '23-cooperative-order-dispatched');

      // The kitchen receives the first order with a rejection and a photo from the camera.
      await kitchen.getByRole('navigation').getByRole('link', { name: 'Beranda' }).click();
      await kitchen.getByText('Perlu tindakan').waitFor();
      await kitchen.getByText('Dikirim', { exact: true }).first().waitFor();
      await audit(kitchen, '12-kitchen-home');
      await kitchen.getByRole('navigation').getByRole('link', { name: 'Pesanan' }).click();
      const orderLinks = kitchen.getByRole('link', { name: /^PO-/ });
      await orderLinks.first().waitFor();
      expect(await orderLinks.count()).toBe(2);
      await audit(kitchen, '13-kitchen-orders');
      await orderLinks.first().click();
      await kitchen.getByRole('button', { name: 'Terima barang' }).click();
      const accepted = kitchen.getByRole('textbox', { name: 'Diterima' });
      const ordered = Number(await accepted.inputValue());
      await accepted.fill(String(ordered - 5));
      await kitchen.getByRole('textbox', { name: 'Ditolak' }).fill('5');
      await kitchen.getByRole('textbox', { name: 'Alasan penolakan' }).fill('Berkutu');
      await kitchen.getByRole('textbox', { name: 'Nama pemeriksa' }).fill('Siti Aminah');
      await kitchen.getByRole('textbox', { name: 'Suhu (°C)' }).fill('27,5');
      await kitchen
        .getByLabel('Foto barang')
        .setInputFiles({ name: 'beras.png', mimeType: 'image/png', buffer: TINY_PNG });
      await audit(kitchen, '14-kitchen-receipt-form');
      await kitchen.getByRole('button', { name: 'Simpan penerimaan' }).click();
      await kitchen.getByText('Barang diterima.').waitFor();
      await kitchen.reload();
      await kitchen.getByRole('img', { name: 'Foto barang' }).waitFor();
      await kitchen.getByText(/Ditolak 5 \(Berkutu\)/).waitFor();

      // ...and the second as it came.
      await kitchen.getByRole('navigation').getByRole('link', { name: 'Pesanan' }).click();
      await kitchen
        .getByRole('listitem')
        .filter({ hasText: 'Dikirim' })
        .getByRole('link', { name: /^PO-/ })
        .click();
      await kitchen.getByRole('button', { name: 'Terima barang' }).click();
      await kitchen.getByRole('textbox', { name: 'Nama pemeriksa' }).fill('Siti Aminah');
      await kitchen.getByRole('button', { name: 'Simpan penerimaan' }).click();
      await kitchen.getByText('Barang diterima.').waitFor();

      // The photo is stored: its bytes come back to the kitchen, not to an unrelated cooperative.
      const token = await system.login(KITCHEN);
      const orders = await system.ok<{ purchaseOrders: { edges: { node: { photoUrl: string | null } }[] } }>(
        `{ purchaseOrders(status: RECEIVED) { edges { node { photoUrl } } } }`,
        {},
        { token },
      );
      const photoUrl = orders.purchaseOrders.edges.map((e) => e.node.photoUrl).find(Boolean)!;
      expect(photoUrl).toMatch(/^\/uploads\/photos\/[0-9a-f-]{36}$/);
      const photo = await fetch(`${origin}${photoUrl}`, { headers: { authorization: `Bearer ${token}` } });
      expect(photo.status).toBe(200);
      expect(Buffer.from(await photo.arrayBuffer()).equals(TINY_PNG)).toBe(true);
      const stranger = await system.login('kkmp.gedog@pasargizi.test');
      expect(
        (await fetch(`${origin}${photoUrl}`, { headers: { authorization: `Bearer ${stranger}` } })).status,
      ).toBe(404);

      // Invoices; a payment made with no signal waits, survives a closed tab, and is applied once.
      await kitchen.getByRole('navigation').getByRole('link', { name: 'Tagihan' }).click();
      const unpaid = kitchen
        .getByRole('listitem')
        .filter({ has: kitchen.getByRole('button', { name: 'Catat pembayaran' }) });
      await unpaid.first().waitFor();
      const invoiceNumber = (await unpaid.first().getAttribute('aria-label'))!;
      const invoice = kitchen.getByRole('listitem', { name: invoiceNumber });
      await audit(kitchen, '15-kitchen-invoices');
      await invoice.getByRole('button', { name: 'Catat pembayaran' }).click();
      await invoice.getByRole('textbox', { name: 'Jumlah' }).fill('100000');
      await invoice.getByRole('textbox', { name: 'Referensi' }).fill('TRF-BRI-0001');
      await kitchenContext.setOffline(true);
      await invoice.getByRole('button', { name: 'Simpan pembayaran' }).click();
      await kitchen.getByText('Menunggu sinyal…').first().waitFor();
      await screenshot(kitchen, '16-kitchen-payment-waiting-for-signal');
      await kitchen.close();
      const paidBefore = await invoicePaid(system, token, invoiceNumber);
      expect(paidBefore).toBe(0);
      await kitchenContext.setOffline(false);
      const reopened = await kitchenContext.newPage();
      await reopened.goto('/dapur/tagihan');
      await reopened
        .getByRole('listitem', { name: invoiceNumber })
        .getByText('Rp 100.000')
        .first()
        .waitFor({ timeout: 30_000 });
      await waitFor(async () => (await invoicePaid(system, token, invoiceNumber)) === 100_000);
      // Replaying again (another tab, another "online" event) changes nothing more.
      await reopened.evaluate(`window.dispatchEvent(new Event('online'))`);
      await reopened.reload();
      await reopened.getByRole('listitem', { name: invoiceNumber }).waitFor();
      expect(await invoicePaid(system, token, invoiceNumber)).toBe(100_000);

      // The kitchen pays the rest online.
      const rest = reopened.getByRole('listitem', { name: invoiceNumber });
      await rest.getByRole('button', { name: 'Catat pembayaran' }).click();
      await rest.getByRole('textbox', { name: 'Referensi' }).fill('TRF-BRI-0002');
      await rest.getByRole('button', { name: 'Simpan pembayaran' }).click();
      await reopened.getByRole('listitem', { name: invoiceNumber }).getByText('Lunas').waitFor();

      // A mistake shows the API's message next to the form, in the user's language.
      await reopened.getByRole('navigation').getByRole('link', { name: 'Permintaan' }).click();
      await reopened.getByRole('link', { name: 'Buat permintaan' }).first().click();
      await reopened.getByRole('combobox', { name: 'Komoditas' }).selectOption({ label: 'Beras medium' });
      await reopened.getByRole('textbox', { name: 'Jumlah' }).fill('-3');
      await reopened.getByRole('button', { name: 'Kirim permintaan' }).click();
      await reopened.getByRole('alert').first().waitFor();
      expect(await reopened.getByRole('alert').first().innerText()).not.toMatch(/^[A-Za-z ]*must/);

      await audit(coopA, '24-cooperative-orders');
      await coopA.getByRole('navigation').getByRole('link', { name: 'Penitip' }).click();
      await coopA.getByRole('heading', { name: 'Laporan penitip' }).waitFor();
      await audit(coopA, '25-cooperative-consignors');

      // The demand's list offers to repeat it in one tap, prefilled.
      await reopened.getByRole('navigation').getByRole('link', { name: 'Permintaan' }).click();
      await reopened
        .getByRole('listitem')
        .filter({ hasText: 'Beras medium 100 kg' })
        .getByRole('link', { name: 'Ulangi permintaan' })
        .click();
      const repeated = reopened.getByRole('textbox', { name: 'Jumlah' });
      await waitFor(async () => (await repeated.inputValue()) === '100');
      expect(await reopened.getByRole('combobox', { name: 'Komoditas' }).inputValue()).toBe('RICE_MEDIUM');

      for (const context of [kitchenContext, coopAContext, coopBContext]) await context.close();
    },
    LONG,
  );

  it(
    'switches language and back, and keeps the choice',
    async () => {
      const context = await phoneContext(browser, origin);
      const page = await signIn(context, KITCHEN);
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('navigation').getByRole('link', { name: 'Orders' }).waitFor();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
      await page.reload();
      await page.getByRole('button', { name: 'Bahasa Indonesia' }).click();
      await page.getByRole('navigation').getByRole('link', { name: 'Pesanan' }).waitFor();
      await page.getByRole('button', { name: 'Keluar' }).click();
      await page.getByRole('button', { name: 'Masuk', exact: true }).waitFor();
      await context.close();
    },
    LONG,
  );

  it(
    'a cooperative opening a kitchen page by URL is told it is not allowed',
    async () => {
      const context = await phoneContext(browser, origin);
      const page = await signIn(context, COOP_A);
      for (const role of ['Permintaan terbuka', 'Stok', 'Penawaran', 'Pesanan']) {
        await page.getByRole('navigation').getByRole('link', { name: role, exact: true }).waitFor();
      }
      await page.goto('/dapur/pesanan');
      await page.getByRole('heading', { name: 'Halaman ini bukan untuk Anda' }).waitFor();
      expect(await page.getByRole('button', { name: 'Terima barang' }).count()).toBe(0);
      await screenshot(page, '26-cooperative-not-allowed');
      await context.close();
    },
    LONG,
  );

  it(
    'the coordinator sees the region on one page',
    async () => {
      const context = await phoneContext(browser, origin);
      const page = await signIn(context, COORDINATOR);
      for (const name of ['Dasbor', 'Peringatan', 'Koperasi', 'Kebijakan pasar']) {
        await page.getByRole('navigation').getByRole('link', { name, exact: true }).waitFor();
      }
      await page.getByRole('figure', { name: 'Grafik tingkat pemenuhan', exact: true }).waitFor();
      await audit(page, '30-coordinator-dashboard');
      await context.close();
    },
    LONG,
  );

  it('has no serious or critical accessibility violation on any page, in both languages', () => {
    expect(findings).toEqual([]);
  });
});

async function invoicePaid(system: TestSystem, token: string, number: string): Promise<number> {
  const data = await system.ok<{ invoices: { edges: { node: { number: string; paid: number } }[] } }>(
    `{ invoices(first: 200) { edges { node { number paid } } } }`,
    {},
    { token },
  );
  return data.invoices.edges.find((edge) => edge.node.number === number)!.node.paid;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('condition not met');
}

/** A 1×1 PNG: what a phone camera sends, in miniature. */
const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
