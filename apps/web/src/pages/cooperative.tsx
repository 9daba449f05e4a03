import { useState } from 'react';
import { mutate, type ApiError } from '../api/client.js';
import {
  AddStockLot,
  Catalogue,
  Consignors,
  DeclineOrder,
  DispatchOrder,
  MyOffers,
  OpenDemandLines,
  Payables,
  SettleConsignment,
  StockLots,
  SubmitOffers,
  type OpenDemandLinesResult,
  type QualityGrade,
  type StockSource,
} from '../api/generated.js';
import { useNow } from '../clock.js';
import { formatCountdown, formatDate, formatQuantity, formatRupiah, localDate } from '../format.js';
import { usePaged, useQuery, useSession } from '../session.js';
import {
  ErrorText,
  Field,
  fieldError,
  formError,
  Loading,
  LoadMore,
  Notice,
  Page,
  StatusBadge,
} from '../ui.js';
import { commodityName, OrderSummary, useOrder } from './kitchen.js';

type OpenLine = OpenDemandLinesResult['openDemandLines']['edges'][number]['node'];
type Lot = OpenDemandLinesResult['myStockLots']['edges'][number]['node'];

function Waiting({ outcome }: { outcome: 'queued' | 'done' | null }) {
  const { t } = useSession();
  return outcome === 'queued' ? (
    <p className="queued" role="status">
      <strong>{t('waitingForSignal')}</strong> {t('queuedNote')}
    </p>
  ) : null;
}

export function OpenLinesPage() {
  const { t } = useSession();
  const list = usePaged(OpenDemandLines, (result) => result.openDemandLines);
  const lots = list.data?.myStockLots.edges.map((edge) => edge.node) ?? [];
  return (
    <Page title={t('openLines')}>
      <Loading state={list} />
      {list.data && list.nodes.length === 0 ? <p className="muted">{t('noOpenLines')}</p> : null}
      <ul className="cards">
        {list.nodes.map((line) => (
          <OpenLineCard
            key={line.id}
            line={line}
            lots={lots.filter((lot) => lot.commodity.code === line.commodity.code)}
          />
        ))}
      </ul>
      <LoadMore hasNext={list.hasNext} onMore={list.loadMore} />
    </Page>
  );
}

function OpenLineCard({ line, lots }: { line: OpenLine; lots: Lot[] }) {
  const { t, locale } = useSession();
  const now = useNow(30_000);
  const usable = lots.filter((lot) => lot.availableQuantity > 0);
  const available = usable.reduce((sum, lot) => sum + lot.availableQuantity, 0);
  const [open, setOpen] = useState(false);
  const [lotId, setLotId] = useState(usable[0]?.id ?? '');
  const [quantity, setQuantity] = useState(
    String(Math.min(line.quantity, usable[0]?.availableQuantity ?? line.quantity)),
  );
  const [price, setPrice] = useState(line.maxUnitPrice === null ? '' : String(line.maxUnitPrice));
  const [error, setError] = useState<ApiError | null>(null);
  const [outcome, setOutcome] = useState<'queued' | 'done' | null>(null);
  const name = commodityName(line.commodity, locale);
  return (
    <li className="card" aria-label={`${name} · ${line.demand.kitchen.name}`}>
      <h2>
        {name} · {formatQuantity(line.quantity, locale)} {line.commodity.baseUnit}
      </h2>
      <p className="countdown">
        {t('closesIn', { time: formatCountdown(line.demand.biddingClosesAt, now, locale) })}
      </p>
      <p>
        {line.demand.kitchen.name} · {formatDate(line.demand.deliveryDate, locale)}
        {line.maxUnitPrice !== null ? (
          <>
            <br />
            {t('maxPrice')} {formatRupiah(line.maxUnitPrice, locale)} / {line.commodity.baseUnit}
          </>
        ) : null}
        {line.minGrade ? ` · ${t('grade')} ≥ ${line.minGrade}` : ''}
      </p>
      <p className={usable.length ? 'ok' : 'muted'}>
        {usable.length
          ? t('youCouldOffer', { q: `${formatQuantity(available, locale)} ${line.commodity.baseUnit}` })
          : t('noStockForLine')}
      </p>
      {usable.length > 0 && !open && outcome === null ? (
        <button type="button" onClick={() => setOpen(true)}>
          {t('makeOffer')}
        </button>
      ) : null}
      {open && outcome === null ? (
        <form
          className="form"
          onSubmit={async (event) => {
            event.preventDefault();
            setError(null);
            const result = await mutate(SubmitOffers, {
              input: [
                {
                  demandLineId: line.id,
                  stockLotId: lotId,
                  quantity: Number(quantity.replace(',', '.')),
                  unitPrice: Number(price.replace(/\D/g, '')),
                },
              ],
            });
            if (result.status === 'error') setError(result.error);
            else setOutcome(result.status);
          }}
        >
          <Field label={t('stockLot')}>
            {(props) => (
              <select {...props} value={lotId} onChange={(e) => setLotId(e.target.value)}>
                {usable.map((lot) => (
                  <option key={lot.id} value={lot.id}>
                    {t('grade')} {lot.grade} ·{' '}
                    {t('available', { q: formatQuantity(lot.availableQuantity, locale) })}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div className="pair">
            <Field label={t('quantity')} error={fieldError(error, 'quantity')}>
              {(props) => (
                <input
                  {...props}
                  inputMode="decimal"
                  required
                  value={quantity}
                  onChange={(e) => setQuantity(e.target.value)}
                />
              )}
            </Field>
            <Field label={t('unitPrice')} error={fieldError(error, 'unitPrice')}>
              {(props) => (
                <input
                  {...props}
                  inputMode="numeric"
                  required
                  value={price}
                  onChange={(e) => setPrice(e.target.value)}
                />
              )}
            </Field>
          </div>
          <ErrorText>{formError(error, ['quantity', 'unitPrice'])}</ErrorText>
          <button type="submit">{t('sendOffer')}</button>
        </form>
      ) : null}
      {outcome === 'done' ? <Notice>{t('offerSent')}</Notice> : null}
      <Waiting outcome={outcome} />
    </li>
  );
}

export function StockPage() {
  const { t, locale } = useSession();
  const list = usePaged(StockLots, (result) => result.myStockLots);
  const [adding, setAdding] = useState(false);
  return (
    <Page
      title={t('stock')}
      actions={
        adding ? null : (
          <button type="button" onClick={() => setAdding(true)}>
            {t('addStock')}
          </button>
        )
      }
    >
      {adding ? <StockForm onDone={() => setAdding(false)} /> : null}
      <Loading state={list} />
      {list.data && list.nodes.length === 0 ? <p className="muted">{t('noStock')}</p> : null}
      <ul className="cards">
        {list.nodes.map((lot) => (
          <li key={lot.id} className="card">
            <div className="row-head">
              <strong>{commodityName(lot.commodity, locale)}</strong>
              <span className="badge">
                {t('grade')} {lot.grade}
              </span>
            </div>
            <p>
              {formatQuantity(lot.quantity, locale)} {lot.commodity.baseUnit} ·{' '}
              {t('available', { q: formatQuantity(lot.availableQuantity, locale) })} ·{' '}
              {t('reserved', { q: formatQuantity(lot.quantity - lot.availableQuantity, locale) })}
            </p>
            <p className="muted">
              {t(`source_${lot.source}`)}
              {lot.consignor ? ` · ${lot.consignor.name}` : ''}
              {lot.unitCost !== null ? ` · ${t('unitCost')} ${formatRupiah(lot.unitCost, locale)}` : ''}
              {lot.expiresOn ? ` · ${t('expiresOn')} ${formatDate(lot.expiresOn, locale)}` : ''}
            </p>
          </li>
        ))}
      </ul>
      <LoadMore hasNext={list.hasNext} onMore={list.loadMore} />
    </Page>
  );
}

function StockForm({ onDone }: { onDone: () => void }) {
  const { t, locale, user, zone } = useSession();
  const region = user?.organization?.regionCode ?? '';
  const catalogue = useQuery(Catalogue, { regionCode: region });
  const consignors = useQuery(Consignors, { regionCode: region.split('.').slice(0, 2).join('.') });
  const [commodityCode, setCommodityCode] = useState('');
  const [unit, setUnit] = useState('');
  const [grade, setGrade] = useState<QualityGrade>('A');
  const [source, setSource] = useState<StockSource>('OWN');
  const [consignorId, setConsignorId] = useState('');
  const [quantity, setQuantity] = useState('');
  const [unitCost, setUnitCost] = useState('');
  const [expiresOn, setExpiresOn] = useState(localDate(zone, 3));
  const [error, setError] = useState<ApiError | null>(null);
  const [outcome, setOutcome] = useState<'queued' | 'done' | null>(null);
  const commodity = catalogue.data?.commodities.find((c) => c.code === commodityCode);
  return (
    <form
      className="form card"
      onSubmit={async (event) => {
        event.preventDefault();
        setError(null);
        const result = await mutate(AddStockLot, {
          input: {
            commodityCode,
            unit: unit || null,
            grade,
            source,
            consignorId: source === 'OWN' ? null : consignorId || null,
            quantity: Number(quantity.replace(',', '.')),
            unitCost: source !== 'OWN' && unitCost ? Number(unitCost.replace(/\D/g, '')) : null,
            expiresOn: expiresOn || null,
          },
        });
        if (result.status === 'error') setError(result.error);
        else if (result.status === 'queued') setOutcome('queued');
        else onDone();
      }}
    >
      <Field label={t('commodity')} error={fieldError(error, 'commodityCode')}>
        {(props) => (
          <select
            {...props}
            required
            value={commodityCode}
            onChange={(e) => setCommodityCode(e.target.value)}
          >
            <option value="">—</option>
            {catalogue.data?.commodities.map((c) => (
              <option key={c.code} value={c.code}>
                {commodityName(c, locale)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="pair">
        <Field label={t('grade')}>
          {(props) => (
            <select {...props} value={grade} onChange={(e) => setGrade(e.target.value as QualityGrade)}>
              <option value="A">A</option>
              <option value="B">B</option>
              <option value="C">C</option>
            </select>
          )}
        </Field>
        <Field label={t('source')}>
          {(props) => (
            <select {...props} value={source} onChange={(e) => setSource(e.target.value as StockSource)}>
              <option value="OWN">{t('source_OWN')}</option>
              <option value="CONSIGNMENT">{t('source_CONSIGNMENT')}</option>
              <option value="BUMN">{t('source_BUMN')}</option>
            </select>
          )}
        </Field>
      </div>
      <Field label={t('consignor')} error={fieldError(error, 'consignorId')}>
        {(props) => (
          <select
            {...props}
            disabled={source === 'OWN'}
            value={consignorId}
            onChange={(e) => setConsignorId(e.target.value)}
          >
            <option value="">{t('none')}</option>
            {consignors.data?.organizations.edges.map(({ node }) => (
              <option key={node.id} value={node.id}>
                {node.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      <div className="pair">
        <Field label={t('quantity')} error={fieldError(error, 'quantity')}>
          {(props) => (
            <input
              {...props}
              inputMode="decimal"
              required
              value={quantity}
              onChange={(e) => setQuantity(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('unit')}>
          {(props) => (
            <select {...props} value={unit} onChange={(e) => setUnit(e.target.value)}>
              <option value="">{commodity?.baseUnit ?? '—'}</option>
              {commodity?.units.map((u) => (
                <option key={u.code} value={u.code}>
                  {u.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <Field label={t('unitCost')} error={fieldError(error, 'unitCost')}>
        {(props) => (
          <input
            {...props}
            inputMode="numeric"
            disabled={source === 'OWN'}
            value={source === 'OWN' ? '' : unitCost}
            onChange={(e) => setUnitCost(e.target.value)}
          />
        )}
      </Field>
      <Field label={t('expiresOn')} error={fieldError(error, 'expiresOn')}>
        {(props) => (
          <input {...props} type="date" value={expiresOn} onChange={(e) => setExpiresOn(e.target.value)} />
        )}
      </Field>
      <ErrorText>
        {formError(error, ['commodityCode', 'consignorId', 'quantity', 'unitCost', 'expiresOn'])}
      </ErrorText>
      <Waiting outcome={outcome} />
      <div className="buttons">
        <button type="submit">{t('saveStock')}</button>
        <button type="button" className="secondary" onClick={onDone}>
          {t('cancel')}
        </button>
      </div>
    </form>
  );
}

export function OffersPage() {
  const { t, locale } = useSession();
  const list = usePaged(MyOffers, (result) => result.myOffers);
  return (
    <Page title={t('offers')}>
      <Loading state={list} />
      {list.data && list.nodes.length === 0 ? <p className="muted">{t('noOffers')}</p> : null}
      <ul className="cards">
        {list.nodes.map((offer) => {
          const evaluation = offer.line.evaluations.find((e) => e.offer.id === offer.id);
          const winning = offer.line.awards.length
            ? Math.min(...offer.line.awards.map((a) => a.unitPrice))
            : null;
          return (
            <li key={offer.id} className="card">
              <div className="row-head">
                <strong>{commodityName(offer.line.commodity, locale)}</strong>
                <StatusBadge kind="OfferStatus" value={offer.status} />
              </div>
              <p>
                {formatQuantity(offer.quantity, locale)} {offer.line.commodity.baseUnit} ×{' '}
                {formatRupiah(offer.unitPrice, locale)}
                <br />
                {offer.line.demand.kitchen.name} · {formatDate(offer.line.demand.deliveryDate, locale)}
              </p>
              {evaluation ? (
                <p>
                  {t('rank', { n: evaluation.rank })}
                  {winning !== null ? ` · ${t('winningPrice', { p: formatRupiah(winning, locale) })}` : ''}
                </p>
              ) : null}
              {evaluation ? (
                <p className="explanation">
                  {locale === 'id' ? evaluation.explanationId : evaluation.explanation}
                </p>
              ) : null}
            </li>
          );
        })}
      </ul>
      <LoadMore hasNext={list.hasNext} onMore={list.loadMore} />
    </Page>
  );
}

export function CooperativeOrderPage({ id }: { id: string }) {
  const { t } = useSession();
  const { state, order } = useOrder(id);
  const [declining, setDeclining] = useState(false);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [outcome, setOutcome] = useState<'queued' | 'done' | null>(null);
  return (
    <Page title={t('order')}>
      <Loading state={state} />
      {order ? (
        <>
          <OrderSummary order={order} />
          {order.status === 'CONFIRMED' && outcome === null ? (
            <div className="buttons">
              <button
                type="button"
                onClick={async () => {
                  setError(null);
                  const result = await mutate(DispatchOrder, { id: order.id });
                  if (result.status === 'error') setError(result.error);
                  else setOutcome(result.status);
                }}
              >
                {t('dispatch')}
              </button>
              <button type="button" className="danger" onClick={() => setDeclining(true)}>
                {t('decline')}
              </button>
            </div>
          ) : null}
          {declining && order.status === 'CONFIRMED' && outcome === null ? (
            <form
              className="form card"
              onSubmit={async (event) => {
                event.preventDefault();
                setError(null);
                const result = await mutate(DeclineOrder, { id: order.id, reason });
                if (result.status === 'error') setError(result.error);
                else setOutcome(result.status);
              }}
            >
              <Field label={t('reason')} error={fieldError(error, 'reason')}>
                {(props) => (
                  <input {...props} required value={reason} onChange={(e) => setReason(e.target.value)} />
                )}
              </Field>
              <button type="submit" className="danger">
                {t('confirm')}
              </button>
            </form>
          ) : null}
          <ErrorText>{formError(error, ['reason'])}</ErrorText>
          <Waiting outcome={outcome} />
        </>
      ) : null}
    </Page>
  );
}

export function ConsignorsPage() {
  const { t, locale } = useSession();
  const state = useQuery(Payables, {});
  const [selected, setSelected] = useState<string[]>([]);
  const [reference, setReference] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [outcome, setOutcome] = useState<'queued' | 'done' | null>(null);
  const payables = state.data?.consignmentPayables.edges.map((edge) => edge.node) ?? [];
  return (
    <Page title={t('consignors')}>
      <Loading state={state} />
      <section className="card" aria-labelledby="payables-title">
        <h2 id="payables-title">{t('payables')}</h2>
        {state.data && payables.length === 0 ? <p className="muted">{t('noPayables')}</p> : null}
        <form
          className="form"
          onSubmit={async (event) => {
            event.preventDefault();
            setError(null);
            const result = await mutate(SettleConsignment, { payableIds: selected, reference });
            if (result.status === 'error') setError(result.error);
            else {
              setOutcome(result.status);
              setSelected([]);
            }
          }}
        >
          <ul className="rows">
            {payables.map((payable) => (
              <li key={payable.id}>
                <label className="check">
                  <input
                    type="checkbox"
                    checked={selected.includes(payable.id)}
                    onChange={(e) =>
                      setSelected((ids) =>
                        e.target.checked ? [...ids, payable.id] : ids.filter((x) => x !== payable.id),
                      )
                    }
                  />
                  {payable.consignor.name} · {commodityName(payable.stockLot.commodity, locale)}{' '}
                  {formatQuantity(payable.quantity, locale)} {payable.stockLot.commodity.baseUnit} ·{' '}
                  {formatRupiah(payable.amount, locale)}
                </label>
              </li>
            ))}
          </ul>
          {payables.length > 0 ? (
            <>
              <Field label={t('settleReference')} error={fieldError(error, 'reference')}>
                {(props) => (
                  <input
                    {...props}
                    required
                    value={reference}
                    onChange={(e) => setReference(e.target.value)}
                  />
                )}
              </Field>
              <ErrorText>{formError(error, ['reference'])}</ErrorText>
              <button type="submit" disabled={selected.length === 0}>
                {t('settle')}
              </button>
            </>
          ) : null}
          <Waiting outcome={outcome} />
        </form>
      </section>
      <section className="card" aria-labelledby="statements-title">
        <h2 id="statements-title">{t('statements')}</h2>
        <ul className="rows">
          {state.data?.consignorStatements.map((statement) => (
            <li key={statement.consignor.id}>
              <strong>{statement.consignor.name}</strong>
              <br />
              {t('sold', { q: formatQuantity(statement.soldQuantity, locale) })} · {t('owed')}{' '}
              {formatRupiah(statement.owed, locale)} · {t('paid')} {formatRupiah(statement.paid, locale)}
            </li>
          ))}
        </ul>
      </section>
    </Page>
  );
}
