/**
 * Kota Blitar's day through whatever stands at `url` (one API, or several behind a proxy), with
 * whatever workers run: 11 kitchens post 20 lines each, 21 cooperatives add a lot per
 * commodity and offer on a third of the lines (one submitOffer per offer, 50 clients at once),
 * the kitchens close bidding, and the day ends when every demand is decided. Returns what the
 * award produced (comparable across runs: names, not ids), throughput, and duplicate counts.
 * Used by `npm run bench -- --only scale` and test/e2e/scale-out.e2e-spec.ts.
 */
import pg from 'pg';

export const SCALE_DAY_PASSWORD = 'pasargizi-bench';

const KITCHEN_WARDS = [
  'kepanjenkidul',
  'sentul',
  'bendo',
  'pakunden',
  'tlumpu',
  'sukorejo',
  'tanjungsari',
  'gedog',
  'sananwetan',
  'rembang',
  'bendogerit',
];
// prettier-ignore
const COOPERATIVE_WARDS = ['kepanjenkidul', 'ngadirejo', 'sentul', 'kauman', 'tanggung', 'bendo', 'kepanjenlor', 'pakunden', 'blitar', 'tlumpu', 'turi', 'karangsari', 'sukorejo', 'tanjungsari', 'gedog', 'plosokerep', 'klampok', 'sananwetan', 'rembang', 'karangtengah', 'bendogerit'];
// prettier-ignore
const COMMODITIES = ['RICE_MEDIUM', 'RICE_PREMIUM', 'EGG', 'CHICKEN', 'CATFISH', 'TOFU', 'TEMPEH', 'GREEN_BEAN', 'SPINACH', 'WATER_SPINACH', 'CARROT', 'CABBAGE', 'LONG_BEAN', 'POTATO', 'SHALLOT', 'GARLIC', 'COOKING_OIL', 'BANANA', 'ORANGE', 'WATERMELON'];

export interface ScaleDayOutcome {
  demands: number;
  lines: number;
  offers: number;
  offerErrors: number;
  /** Retryable refusals (busy: pool or lock timeout) sent again, and then accepted or not. */
  retries: number;
  /** The first refusal's errors (null when every offer stood). */
  firstOfferError: string | null;
  /** submitOffer requests per second through `url` (50 clients). */
  offersPerSecond: number;
  offerP50Ms: number;
  offerP99Ms: number;
  /** From the first close to every demand decided (closed one after another). */
  closeToDecidedMs: number;
  orders: number;
  orderLines: number;
  /** Exact decimal text: sum of awarded quantity; sum of order totals (whole rupiah). */
  awardedQuantity: string;
  ordersTotal: string;
  /** Every award, "kitchen | commodity | cooperative | quantity | unit price", sorted. */
  awards: string[];
  /** Rows that would be a second copy of one thing: each must be 0. */
  duplicates: Record<string, number>;
}

async function gql<T = any>(
  url: string,
  query: string,
  variables: Record<string, unknown>,
  token?: string,
): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as {
    data?: T;
    errors?: { message: string; extensions?: { retryable?: boolean } }[];
  };
  if (body.errors?.length)
    throw Object.assign(new Error(JSON.stringify(body.errors)), {
      retryable: body.errors.every((error) => error.extensions?.retryable === true),
    });
  return body.data as T;
}

/**
 * As a client does: a refusal marked `retryable` (pool or lock timeout on a busy machine;
 * nothing was changed) is sent again after a pause, up to 8 times. Counts the retries.
 */
async function gqlRetrying<T = any>(retries: { count: number }, ...args: Parameters<typeof gql>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await gql<T>(...args);
    } catch (error) {
      if (!(error as { retryable?: boolean }).retryable || attempt >= 8) throw error;
      retries.count++;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
}

async function login(url: string, email: string, password: string): Promise<string> {
  const data = await gql(url, `mutation($i: LoginInput!) { login(input: $i) { accessToken } }`, {
    i: { email, password },
  });
  return data.login.accessToken as string;
}

export async function runScaleDay(options: {
  url: string;
  databaseUrl: string;
  concurrency?: number;
  /** A smaller day (the e2e test): this many kitchens and commodities (default 11 and 20). */
  kitchens?: number;
  commodities?: number;
  /** The seeded users' password (the bench seeds SCALE_DAY_PASSWORD). */
  password?: string;
  log?: (line: string) => void;
  /** Called as the offers start and when they are all in (the bench samples CPU there). */
  onOffers?: (phase: 'start' | 'end') => void;
}): Promise<ScaleDayOutcome> {
  const password = options.password ?? SCALE_DAY_PASSWORD;
  const kitchenWards = KITCHEN_WARDS.slice(0, options.kitchens ?? KITCHEN_WARDS.length);
  const commodities = COMMODITIES.slice(0, options.commodities ?? COMMODITIES.length);
  const { url } = options;
  const log = options.log ?? (() => undefined);
  const concurrency = options.concurrency ?? 50;
  const db = new pg.Pool({ connectionString: options.databaseUrl, max: 4 });
  const retries = { count: 0 };
  try {
    const kitchens = await Promise.all(
      kitchenWards.map((ward) => login(url, `sppg.${ward}@pasargizi.test`, password)),
    );
    const cooperatives: string[] = [];
    for (const ward of COOPERATIVE_WARDS)
      cooperatives.push(await login(url, `kkmp.${ward}@pasargizi.test`, password));
    // One lot per cooperative and commodity, scarce enough that the award must choose.
    const lots = new Map<string, string>();
    await Promise.all(
      cooperatives.map(async (token, c) => {
        for (const [k, commodity] of commodities.entries()) {
          const data = await gqlRetrying(
            retries,
            url,
            `mutation($i: StockLotInput!) { addStockLot(input: $i) { id } }`,
            {
              i: {
                commodityCode: commodity,
                quantity: 200 + ((c * 7 + k * 13) % 5) * 50,
                grade: 'A',
                source: 'OWN',
              },
            },
            token,
          );
          lots.set(`${c}/${commodity}`, data.addStockLot.id as string);
        }
      }),
    );
    const deliveryDate = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    const closesAt = new Date(Date.now() + 3600_000).toISOString();
    const demandIds: string[] = [];
    const lines: { id: string; commodity: string }[] = [];
    for (const token of kitchens) {
      const data = await gqlRetrying(
        retries,
        url,
        `mutation($i: PostDemandInput!) { postDemand(input: $i) { id lines { id commodity { code } } } }`,
        {
          i: {
            deliveryDate,
            biddingClosesAt: closesAt,
            lines: commodities.map((code) => ({
              commodityCode: code,
              quantity: code.startsWith('RICE') ? 350 : 120,
            })),
          },
        },
        token,
      );
      demandIds.push(data.postDemand.id);
      for (const line of data.postDemand.lines) lines.push({ id: line.id, commodity: line.commodity.code });
    }
    const offers = cooperatives.flatMap((_, c) =>
      lines
        .filter((_, index) => (index + c) % 3 === 0)
        .map((line, k) => ({
          cooperative: c,
          input: {
            demandLineId: line.id,
            stockLotId: lots.get(`${c}/${line.commodity}`)!,
            quantity: 150,
            unitPrice: 12000 + ((c * 37 + k * 11) % 900),
          },
        })),
    );
    log(`${demandIds.length} demands, ${lines.length} lines, ${offers.length} offers through ${url}`);
    const latencies: number[] = [];
    let next = 0;
    let offerErrors = 0;
    let firstOfferError: string | null = null;
    options.onOffers?.('start');
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < offers.length) {
          const offer = offers[next++]!;
          const t0 = performance.now();
          try {
            await gqlRetrying(
              retries,
              url,
              `mutation($i: OfferInput!) { submitOffer(input: $i) { id } }`,
              { i: offer.input },
              cooperatives[offer.cooperative],
            );
          } catch (error) {
            offerErrors++;
            firstOfferError ??= (error as Error).message.slice(0, 500);
          }
          latencies.push(performance.now() - t0);
        }
      }),
    );
    const offerSeconds = (performance.now() - started) / 1000;
    options.onOffers?.('end');
    latencies.sort((a, b) => a - b);
    // The kitchens close one after another, each demand decided before the next closes: a
    // manual close is a market moment of its own, and batches that compete for one lot must
    // run in one order for two deployments to award the same (the jobs-and-races tests cover
    // the races). Which worker runs each close and evaluate job is up to BullMQ.
    const closed = performance.now();
    for (const [index, token] of kitchens.entries()) {
      await gqlRetrying(
        retries,
        url,
        `mutation($id: ID!) { closeBidding(demandId: $id) { id } }`,
        { id: demandIds[index] },
        token,
      );
      for (;;) {
        const { rows } = await db.query(`SELECT status FROM demand_request WHERE id = $1`, [
          demandIds[index],
        ]);
        if (!['OPEN', 'EVALUATING'].includes(rows[0].status)) break;
        if (performance.now() - closed > 300_000) throw new Error('the day was not decided within 5 minutes');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    const closeToDecidedMs = Math.round(performance.now() - closed);
    // Let follow-up jobs (alerts, confirmations) settle before counting copies.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const one = async (sql: string, params: unknown[] = []) => (await db.query(sql, params)).rows[0];
    const totals = await one(
      `SELECT count(DISTINCT o.id)::int AS orders, count(l.id)::int AS lines,
              coalesce(sum(l.quantity), 0)::text AS quantity,
              (SELECT coalesce(sum(total), 0)::text FROM purchase_order WHERE demand_id = ANY($1)) AS total
         FROM purchase_order o JOIN order_line l ON l.order_id = o.id WHERE o.demand_id = ANY($1)`,
      [demandIds],
    );
    const awards = (
      await db.query(
        `SELECT k.name || ' | ' || l.commodity_code || ' | ' || c.name || ' | ' || l.quantity::text || ' | ' || l.unit_price::text AS award
           FROM order_line l JOIN purchase_order o ON o.id = l.order_id
           JOIN organization k ON k.id = o.kitchen_id JOIN organization c ON c.id = o.cooperative_id
          WHERE o.demand_id = ANY($1) ORDER BY 1`,
        [demandIds],
      )
    ).rows.map((row: { award: string }) => row.award);
    const duplicates = await one(
      `SELECT
         (SELECT count(*) - count(DISTINCT (offer_id, batch_id)) FROM offer_evaluation)::int AS evaluations,
         (SELECT count(*) FROM (SELECT offer_id FROM offer_evaluation e JOIN demand_line dl ON dl.id = e.demand_line_id
                                 WHERE dl.demand_id = ANY($1) GROUP BY offer_id HAVING count(*) > 1) t)::int AS "offersEvaluatedTwice",
         (SELECT count(*) - count(DISTINCT (demand_id, cooperative_id)) FROM purchase_order WHERE shortfall_id IS NULL)::int AS orders,
         (SELECT count(*) - count(DISTINCT number) FROM purchase_order)::int AS "orderNumbers",
         (SELECT count(*) - count(DISTINCT (order_id, offer_id)) FROM order_line)::int AS "orderLines",
         (SELECT count(*) - count(DISTINCT order_id) FROM invoice)::int AS invoices,
         (SELECT count(*) - count(DISTINCT (region_code, kind, entity_id, message_en)) FROM alert)::int AS alerts,
         -- Notification events share a job id by design (one digest per close moment, collapsed
         -- by BullMQ's job id; the fan-out's unique keys make a re-run a no-op): not duplicates.
         (SELECT count(*) - count(DISTINCT job_id) FROM outbox_message WHERE queue <> 'notify')::int AS "outboxJobs",
         (SELECT count(*) - count(DISTINCT batch_id) FROM demand_request WHERE id = ANY($1))::int AS "sharedBatches"`,
      [demandIds],
    );
    return {
      demands: demandIds.length,
      lines: lines.length,
      offers: offers.length,
      offerErrors,
      retries: retries.count,
      firstOfferError,
      offersPerSecond: offers.length / offerSeconds,
      offerP50Ms: latencies[Math.floor(latencies.length * 0.5)] ?? 0,
      offerP99Ms: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0,
      closeToDecidedMs,
      orders: totals.orders,
      orderLines: totals.lines,
      awardedQuantity: totals.quantity,
      ordersTotal: totals.total,
      awards,
      duplicates,
    };
  } finally {
    await db.end();
  }
}
