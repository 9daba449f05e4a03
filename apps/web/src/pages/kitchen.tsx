import { useEffect, useState } from 'react';
import { mutate, uploadPhoto, type ApiError } from '../api/client.js';
import {
  Catalogue,
  CloseBidding,
  Demand,
  Invoices,
  KitchenHome,
  MyDemands,
  Order,
  Orders,
  PostDemand,
  ReceiveOrder,
  RecordPayment,
  type CatalogueResult,
  type InvoicesResult,
  type OrderResult,
} from '../api/generated.js';
import {
  demandFormDefaults,
  formatCountdown,
  formatDate,
  formatDateTime,
  formatQuantity,
  formatRupiah,
  formatTime,
  fundingCycleStart,
  localDate,
  zonedInstant,
} from '../format.js';
import { useNow } from '../clock.js';
import { usePaged, useQuery, useSession } from '../session.js';
import {
  ErrorText,
  Field,
  fieldError,
  formError,
  Link,
  Loading,
  LoadMore,
  Notice,
  Page,
  StatusBadge,
} from '../ui.js';

type CommodityRow = CatalogueResult['commodities'][number];

export function commodityName(commodity: { name: string; nameId: string }, locale: string): string {
  return locale === 'id' ? commodity.nameId : commodity.name;
}

function QueuedOrDone({ outcome }: { outcome: 'queued' | 'done' | null; doneText?: string }) {
  const { t } = useSession();
  if (outcome !== 'queued') return null;
  return (
    <p className="queued" role="status">
      <strong>{t('waitingForSignal')}</strong> {t('queuedNote')}
    </p>
  );
}

export function KitchenHomePage() {
  const { t, locale, zone, user } = useSession();
  const now = useNow(30_000);
  const today = localDate(zone);
  const tomorrow = localDate(zone, 1);
  const home = useQuery(KitchenHome, { cycleStart: fundingCycleStart(today) });
  const demands = home.data?.myDemands.edges.map((edge) => edge.node) ?? [];
  const orders = home.data?.purchaseOrders.edges.map((edge) => edge.node) ?? [];
  const toReceive = orders.filter((order) => order.status === 'DISPATCHED');
  const openDemands = demands.filter((demand) => demand.status === 'OPEN');
  const spending = home.data?.kitchenSpending;
  return (
    <Page
      title={user?.organization?.name ?? t('home')}
      actions={
        <Link to="/dapur/permintaan/baru" className="button">
          {t('createDemand')}
        </Link>
      }
    >
      <Loading state={home} />
      {home.data ? (
        <>
          <section aria-labelledby="action-title" className="card attention">
            <h2 id="action-title">{t('needsAction')}</h2>
            {toReceive.length + openDemands.length === 0 ? (
              <p className="muted">{t('nothingNeedsAction')}</p>
            ) : null}
            <ul className="rows">
              {toReceive.map((order) => (
                <li key={order.id}>
                  <Link to={`/dapur/pesanan/${order.id}`}>
                    {order.number} · {order.cooperative.name}
                  </Link>{' '}
                  <StatusBadge kind="OrderStatus" value={order.status} />
                </li>
              ))}
              {openDemands.map((demand) => (
                <li key={demand.id}>
                  <Link to={`/dapur/permintaan/${demand.id}`}>{formatDate(demand.deliveryDate, locale)}</Link>{' '}
                  <span className="countdown">
                    {t('closesIn', { time: formatCountdown(demand.biddingClosesAt, now, locale) })}
                  </span>
                  <span className="muted">
                    {' '}
                    · {t('offerCount', { n: demand.lines.reduce((sum, line) => sum + line.offerCount, 0) })}
                  </span>
                </li>
              ))}
            </ul>
          </section>
          {[
            { label: t('today'), date: today },
            { label: t('tomorrow'), date: tomorrow },
          ].map((day) => {
            const dayDemands = demands.filter((demand) => demand.deliveryDate === day.date);
            const dayOrders = orders.filter((order) => order.deliveryDate === day.date);
            return (
              <section
                key={day.date}
                className="card"
                aria-label={`${day.label}, ${formatDate(day.date, locale)}`}
              >
                <h2>
                  {day.label} <span className="muted">· {formatDate(day.date, locale)}</span>
                </h2>
                {dayDemands.length + dayOrders.length === 0 ? (
                  <p className="muted">{t('noDemands')}</p>
                ) : null}
                <ul className="rows">
                  {dayDemands.map((demand) => (
                    <li key={demand.id}>
                      <Link to={`/dapur/permintaan/${demand.id}`}>
                        {demand.lines.map((line) => commodityName(line.commodity, locale)).join(', ')}
                      </Link>{' '}
                      <StatusBadge kind="DemandStatus" value={demand.status} />
                    </li>
                  ))}
                  {dayOrders.map((order) => (
                    <li key={order.id}>
                      <Link to={`/dapur/pesanan/${order.id}`}>
                        {order.number} · {order.cooperative.name}
                      </Link>{' '}
                      <StatusBadge kind="OrderStatus" value={order.status} />
                      <span className="muted"> · {formatTime(order.deliverBy, zone)}</span>
                    </li>
                  ))}
                </ul>
              </section>
            );
          })}
          {spending ? <SpendingCard spending={spending} /> : null}
        </>
      ) : null}
    </Page>
  );
}

function SpendingCard({
  spending,
}: {
  spending: {
    cycleStart: string;
    cycleEnd: string;
    committed: number;
    invoiced: number;
    paid: number;
    outstanding: number;
  };
}) {
  const { t, locale } = useSession();
  return (
    <section className="card" aria-labelledby="spending-title">
      <h2 id="spending-title">{t('spending')}</h2>
      <p className="muted">
        {formatDate(spending.cycleStart, locale)} – {formatDate(spending.cycleEnd, locale)}
      </p>
      <dl className="figures">
        <dt>{t('committed')}</dt>
        <dd>{formatRupiah(spending.committed, locale)}</dd>
        <dt>{t('invoiced')}</dt>
        <dd>{formatRupiah(spending.invoiced, locale)}</dd>
        <dt>{t('paid')}</dt>
        <dd>{formatRupiah(spending.paid, locale)}</dd>
        <dt>{t('outstanding')}</dt>
        <dd>{formatRupiah(spending.outstanding, locale)}</dd>
      </dl>
    </section>
  );
}

export function DemandsPage() {
  const { t, locale, zone } = useSession();
  const list = usePaged(MyDemands, (result) => result.myDemands);
  return (
    <Page
      title={t('demands')}
      actions={
        <Link to="/dapur/permintaan/baru" className="button">
          {t('createDemand')}
        </Link>
      }
    >
      <Loading state={list} />
      {list.data && list.nodes.length === 0 ? <p className="muted">{t('noDemands')}</p> : null}
      <ul className="cards">
        {list.nodes.map((demand) => (
          <li key={demand.id} className="card">
            <div className="row-head">
              <Link to={`/dapur/permintaan/${demand.id}`}>{formatDate(demand.deliveryDate, locale)}</Link>
              <StatusBadge kind="DemandStatus" value={demand.status} />
            </div>
            <p>
              {demand.lines
                .map(
                  (line) =>
                    `${commodityName(line.commodity, locale)} ${formatQuantity(line.quantity, locale)} ${line.commodity.baseUnit}`,
                )
                .join(' · ')}
            </p>
            <p className="muted">
              {t('closesAt', { time: formatDateTime(demand.biddingClosesAt, zone, locale) })}
            </p>
            <Link to={`/dapur/permintaan/baru?dari=${demand.id}`} className="button secondary">
              {t('repeatDemand')}
            </Link>
          </li>
        ))}
      </ul>
      <LoadMore hasNext={list.hasNext} onMore={list.loadMore} />
    </Page>
  );
}

interface LineDraft {
  commodityCode: string;
  unit: string;
  quantity: string;
  maxUnitPrice: string;
}

const emptyLine: LineDraft = { commodityCode: '', unit: '', quantity: '', maxUnitPrice: '' };

export function DemandFormPage() {
  const { t, locale, zone, user, navigate } = useSession();
  const repeatFrom = new URLSearchParams(location.search).get('dari');
  const catalogue = useQuery(Catalogue, { regionCode: user?.organization?.regionCode ?? '' });
  const earlier = useQuery(Demand, { id: repeatFrom ?? '' }, !repeatFrom);
  const [defaults] = useState(() => demandFormDefaults(zone));
  const [deliveryDate, setDeliveryDate] = useState(defaults.deliveryDate);
  const [closesAt, setClosesAt] = useState(defaults.closesAt);
  const [lines, setLines] = useState<LineDraft[]>([{ ...emptyLine }]);
  const [error, setError] = useState<ApiError | null>(null);
  const [outcome, setOutcome] = useState<'queued' | 'done' | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const demand = earlier.data?.demand;
    if (!demand) return;
    setLines(
      demand.lines.map((line) => ({
        commodityCode: line.commodity.code,
        unit: '',
        quantity: String(line.quantity),
        maxUnitPrice: line.maxUnitPrice === null ? '' : String(line.maxUnitPrice),
      })),
    );
  }, [earlier.data]);

  const commodities = catalogue.data?.commodities ?? [];
  const reference = new Map(
    catalogue.data?.referencePrices.map((price) => [price.commodity.code, price.unitPrice]),
  );
  const byCode = new Map(commodities.map((commodity) => [commodity.code, commodity]));
  const update = (index: number, patch: Partial<LineDraft>) =>
    setLines((current) => current.map((line, i) => (i === index ? { ...line, ...patch } : line)));

  const submit = async () => {
    setBusy(true);
    setError(null);
    const result = await mutate(PostDemand, {
      input: {
        deliveryDate,
        biddingClosesAt: zonedInstant(closesAt, zone),
        lines: lines.map((line) => ({
          commodityCode: line.commodityCode,
          quantity: Number(line.quantity.replace(',', '.')),
          unit: line.unit || null,
          maxUnitPrice: line.maxUnitPrice ? Number(line.maxUnitPrice.replace(/\D/g, '')) : null,
        })),
      },
    });
    setBusy(false);
    if (result.status === 'error') setError(result.error);
    else if (result.status === 'queued') setOutcome('queued');
    else navigate(`/dapur/permintaan/${result.data.postDemand.id}`);
  };

  return (
    <Page title={t('createDemand')}>
      <Loading state={catalogue} />
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <Field label={t('deliveryDate')} error={fieldError(error, 'deliveryDate')}>
          {(props) => (
            <input
              {...props}
              type="date"
              required
              value={deliveryDate}
              onChange={(e) => setDeliveryDate(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('biddingCloses')} error={fieldError(error, 'biddingClosesAt')} hint={zone.name}>
          {(props) => (
            <input
              {...props}
              type="datetime-local"
              required
              value={closesAt}
              onChange={(e) => setClosesAt(e.target.value)}
            />
          )}
        </Field>
        {lines.map((line, index) => {
          const commodity: CommodityRow | undefined = byCode.get(line.commodityCode);
          const price = reference.get(line.commodityCode);
          return (
            <fieldset key={index} className="line">
              <legend>{t('line', { n: index + 1 })}</legend>
              <Field label={t('commodity')}>
                {(props) => (
                  <select
                    {...props}
                    required
                    value={line.commodityCode}
                    onChange={(e) => update(index, { commodityCode: e.target.value, unit: '' })}
                  >
                    <option value="">—</option>
                    {commodities.map((c) => (
                      <option key={c.code} value={c.code}>
                        {commodityName(c, locale)}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
              <div className="pair">
                <Field label={t('quantity')}>
                  {(props) => (
                    <input
                      {...props}
                      inputMode="decimal"
                      required
                      value={line.quantity}
                      onChange={(e) => update(index, { quantity: e.target.value })}
                    />
                  )}
                </Field>
                <Field label={t('unit')}>
                  {(props) => (
                    <select
                      {...props}
                      value={line.unit}
                      onChange={(e) => update(index, { unit: e.target.value })}
                    >
                      <option value="">{commodity?.baseUnit ?? '—'}</option>
                      {commodity?.units.map((unit) => (
                        <option key={unit.code} value={unit.code}>
                          {unit.label}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
              </div>
              <Field
                label={t('maxPrice')}
                hint={
                  commodity
                    ? `${t('perUnit', { unit: commodity.baseUnit })}${price !== undefined ? ` · ${t('referencePrice')} ${formatRupiah(price, locale)}` : ''}`
                    : null
                }
              >
                {(props) => (
                  <input
                    {...props}
                    inputMode="numeric"
                    value={line.maxUnitPrice}
                    onChange={(e) => update(index, { maxUnitPrice: e.target.value })}
                  />
                )}
              </Field>
              {lines.length > 1 ? (
                <button
                  type="button"
                  className="link-button"
                  onClick={() => setLines((current) => current.filter((_, i) => i !== index))}
                >
                  {t('removeLine', { n: index + 1 })}
                </button>
              ) : null}
            </fieldset>
          );
        })}
        <button
          type="button"
          className="secondary"
          onClick={() => setLines((current) => [...current, { ...emptyLine }])}
        >
          {t('addLine')}
        </button>
        <ErrorText>{formError(error, ['deliveryDate', 'biddingClosesAt'])}</ErrorText>
        <QueuedOrDone outcome={outcome} />
        <button type="submit" disabled={busy}>
          {t('submitDemand')}
        </button>
      </form>
    </Page>
  );
}

export function DemandPage({ id }: { id: string }) {
  const { t, locale, zone } = useSession();
  const now = useNow(30_000);
  const state = useQuery(Demand, { id });
  const [error, setError] = useState<ApiError | null>(null);
  const [outcome, setOutcome] = useState<'queued' | 'done' | null>(null);
  const demand = state.data?.demand;
  const status = demand?.status;
  const { reload } = state;
  // While the worker evaluates, look again every few seconds; while open, now and then (offer counts).
  useEffect(() => {
    if (status !== 'EVALUATING' && status !== 'OPEN') return;
    const timer = window.setInterval(reload, status === 'EVALUATING' ? 2_000 : 30_000);
    return () => window.clearInterval(timer);
  }, [status, reload]);
  return (
    <Page title={t('demand')}>
      <Loading state={state} />
      {demand ? (
        <>
          <div className="card">
            <p>
              <StatusBadge kind="DemandStatus" value={demand.status} />
            </p>
            <p>
              {t('deliveryDate')}: <strong>{formatDate(demand.deliveryDate, locale)}</strong>
            </p>
            <p>
              {t('closesAt', { time: formatDateTime(demand.biddingClosesAt, zone, locale) })}
              {demand.status === 'OPEN' ? (
                <span className="countdown"> · {formatCountdown(demand.biddingClosesAt, now, locale)}</span>
              ) : null}
            </p>
            {demand.status === 'OPEN' ? (
              <button
                type="button"
                onClick={async () => {
                  const result = await mutate(CloseBidding, { demandId: demand.id });
                  if (result.status === 'error') setError(result.error);
                  else if (result.status === 'queued') setOutcome('queued');
                }}
              >
                {t('closeNow')}
              </button>
            ) : null}
            <ErrorText>{error?.message}</ErrorText>
            <QueuedOrDone outcome={outcome} />
          </div>
          {demand.lines.map((line) => (
            <section key={line.id} className="card" aria-label={commodityName(line.commodity, locale)}>
              <h2>
                {commodityName(line.commodity, locale)} · {formatQuantity(line.quantity, locale)}{' '}
                {line.commodity.baseUnit}
              </h2>
              <p className="muted">
                {line.maxUnitPrice !== null
                  ? `${t('maxPrice')} ${formatRupiah(line.maxUnitPrice, locale)} · `
                  : ''}
                {t('offerCount', { n: line.offerCount })} ·{' '}
                {t('awardedQty', { q: formatQuantity(line.awardedQuantity, locale) })}
              </p>
              {line.evaluations.length > 0 ? (
                <>
                  <h3>{t('evaluations')}</h3>
                  <ol className="evaluations">
                    {[...line.evaluations]
                      .sort((a, b) => a.rank - b.rank)
                      .map((evaluation) => (
                        <li key={evaluation.offer.id}>
                          <div className="row-head">
                            <strong>
                              {evaluation.valid ? t('rank', { n: evaluation.rank }) : t('invalid')} ·{' '}
                              {evaluation.offer.cooperative.name}
                            </strong>
                            <StatusBadge kind="OfferStatus" value={evaluation.offer.status} />
                          </div>
                          <p>
                            {formatQuantity(evaluation.offer.quantity, locale)} {line.commodity.baseUnit} ×{' '}
                            {formatRupiah(evaluation.offer.unitPrice, locale)} · {t('grade')}{' '}
                            {evaluation.offer.grade}
                            {evaluation.total !== null
                              ? ` · ${t('score', {
                                  n: formatQuantity(Math.round(evaluation.total * 100) / 100, locale),
                                })}`
                              : null}
                          </p>
                          <p className="explanation">
                            {locale === 'id' ? evaluation.explanationId : evaluation.explanation}
                          </p>
                        </li>
                      ))}
                  </ol>
                </>
              ) : demand.status !== 'OPEN' ? (
                <p className="muted">{t('noEvaluations')}</p>
              ) : null}
              {line.awards.length > 0 ? (
                <>
                  <h3>{t('awards')}</h3>
                  <ul className="rows">
                    {line.awards.map((award) => (
                      <li key={award.id}>
                        {award.offer.cooperative.name}: {formatQuantity(award.quantity, locale)}{' '}
                        {line.commodity.baseUnit} × {formatRupiah(award.unitPrice, locale)} ·{' '}
                        <Link to={`/dapur/pesanan/${award.order.id}`}>{award.order.number}</Link>
                      </li>
                    ))}
                  </ul>
                </>
              ) : null}
            </section>
          ))}
        </>
      ) : null}
    </Page>
  );
}

export function OrdersPage({ base }: { base: '/dapur/pesanan' | '/koperasi/pesanan' }) {
  const { t, locale } = useSession();
  const list = usePaged(Orders, (result) => result.purchaseOrders);
  return (
    <Page title={t('orders')}>
      <Loading state={list} />
      {list.data && list.nodes.length === 0 ? <p className="muted">{t('noOrders')}</p> : null}
      <ul className="cards">
        {list.nodes.map((order) => (
          <li key={order.id} className="card">
            <div className="row-head">
              <Link to={`${base}/${order.id}`}>{order.number}</Link>
              <StatusBadge kind="OrderStatus" value={order.status} />
            </div>
            <p>
              {base === '/dapur/pesanan' ? order.cooperative.name : order.kitchen.name} ·{' '}
              {formatDate(order.deliveryDate, locale)}
            </p>
            <p className="amount">{formatRupiah(order.total, locale)}</p>
          </li>
        ))}
      </ul>
      <LoadMore hasNext={list.hasNext} onMore={list.loadMore} />
    </Page>
  );
}

export type OrderNode = OrderResult['purchaseOrders']['edges'][number]['node'];

export function OrderSummary({ order }: { order: OrderNode }) {
  const { t, locale, zone } = useSession();
  return (
    <div className="card">
      <div className="row-head">
        <strong>{order.number}</strong>
        <StatusBadge kind="OrderStatus" value={order.status} />
      </div>
      <p>
        {t('kitchen')}: {order.kitchen.name}
        <br />
        {t('cooperative')}: {order.cooperative.name}
        <br />
        {formatDate(order.deliveryDate, locale)} · {formatTime(order.deliverBy, zone)}
      </p>
      <ul className="rows">
        {order.lines.map((line) => (
          <li key={line.id}>
            {commodityName(line.commodity, locale)}: {formatQuantity(line.quantity, locale)}{' '}
            {line.commodity.baseUnit} × {formatRupiah(line.unitPrice, locale)}
            {line.acceptedQuantity !== null ? (
              <span className="muted">
                {' '}
                · {t('accepted')} {formatQuantity(line.acceptedQuantity, locale)}
                {line.rejectedQuantity
                  ? ` · ${t('rejected')} ${formatQuantity(line.rejectedQuantity, locale)}`
                  : ''}
                {line.rejectionReason ? ` (${line.rejectionReason})` : ''}
              </span>
            ) : null}
          </li>
        ))}
      </ul>
      <p className="amount">
        {t('total')} {formatRupiah(order.total, locale)}
      </p>
      {order.declineReason ? <p className="muted">{order.declineReason}</p> : null}
      {order.inspectorName ? (
        <p className="muted">
          {t('inspector')}: {order.inspectorName}
          {order.temperatureCelsius !== null ? ` · ${order.temperatureCelsius} °C` : ''}
        </p>
      ) : null}
      {order.photoUrl ? <ProtectedPhoto url={order.photoUrl} alt={t('photo')} /> : null}
    </div>
  );
}

/** Photos need the bearer token, which an <img src> cannot send: fetched, then shown from a blob. */
function ProtectedPhoto({ url, alt }: { url: string; alt: string }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let objectUrl: string | null = null;
    const token = JSON.parse(localStorage.getItem('pg.token') ?? 'null') as string | null;
    void fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} })
      .then((response) => (response.ok ? response.blob() : null))
      .then((blob) => {
        if (!blob) return;
        objectUrl = URL.createObjectURL(blob);
        setSrc(objectUrl);
      })
      .catch(() => undefined);
    return () => {
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [url]);
  return src ? <img className="photo" src={src} alt={alt} /> : null;
}

export function useOrder(id: string) {
  const state = useQuery(Order, {});
  const order =
    state.data?.purchaseOrders.edges.map((edge) => edge.node).find((node) => node.id === id) ?? null;
  return { state, order };
}

export function KitchenOrderPage({ id }: { id: string }) {
  const { t } = useSession();
  const { state, order } = useOrder(id);
  const [receiving, setReceiving] = useState(false);
  // Shown by the page, not the form: the order reloads after the receipt and, RECEIVED now,
  // no longer shows the form, which would take the confirmation with it.
  const [received, setReceived] = useState(false);
  return (
    <Page title={t('order')}>
      <Loading state={state} />
      {received ? <Notice>{t('received')}</Notice> : null}
      {order ? (
        <>
          <OrderSummary order={order} />
          {order.status === 'DISPATCHED' && !receiving ? (
            <button type="button" onClick={() => setReceiving(true)}>
              {t('receive')}
            </button>
          ) : null}
          {order.status === 'DISPATCHED' && receiving ? (
            <ReceiptForm order={order} onReceived={() => setReceived(true)} />
          ) : null}
        </>
      ) : null}
    </Page>
  );
}

function ReceiptForm({ order, onReceived }: { order: OrderNode; onReceived: () => void }) {
  const { t, locale } = useSession();
  const [lines, setLines] = useState(
    order.lines.map((line) => ({ id: line.id, accepted: String(line.quantity), rejected: '0', reason: '' })),
  );
  const [inspector, setInspector] = useState('');
  const [temperature, setTemperature] = useState('');
  const [photo, setPhoto] = useState<File | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [outcome, setOutcome] = useState<'queued' | 'done' | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const number = (value: string) => Number(value.replace(',', '.'));

  const submit = async () => {
    setError(null);
    let photoUrl: string | null = null;
    if (photo) {
      setBusy(t('uploading'));
      try {
        photoUrl = await uploadPhoto(photo);
      } catch (failure) {
        setBusy(null);
        setError({ message: (failure as Error).message, field: 'photoUrl' });
        return;
      }
    }
    setBusy(t('loading'));
    const result = await mutate(ReceiveOrder, {
      input: {
        orderId: order.id,
        lines: lines.map((line) => ({
          orderLineId: line.id,
          acceptedQuantity: number(line.accepted),
          rejectedQuantity: number(line.rejected),
          rejectionReason: line.reason || null,
        })),
        inspection: {
          inspectorName: inspector,
          temperatureCelsius: temperature ? number(temperature) : null,
          photoUrl,
        },
      },
    });
    setBusy(null);
    if (result.status === 'error') setError(result.error);
    else {
      setOutcome(result.status);
      if (result.status === 'done') onReceived();
    }
  };

  return (
    <form
      className="form card"
      onSubmit={(event) => {
        event.preventDefault();
        void submit();
      }}
    >
      {order.lines.map((line, index) => (
        <fieldset key={line.id} className="line">
          <legend>
            {commodityName(line.commodity, locale)} · {formatQuantity(line.quantity, locale)}{' '}
            {line.commodity.baseUnit}
          </legend>
          <div className="pair">
            <Field label={t('accepted')}>
              {(props) => (
                <input
                  {...props}
                  inputMode="decimal"
                  value={lines[index].accepted}
                  onChange={(e) =>
                    setLines((all) =>
                      all.map((l, i) => (i === index ? { ...l, accepted: e.target.value } : l)),
                    )
                  }
                />
              )}
            </Field>
            <Field label={t('rejected')}>
              {(props) => (
                <input
                  {...props}
                  inputMode="decimal"
                  value={lines[index].rejected}
                  onChange={(e) =>
                    setLines((all) =>
                      all.map((l, i) => (i === index ? { ...l, rejected: e.target.value } : l)),
                    )
                  }
                />
              )}
            </Field>
          </div>
          <Field label={t('rejectionReason')}>
            {(props) => (
              <input
                {...props}
                value={lines[index].reason}
                onChange={(e) =>
                  setLines((all) => all.map((l, i) => (i === index ? { ...l, reason: e.target.value } : l)))
                }
              />
            )}
          </Field>
        </fieldset>
      ))}
      <Field label={t('inspector')} error={fieldError(error, 'inspectorName')}>
        {(props) => (
          <input {...props} required value={inspector} onChange={(e) => setInspector(e.target.value)} />
        )}
      </Field>
      <Field label={t('temperature')} error={fieldError(error, 'temperatureCelsius')}>
        {(props) => (
          <input
            {...props}
            inputMode="decimal"
            value={temperature}
            onChange={(e) => setTemperature(e.target.value)}
          />
        )}
      </Field>
      <Field label={t('photo')} error={fieldError(error, 'photoUrl')}>
        {(props) => (
          <input
            {...props}
            type="file"
            accept="image/*"
            capture="environment"
            onChange={(e) => setPhoto(e.target.files?.[0] ?? null)}
          />
        )}
      </Field>
      <ErrorText>{formError(error, ['inspectorName', 'temperatureCelsius', 'photoUrl'])}</ErrorText>
      {busy ? (
        <p className="muted" role="status">
          {busy}
        </p>
      ) : null}
      <QueuedOrDone outcome={outcome} />
      <button type="submit" disabled={busy !== null || outcome !== null}>
        {t('saveReceipt')}
      </button>
    </form>
  );
}

type InvoiceNode = InvoicesResult['invoices']['edges'][number]['node'];

export function InvoicesPage({ role }: { role: 'kitchen' | 'cooperative' }) {
  const { t, locale, zone } = useSession();
  const list = usePaged(Invoices, (result) => result.invoices);
  const today = localDate(zone);
  const spending = useQuery(KitchenHome, { cycleStart: fundingCycleStart(today) }, role !== 'kitchen');
  return (
    <Page title={t('invoices')}>
      <Loading state={list} />
      <ul className="cards">
        {list.nodes.map((invoice) => (
          <InvoiceCard key={invoice.id} invoice={invoice} canPay={role === 'kitchen'} />
        ))}
      </ul>
      <LoadMore hasNext={list.hasNext} onMore={list.loadMore} />
      {spending.data ? <SpendingCard spending={spending.data.kitchenSpending} /> : null}
      {list.data && list.nodes.length === 0 ? (
        <p className="muted">{locale === 'id' ? 'Belum ada tagihan.' : 'No invoices yet.'}</p>
      ) : null}
    </Page>
  );
}

function InvoiceCard({ invoice, canPay }: { invoice: InvoiceNode; canPay: boolean }) {
  const { t, locale, zone } = useSession();
  const owed = invoice.total - invoice.paid;
  const [open, setOpen] = useState(false);
  const [amount, setAmount] = useState(String(owed));
  const [reference, setReference] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [outcome, setOutcome] = useState<'queued' | 'done' | null>(null);
  return (
    <li className="card" aria-label={invoice.number}>
      <div className="row-head">
        <strong>{invoice.number}</strong>
        <StatusBadge kind="InvoiceStatus" value={invoice.status} />
      </div>
      <p>
        {invoice.cooperative.name} · {invoice.order.number}
        <br />
        <span className="muted">{formatDateTime(invoice.issuedAt, zone, locale)}</span>
      </p>
      <dl className="figures">
        <dt>{t('total')}</dt>
        <dd>{formatRupiah(invoice.total, locale)}</dd>
        <dt>{t('paid')}</dt>
        <dd>{formatRupiah(invoice.paid, locale)}</dd>
        <dt>{t('owed')}</dt>
        <dd>{formatRupiah(owed, locale)}</dd>
      </dl>
      {canPay && owed > 0 && !open ? (
        <button type="button" onClick={() => setOpen(true)}>
          {t('recordPayment')}
        </button>
      ) : null}
      {open && outcome === null ? (
        <form
          className="form"
          onSubmit={async (event) => {
            event.preventDefault();
            setError(null);
            const result = await mutate(RecordPayment, {
              invoiceId: invoice.id,
              amount: Number(amount.replace(/\D/g, '')),
              reference,
            });
            if (result.status === 'error') setError(result.error);
            else setOutcome(result.status);
          }}
        >
          <Field label={t('amount')} error={fieldError(error, 'amount')}>
            {(props) => (
              <input
                {...props}
                inputMode="numeric"
                required
                value={amount}
                onChange={(e) => setAmount(e.target.value)}
              />
            )}
          </Field>
          <Field label={t('reference')} error={fieldError(error, 'reference')}>
            {(props) => (
              <input {...props} required value={reference} onChange={(e) => setReference(e.target.value)} />
            )}
          </Field>
          <ErrorText>{formError(error, ['amount', 'reference'])}</ErrorText>
          <button type="submit">{t('savePayment')}</button>
        </form>
      ) : null}
      <QueuedOrDone outcome={outcome} />
    </li>
  );
}
