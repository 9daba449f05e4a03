import type { Browser, Page } from 'playwright-core';
import { daysFromNow, secondsFromNow, TestSystem } from '../support/test-app.js';
import { TEST_DEMO_PASSWORD } from '../support/test-database.js';
import {
  buildWebClient,
  launchBrowser,
  phoneContext,
  screenshot,
  SCREENSHOTS,
  seriousViolations,
} from '../support/browser.js';

/**
 * A cooperative offers on two open demand lines at once in real Chromium (UI.md: "make an offer
 * from a lot in a few taps, or many at once"): pick the lines, the lot and quantity come
 * prefilled, one "Kirim semua penawaran" sends them all or none. The API's error for one offer
 * is shown by the line it concerns. Controls are found by role and accessible name only.
 */
const KITCHEN = 'sppg.sentul@pasargizi.test';
const COOP = 'kkmp.sentul@pasargizi.test';
const LONG = 300_000;

const POST_DEMAND = `mutation($input: PostDemandInput!) { postDemand(input: $input) { id } }`;
const ADD_LOT = `mutation($input: StockLotInput!) { addStockLot(input: $input) { id } }`;
const MY_OFFERS = `{ myOffers(first: 50) { edges { node { quantity unitPrice status stockLot { id } line { commodity { code } } } } } }`;

describe('the browser client: offers on many lines at once', () => {
  let system: TestSystem;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    buildWebClient();
    system = await TestSystem.start();
    origin = system.url.replace(/\/graphql$/, '');
    browser = await launchBrowser();
    console.log(`Screenshots (360×640): ${SCREENSHOTS}`);
  }, LONG);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  async function signIn(page: Page, email: string): Promise<void> {
    await page.goto('/masuk');
    await page.getByRole('textbox', { name: 'Email' }).fill(email);
    await page.getByLabel('Kata sandi').fill(TEST_DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Masuk', exact: true }).click();
    await page.getByRole('button', { name: 'Keluar' }).waitFor();
  }

  it(
    'picks two lines, shows the error by the line it concerns (nothing sent), then sends both in one call',
    async () => {
      const kitchenToken = await system.login(KITCHEN);
      const coopToken = await system.login(COOP);
      await system.ok(
        POST_DEMAND,
        {
          input: {
            deliveryDate: daysFromNow(2),
            biddingClosesAt: secondsFromNow(3600),
            lines: [
              { commodityCode: 'RICE_MEDIUM', quantity: 100, maxUnitPrice: 14000 },
              { commodityCode: 'TOFU', quantity: 50, maxUnitPrice: 9000 },
            ],
          },
        },
        { token: kitchenToken },
      );
      const lot = async (commodityCode: string, quantity: number) =>
        (
          await system.ok<{ addStockLot: { id: string } }>(
            ADD_LOT,
            { input: { commodityCode, quantity, grade: 'A', source: 'OWN', expiresOn: '2030-01-31' } },
            { token: coopToken },
          )
        ).addStockLot.id;
      await lot('RICE_MEDIUM', 60);
      const bigRice = await lot('RICE_MEDIUM', 150);
      const tofu = await lot('TOFU', 30);

      const context = await phoneContext(browser, origin);
      const page = await context.newPage();
      await signIn(page, COOP);
      await page.getByRole('navigation').getByRole('link', { name: 'Permintaan terbuka' }).click();
      const rice = page.getByRole('listitem', { name: /^Beras medium · SPPG .*Sentul/ });
      const tahu = page.getByRole('listitem', { name: /^Tahu · SPPG .*Sentul/ });

      // Picking a line prefills the lot that covers it and the line's quantity (capped by the lot); no price.
      await rice.getByRole('checkbox', { name: 'Pilih baris' }).check();
      expect(await rice.getByRole('combobox', { name: 'Stok' }).inputValue()).toBe(bigRice);
      expect(await rice.getByRole('textbox', { name: 'Jumlah' }).inputValue()).toBe('100');
      expect(await rice.getByRole('textbox', { name: 'Harga satuan' }).inputValue()).toBe('');
      await tahu.getByRole('checkbox', { name: 'Pilih baris' }).check();
      expect(await tahu.getByRole('combobox', { name: 'Stok' }).inputValue()).toBe(tofu);
      expect(await tahu.getByRole('textbox', { name: 'Jumlah' }).inputValue()).toBe('30');
      await page.getByText('2 baris dipilih').waitFor();

      // The tofu price is above the kitchen's ceiling: the API's error appears by the tofu line,
      // and nothing was sent (all or nothing).
      await rice.getByRole('textbox', { name: 'Harga satuan' }).fill('13000');
      await tahu.getByRole('textbox', { name: 'Harga satuan' }).fill('9500');
      await page.getByRole('button', { name: 'Kirim semua penawaran' }).click();
      const alert = page.getByRole('alert');
      await alert.first().waitFor();
      // Said once, by the line it concerns, in the user's language, numbered as the lines are shown.
      const texts = await page.locator('main').getByRole('alert').allInnerTexts();
      expect(texts).toHaveLength(1);
      const shown = await Promise.all(
        (await page.getByRole('listitem', { name: / · SPPG / }).all()).map((card) =>
          card.getAttribute('aria-label'),
        ),
      );
      const tofuNumber = shown.findIndex((name) => name?.startsWith('Tahu')) + 1;
      expect(texts[0]).toBe(`Penawaran ${tofuNumber}: harga di atas batas dapur (9500 > 9000)`);
      expect(await tahu.getByRole('alert').innerText()).toBe(texts[0]);
      expect(await rice.getByRole('alert').count()).toBe(0);
      const none = await system.ok<{ myOffers: { edges: unknown[] } }>(MY_OFFERS, {}, { token: coopToken });
      expect(none.myOffers.edges).toHaveLength(0);

      await screenshot(page, '24-cooperative-offers-at-once');
      const findings = await seriousViolations(page, 'offers at once (id)');
      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('button', { name: 'Send all offers' }).waitFor();
      findings.push(...(await seriousViolations(page, 'offers at once (en)')));
      await page.getByRole('button', { name: 'Bahasa Indonesia' }).click();
      expect(findings).toEqual([]);

      // Fixed, both go in one call and both lines show the offer as submitted.
      await tahu.getByRole('textbox', { name: 'Harga satuan' }).fill('8.500');
      await page.getByRole('button', { name: 'Kirim semua penawaran' }).click();
      await page.getByText('2 penawaran terkirim.').waitFor();
      await rice.getByText('Diajukan', { exact: true }).waitFor();
      await tahu.getByText('Diajukan', { exact: true }).waitFor();
      await screenshot(page, '25-cooperative-offers-at-once-sent');
      const offers = await system.ok<{
        myOffers: {
          edges: {
            node: { quantity: number; unitPrice: number; status: string; stockLot: { id: string } };
          }[];
        };
      }>(MY_OFFERS, {}, { token: coopToken });
      const sent = offers.myOffers.edges
        .map(({ node }) => ({
          lot: node.stockLot.id,
          quantity: node.quantity,
          unitPrice: Number(node.unitPrice),
          status: node.status,
        }))
        .sort((a, b) => b.quantity - a.quantity);
      expect(sent).toEqual([
        { lot: bigRice, quantity: 100, unitPrice: 13000, status: 'SUBMITTED' },
        { lot: tofu, quantity: 30, unitPrice: 8500, status: 'SUBMITTED' },
      ]);
      await context.close();
    },
    LONG,
  );
});
