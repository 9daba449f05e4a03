import { useEffect, useId, useRef, useState } from 'react';
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
  type OfferStatus,
  type OpenDemandLinesResult,
  type QualityGrade,
  type StockSource,
} from '../api/generated.js';
import { useNow } from '../clock.js';
import {
  draftFor,
  errorTarget,
  parseQuantity,
  parseRupiah,
  quantityForLot,
  usableLots,
  type OfferDraft,
} from '../offer-batch.js';
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
  // Lines picked for the many-at-once offer, with what the operator set for each.
  const [drafts, setDrafts] = useState<Record<string, OfferDraft>>({});
  const [sent, setSent] = useState<Record<string, OfferStatus | 'QUEUED'>>({});
  const [batchError, setBatchError] = useState<{
    lineId: string | null;
    field: string | null;
    error: ApiError;
  } | null>(null);
  const [sending, setSending] = useState(false);
  const [sentCount, setSentCount] = useState<{ n: number; queued: boolean } | null>(null);
  const picked = list.nodes.filter((line) => drafts[line.id]);
  const lotsOf = (line: OpenLine) => lots.filter((lot) => lot.commodity.code === line.commodity.code);

  async function sendAll() {
    setBatchError(null);
    setSentCount(null);
    setSending(true);
    const result = await mutate(SubmitOffers, {
      input: picked.map((line) => ({
        demandLineId: line.id,
        stockLotId: drafts[line.id]!.lotId,
        quantity: parseQuantity(drafts[line.id]!.quantity),
        unitPrice: parseRupiah(drafts[line.id]!.unitPrice),
      })),
    });
    setSending(false);
    if (result.status === 'error') {
      const target = errorTarget(result.error);
      const line = target.index === null ? undefined : picked[target.index];
      setBatchError({ lineId: line?.id ?? null, field: target.field, error: result.error });
      return;
    }
    const statuses: Record<string, OfferStatus | 'QUEUED'> = {};
    picked.forEach((line, index) => {
      statuses[line.id] = result.status === 'done' ? result.data.submitOffers[index]!.status : 'QUEUED';
    });
    setSent((before) => ({ ...before, ...statuses }));
    setDrafts({});
    setSentCount({ n: picked.length, queued: result.status === 'queued' });
  }

  return (
    <Page title={t('openLines')}>
      <Loading state={list} />
      {list.data && list.nodes.length === 0 ? <p className="muted">{t('noOpenLines')}</p> : null}
      {list.nodes.some((line) => draftFor(lotsOf(line), line)) ? (
        <p className="muted">{t('pickLinesHint')}</p>
      ) : null}
      <ul className="cards">
        {list.nodes.map((line) => (
          <OpenLineCard
            key={line.id}
            line={line}
            lots={lotsOf(line)}
            draft={drafts[line.id] ?? null}
            onDraft={(draft) => {
              setSentCount(null);
              setDrafts((before) => {
                const next = { ...before };
                if (draft) next[line.id] = draft;
                else delete next[line.id];
                return next;
              });
            }}
            batchError={batchError && batchError.lineId === line.id ? batchError : null}
            sentStatus={sent[line.id] ?? null}
          />
        ))}
      </ul>
      <LoadMore hasNext={list.hasNext} onMore={list.loadMore} />
      {picked.length > 0 || sentCount || batchError ? (
        <section className="batch-bar" aria-label={t('sendAllOffers')}>
          {batchError && batchError.lineId === null ? (
            <ErrorText>{batchError.error.message}</ErrorText>
          ) : null}
          {sentCount ? (
            sentCount.queued ? (
              <Waiting outcome="queued" />
            ) : (
              <Notice>{t('offersSent', { n: sentCount.n })}</Notice>
            )
          ) : null}
          {picked.length > 0 ? (
            <div className="row-head">
              <span>
                <strong>{t('linesPicked', { n: picked.length })}</strong>
                <br />
                <small className="muted">{t('allOrNothing')}</small>
              </span>
              <button type="button" disabled={sending} onClick={() => void sendAll()}>
                {t('sendAllOffers')}
              </button>
            </div>
          ) : null}
        </section>
      ) : null}
    </Page>
  );
}

function OpenLineCard({
  line,
  lots,
  draft,
  onDraft,
  batchError,
  sentStatus,
}: {
  line: OpenLine;
  lots: Lot[];
  draft: OfferDraft | null;
  onDraft: (draft: OfferDraft | null) => void;
  batchError: { field: string | null; error: ApiError } | null;
  sentStatus: OfferStatus | 'QUEUED' | null;
}) {
  const { t, locale } = useSession();
  const now = useNow(30_000);
  const headingId = useId();
  const usable = lots.filter((lot) => lot.availableQuantity > 0);
  const available = usable.reduce((sum, lot) => sum + lot.availableQuantity, 0);
  const pickable = usableLots(lots, line);
  const [open, setOpen] = useState(false);
  const [lotId, setLotId] = useState(usable[0]?.id ?? '');
  const [quantity, setQuantity] = useState(
    String(Math.min(line.quantity, usable[0]?.availableQuantity ?? line.quantity)),
  );
  const [price, setPrice] = useState(line.maxUnitPrice === null ? '' : String(line.maxUnitPrice));
  const [error, setError] = useState<ApiError | null>(null);
  const [outcome, setOutcome] = useState<'queued' | 'done' | null>(null);
  const name = commodityName(line.commodity, locale);
  const batchField = (field: string) =>
    batchError && batchError.field === field ? batchError.error.message : null;
  const draftLot = draft ? pickable.find((lot) => lot.id === draft.lotId) : undefined;
  const draftForm = useRef<HTMLDivElement>(null);
  // The error may concern a line far up the list: bring it into view above the send bar.
  useEffect(() => {
    if (batchError) draftForm.current?.scrollIntoView({ block: 'end' });
  }, [batchError]);
  return (
    <li className={draft ? 'card picked' : 'card'} aria-label={`${name} · ${line.demand.kitchen.name}`}>
      <div className="row-head">
        <h2 id={`${headingId}-title`}>
          {name} · {formatQuantity(line.quantity, locale)} {line.commodity.baseUnit}
        </h2>
        {pickable.length > 0 && sentStatus === null && outcome === null ? (
          <label className="check pick">
            <input
              type="checkbox"
              checked={draft !== null}
              aria-describedby={`${headingId}-title ${headingId}-kitchen`}
              onChange={(e) => {
                setOpen(false);
                onDraft(e.target.checked ? draftFor(pickable, line) : null);
              }}
            />
            {t('pickLine')}
          </label>
        ) : null}
        {sentStatus && sentStatus !== 'QUEUED' ? <StatusBadge kind="OfferStatus" value={sentStatus} /> : null}
      </div>
      <p className="countdown">
        {t('closesIn', { time: formatCountdown(line.demand.biddingClosesAt, now, locale) })}
      </p>
      <p id={`${headingId}-kitchen`}>
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
      {draft ? (
        <div className="form" ref={draftForm}>
          <Field label={t('stockLot')} error={batchField('stockLotId')}>
            {(props) => (
              <select
                {...props}
                value={draft.lotId}
                onChange={(e) => {
                  const lot = pickable.find((candidate) => candidate.id === e.target.value);
                  onDraft({ ...draft, lotId: e.target.value, quantity: quantityForLot(lot, line) });
                }}
              >
                {pickable.map((lot) => (
                  <option key={lot.id} value={lot.id}>
                    {t('grade')} {lot.grade} ·{' '}
                    {t('available', { q: formatQuantity(lot.availableQuantity, locale) })}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <div className="pair">
            <Field
              label={t('quantity')}
              error={batchField('quantity')}
              hint={`${line.commodity.baseUnit} · ≤ ${formatQuantity(
                Math.min(line.quantity, draftLot?.availableQuantity ?? line.quantity),
                locale,
              )}`}
            >
              {(props) => (
                <input
                  {...props}
                  inputMode="decimal"
                  required
                  value={draft.quantity}
                  onChange={(e) => onDraft({ ...draft, quantity: e.target.value })}
                />
              )}
            </Field>
            <Field
              label={t('unitPrice')}
              error={batchField('unitPrice')}
              hint={`Rp / ${line.commodity.baseUnit}`}
            >
              {(props) => (
                <input
                  {...props}
                  inputMode="numeric"
                  required
                  value={draft.unitPrice}
                  onChange={(e) => onDraft({ ...draft, unitPrice: e.target.value })}
                />
              )}
            </Field>
          </div>
          {batchError && !['stockLotId', 'quantity', 'unitPrice'].includes(batchError.field ?? '') ? (
            <ErrorText>{batchError.error.message}</ErrorText>
          ) : null}
        </div>
      ) : null}
      {sentStatus === 'QUEUED' ? <Waiting outcome="queued" /> : null}
      {sentStatus && sentStatus !== 'QUEUED' ? <Notice>{t('offerSent')}</Notice> : null}
      {usable.length > 0 && !open && outcome === null && !draft && sentStatus === null ? (
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
