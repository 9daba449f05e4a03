/**
 * The city coordinator's desk: the live dashboard, alerts with their audit trail, the region's
 * cooperatives, the market policy and onboarding. Loaded only when a coordinator opens it, so
 * kitchens and cooperatives on a 3G phone never download it.
 */
import { useEffect, useState } from 'react';
import { authToken, mutate, query, type ApiError } from '../api/client.js';
import {
  AuditTrail,
  CoordinatorDashboard,
  CreateUser,
  DayFulfilment,
  MarketPolicyOf,
  RegionCooperatives,
  RegionOrganizations,
  RegisterOrganization,
  ReinstateCooperative,
  SuspendCooperative,
  UpdateMarketPolicy,
  type CertificateKind,
  type OrganizationKind,
  type Role,
} from '../api/generated.js';
import { BarChart } from '../charts.js';
import { useMarketActivity } from '../desk/market-live.js';
import {
  formatDate,
  formatDateTime,
  formatPercent,
  formatQuantity,
  formatRupiah,
  localDate,
} from '../format.js';
import { useQuery, useSession } from '../session.js';
import { ErrorText, Field, Link, LoadMore, Loading, Notice, Page, fieldError, formError } from '../ui.js';

const percent = formatPercent;

const PERIODS = [1, 7, 30, 90] as const;
type PeriodDays = (typeof PERIODS)[number];
const PERIOD_LABEL = { 1: 'periodToday', 7: 'period7', 30: 'period30', 90: 'period90' } as const;

/** Delivery dates from `days - 1` days ago through tomorrow (what kitchens order today arrives then). */
function periodOf(zone: Parameters<typeof localDate>[0], days: PeriodDays) {
  return { from: localDate(zone, -(days - 1)), to: localDate(zone, 1) };
}

function useRegion() {
  const { user } = useSession();
  return user?.organization?.regionCode ?? '';
}

function PeriodSelect({ value, onChange }: { value: PeriodDays; onChange: (days: PeriodDays) => void }) {
  const { t } = useSession();
  return (
    <Field label={t('period')}>
      {(props) => (
        <select {...props} value={value} onChange={(e) => onChange(Number(e.target.value) as PeriodDays)}>
          {PERIODS.map((days) => (
            <option key={days} value={days}>
              {t(PERIOD_LABEL[days])}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

function LiveIndicator({ connected }: { connected: boolean }) {
  const { t } = useSession();
  return (
    <p role="status" className="muted">
      <span className={connected ? 'live' : 'live off'}>{connected ? t('live') : t('disconnected')}</span>{' '}
      <span className="hint">{connected ? t('liveHint') : t('disconnectedHint')}</span>
    </p>
  );
}

/** Fetches the export with the bearer token and hands it to the browser as a download. */
function DownloadButtons({ regionCode, from, to }: { regionCode: string; from: string; to: string }) {
  const { t, locale } = useSession();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  async function download(ext: 'csv' | 'xlsx') {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const params = new URLSearchParams({ regionCode, from, to });
      const response = await fetch(`/exports/fulfilment.${ext}?${params}`, {
        headers: { authorization: `Bearer ${authToken() ?? ''}`, 'accept-language': locale },
      });
      if (!response.ok) {
        const body = (await response.json().catch(() => ({}))) as {
          message?: string;
          messages?: Record<string, string>;
        };
        throw new Error(body.messages?.[locale] ?? body.message ?? `HTTP ${response.status}`);
      }
      const named = /filename="?([^";]+)"?/.exec(response.headers.get('content-disposition') ?? '');
      const file = named?.[1] ?? `pemenuhan-${regionCode}-${from}-${to}.${ext}`;
      const url = URL.createObjectURL(await response.blob());
      const link = document.createElement('a');
      link.href = url;
      link.download = file;
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setDone(t('downloadReady', { file }));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div>
      <div className="buttons">
        <button type="button" className="secondary" disabled={busy} onClick={() => void download('csv')}>
          {t('downloadCsv')}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => void download('xlsx')}>
          {t('downloadExcel')}
        </button>
      </div>
      {busy ? (
        <p className="muted" role="status">
          {t('downloading')}
        </p>
      ) : null}
      <Notice>{done}</Notice>
      <ErrorText>{error}</ErrorText>
    </div>
  );
}

interface DayRate {
  date: string;
  fillRate: number | null;
  onTimeRate: number | null;
}

/** Fill and on-time rates per delivery day: one small report per day, the last 14 days at most. */
function useDailyRates(regionCode: string, from: string, to: string, version: number): DayRate[] {
  const [days, setDays] = useState<DayRate[]>([]);
  useEffect(() => {
    if (!regionCode) return;
    let live = true;
    const dates: string[] = [];
    for (let d = new Date(`${to}T00:00:00Z`); dates.length < 14; d = new Date(d.getTime() - 86_400_000)) {
      const date = d.toISOString().slice(0, 10);
      if (date < from) break;
      dates.unshift(date);
    }
    void Promise.all(
      dates.map((date) =>
        query(DayFulfilment, { regionCode, from: date, to: date })
          .then((result) => ({
            date,
            fillRate: result.fulfilmentReport.demandedQuantity > 0 ? result.fulfilmentReport.fillRate : null,
            onTimeRate:
              result.fulfilmentReport.demandedQuantity > 0 ? result.fulfilmentReport.onTimeRate : null,
          }))
          .catch(() => ({ date, fillRate: null, onTimeRate: null })),
      ),
    ).then((rates) => live && setDays(rates));
    return () => {
      live = false;
    };
  }, [regionCode, from, to, version]);
  return days;
}

export function DashboardPage() {
  const { t, locale, zone } = useSession();
  const regionCode = useRegion();
  const [days, setDays] = useState<PeriodDays>(30);
  const { from, to } = periodOf(zone, days);
  const state = useQuery(CoordinatorDashboard, { regionCode, from, to }, !regionCode);
  const [refreshes, setRefreshes] = useState(0);
  const { connected, events } = useMarketActivity(regionCode, locale, () => {
    state.reload();
    setRefreshes((n) => n + 1);
  });
  const daily = useDailyRates(regionCode, from, to, refreshes);
  const data = state.data;
  const report = data?.fulfilmentReport;
  const pct = (value: number) => percent(value, locale);
  const rupiah = (value: number) => formatRupiah(Math.round(value), locale);
  const short = (date: string) => formatDate(date, locale).replace(/ \d{4}$/, '');
  const minSuppliers = data?.kitchenCompliance[0]?.minSuppliersPerKitchen ?? 15;
  const budget = data?.kitchenCompliance[0]?.budgetPerPortion;
  return (
    <Page title={t('dashboard')}>
      <LiveIndicator connected={connected} />
      <div className="desk-bar">
        <PeriodSelect value={days} onChange={setDays} />
        <DownloadButtons regionCode={regionCode} from={from} to={to} />
      </div>
      <p className="muted">
        {formatDate(from, locale)} – {formatDate(to, locale)}
      </p>
      <Loading state={state} />
      {report ? (
        <section aria-labelledby="totals-title">
          <h2 id="totals-title" className="sr-only">
            {t('summary')}
          </h2>
          <dl className="totals">
            <div>
              <dt>{t('demanded')}</dt>
              <dd>{formatQuantity(report.demandedQuantity, locale)}</dd>
            </div>
            <div>
              <dt>{t('awarded')}</dt>
              <dd>{formatQuantity(report.awardedQuantity, locale)}</dd>
            </div>
            <div>
              <dt>{t('receivedQty')}</dt>
              <dd>{formatQuantity(report.receivedQuantity, locale)}</dd>
            </div>
            <div>
              <dt>{t('fillRate')}</dt>
              <dd>{pct(report.fillRate)}</dd>
            </div>
            <div>
              <dt>{t('onTimeRate')}</dt>
              <dd>{pct(report.onTimeRate)}</dd>
            </div>
            <div>
              <dt>{t('rejectionRate')}</dt>
              <dd>{pct(report.rejectionRate)}</dd>
            </div>
            <div>
              <dt>{t('spend')}</dt>
              <dd>{formatRupiah(report.spend, locale)}</dd>
            </div>
            <div>
              <dt>{t('spendAtReference')}</dt>
              <dd>{formatRupiah(report.spendAtReference, locale)}</dd>
            </div>
          </dl>
        </section>
      ) : null}
      <section className="card" aria-labelledby="activity-title">
        <h2 id="activity-title">{t('marketActivity')}</h2>
        {events.length === 0 ? <p className="muted">{t('noActivity')}</p> : null}
        <ul className="rows" aria-live="polite">
          {events.slice(0, 6).map((event, i) => (
            <li key={`${event.entityId}-${event.kind}-${event.at}-${i}`}>
              {event.summary}
              <br />
              <span className="muted">{formatDateTime(event.at, zone, locale)}</span>{' '}
              <Link to={`/kota/jejak/${event.entityId}`}>{t('showAudit')}</Link>
            </li>
          ))}
        </ul>
      </section>
      {data ? (
        <div className="charts">
          <BarChart
            name={t('chartFulfilment')}
            caption={t('chartFulfilmentCaption')}
            series={[
              { label: t('fillRate'), tone: 'a' },
              { label: t('onTimeRate'), tone: 'b' },
            ]}
            rows={data.publicScorecards.map((card) => ({
              label: card.kitchen.name,
              values: [card.fillRate, card.onTimeRate],
            }))}
            headers={[t('kitchenCol'), t('fillRate'), t('onTimeRate')]}
            format={pct}
            max={1}
            emptyText={t('chartNoData')}
          />
          <BarChart
            name={t('chartFillByDay')}
            caption={t('chartFillByDay').replace(/^(Grafik|Chart:) /, '')}
            series={[
              { label: t('fillRate'), tone: 'a' },
              { label: t('onTimeRate'), tone: 'b' },
            ]}
            rows={daily
              .filter((day) => day.fillRate !== null)
              .map((day) => ({ label: short(day.date), values: [day.fillRate, day.onTimeRate] }))}
            headers={[t('dayCol'), t('fillRate'), t('onTimeRate')]}
            format={pct}
            max={1}
            emptyText={t('chartNoData')}
          />
          <BarChart
            name={t('chartSpend')}
            caption={t('chartSpend').replace(/^(Grafik|Chart:) /, '')}
            series={[
              { label: t('spend'), tone: 'a' },
              { label: t('spendAtReference'), tone: 'c' },
            ]}
            rows={(report?.byCommodity ?? [])
              .filter((row) => row.spend > 0)
              .map((row) => ({
                label: locale === 'id' ? row.commodity.nameId : row.commodity.name,
                values: [
                  row.spend,
                  row.referenceUnitPrice !== null && row.referenceUnitPrice !== undefined
                    ? row.referenceUnitPrice * row.receivedQuantity
                    : null,
                ],
                flagged:
                  row.referenceUnitPrice !== null &&
                  row.referenceUnitPrice !== undefined &&
                  row.spend > row.referenceUnitPrice * row.receivedQuantity,
              }))}
            headers={[t('commodityCol'), t('spend'), t('spendAtReference')]}
            format={rupiah}
            emptyText={t('chartNoData')}
          />
          <BarChart
            name={t('chartSuppliers')}
            caption={t('chartSuppliers').replace(/^(Grafik|Chart:) /, '')}
            series={[{ label: t('distinctSuppliers'), tone: 'a' }]}
            rows={data.kitchenCompliance.map((row) => ({
              label: row.kitchen.name,
              values: [row.distinctSuppliers],
              flagged: !row.meetsSupplierRule,
            }))}
            target={{ value: minSuppliers, label: t('target', { value: minSuppliers }) }}
            headers={[t('kitchenCol'), t('distinctSuppliers')]}
            format={(n) => String(n)}
            emptyText={t('chartNoData')}
          />
          <BarChart
            name={t('chartCost')}
            caption={t('chartCost').replace(/^(Grafik|Chart:) /, '')}
            series={[{ label: t('costPerPortion'), tone: 'a' }]}
            rows={data.kitchenCompliance.map((row) => ({
              label: row.kitchen.name,
              values: [row.costPerPortion ?? null],
              flagged:
                row.costPerPortion !== null &&
                row.costPerPortion !== undefined &&
                row.costPerPortion > row.budgetPerPortion,
            }))}
            target={
              budget !== undefined
                ? { value: budget, label: t('budget', { value: rupiah(budget) }) }
                : undefined
            }
            headers={[t('kitchenCol'), t('costPerPortion')]}
            format={rupiah}
            emptyText={t('chartNoData')}
          />
          <BarChart
            name={t('chartLocal')}
            caption={t('chartLocal').replace(/^(Grafik|Chart:) /, '')}
            series={[{ label: t('localShare'), tone: 'c' }]}
            rows={data.kitchenCompliance.map((row) => ({
              label: row.kitchen.name,
              values: [row.localShare],
            }))}
            headers={[t('kitchenCol'), t('localShare')]}
            format={pct}
            max={1}
            emptyText={t('chartNoData')}
          />
        </div>
      ) : null}
      {data ? (
        <section className="card" aria-labelledby="alerts-title">
          <h2 id="alerts-title">{t('alerts')}</h2>
          <AlertRows alerts={data.alerts.slice(0, 5)} />
          {data.alerts.length > 5 ? <Link to="/kota/peringatan">{t('alerts')}</Link> : null}
        </section>
      ) : null}
    </Page>
  );
}

function AlertRows({
  alerts,
}: {
  alerts: { id: string; message: string; messageId: string; entityId: string; createdAt: string }[];
}) {
  const { t, locale, zone } = useSession();
  if (alerts.length === 0) return <p className="muted">{t('noAlerts')}</p>;
  return (
    <ul className="rows">
      {alerts.map((alert) => (
        <li key={alert.id}>
          {locale === 'id' ? alert.messageId : alert.message}
          <br />
          <span className="muted">{formatDateTime(alert.createdAt, zone, locale)}</span>{' '}
          <Link to={`/kota/jejak/${alert.entityId}`}>{t('showAudit')}</Link>
        </li>
      ))}
    </ul>
  );
}

const ALERTS_PAGE = 20;

/** All alerts of the region (the API answers them in one list; shown a page at a time). */
export function AlertsPage() {
  const { t, zone } = useSession();
  const regionCode = useRegion();
  const { from, to } = periodOf(zone, 1);
  const state = useQuery(CoordinatorDashboard, { regionCode, from, to }, !regionCode);
  const [shown, setShown] = useState(ALERTS_PAGE);
  const alerts = state.data?.alerts ?? [];
  return (
    <Page title={t('alerts')}>
      <Loading state={state} />
      {state.data ? (
        <section className="card" aria-label={t('alerts')}>
          <AlertRows alerts={alerts.slice(0, shown)} />
          <LoadMore hasNext={alerts.length > shown} onMore={() => setShown((n) => n + ALERTS_PAGE)} />
        </section>
      ) : null}
    </Page>
  );
}

function pretty(json: string | null | undefined): string | null {
  if (!json) return null;
  try {
    return JSON.stringify(JSON.parse(json), null, 1);
  } catch {
    return json;
  }
}

export function AuditPage({ entityId }: { entityId: string }) {
  const { t, locale, zone } = useSession();
  const state = useQuery(AuditTrail, { entityId });
  const entries = state.data?.auditTrail ?? [];
  return (
    <Page title={t('auditTrail')}>
      <p className="muted">{t('auditOf', { id: entityId })}</p>
      <Loading state={state} />
      {state.data && entries.length === 0 ? <p className="card muted">{t('noAudit')}</p> : null}
      <ol className="rows card audit">
        {entries.map((entry, i) => (
          <li key={`${entry.at}-${i}`}>
            <strong>{entry.action}</strong> · {entry.entityType}
            <br />
            <span className="muted">
              {formatDateTime(entry.at, zone, locale)} · {t('actor')} {entry.actor?.name ?? t('system')}
            </span>
            {pretty(entry.before) ? (
              <pre aria-label={t('before')}>
                {t('before')}: {pretty(entry.before)}
              </pre>
            ) : null}
            {pretty(entry.after) ? (
              <pre aria-label={t('after')}>
                {t('after')}: {pretty(entry.after)}
              </pre>
            ) : null}
          </li>
        ))}
      </ol>
    </Page>
  );
}

export function CooperativesPage() {
  const { t, locale, zone } = useSession();
  const regionCode = useRegion();
  const { from, to } = periodOf(zone, 30);
  const state = useQuery(RegionCooperatives, { regionCode, from, to, after: null }, !regionCode);
  const [more, setMore] = useState<NonNullable<typeof state.data>['organizations']['edges']>([]);
  const [cursor, setCursor] = useState<{ hasNext: boolean; end: string | null } | null>(null);
  const [suspending, setSuspending] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    setMore([]);
    setCursor(null);
  }, [state.data]);
  const page = state.data?.organizations;
  const cooperatives = [...(page?.edges ?? []), ...more].map((edge) => edge.node);
  const hasNext = cursor ? cursor.hasNext : (page?.pageInfo.hasNextPage ?? false);
  const figures = new Map(
    (state.data?.fulfilmentReport.byCooperative ?? []).map((row) => [row.cooperative.id, row]),
  );
  return (
    <Page title={t('cooperatives')}>
      <Loading state={state} />
      <Notice>{notice}</Notice>
      {state.data && cooperatives.length === 0 ? <p className="card muted">{t('noCooperatives')}</p> : null}
      <ul className="cards">
        {cooperatives.map((cooperative) => {
          const row = figures.get(cooperative.id);
          return (
            <li key={cooperative.id} className={cooperative.suspended ? 'card attention' : 'card'}>
              <div className="row-head">
                <h2>{cooperative.name}</h2>
                <span className={cooperative.suspended ? 'badge badge-cancelled' : 'badge badge-received'}>
                  {cooperative.suspended ? t('suspended') : t('activeStatus')}
                </span>
              </div>
              <dl className="figures">
                <dt>{t('awarded')}</dt>
                <dd>{formatQuantity(row?.awardedQuantity ?? 0, locale)}</dd>
                <dt>{t('receivedQty')}</dt>
                <dd>{formatQuantity(row?.receivedQuantity ?? 0, locale)}</dd>
                <dt>{t('rejectionRate')}</dt>
                <dd>{percent(row?.rejectionRate ?? 0, locale)}</dd>
                <dt>{t('revenue')}</dt>
                <dd>{formatRupiah(row?.revenue ?? 0, locale)}</dd>
              </dl>
              {suspending === cooperative.id ? (
                <form
                  className="form"
                  onSubmit={async (event) => {
                    event.preventDefault();
                    setError(null);
                    const result = await mutate(
                      SuspendCooperative,
                      { id: cooperative.id, reason: reason.trim() },
                      { queueOffline: false },
                    );
                    if (result.status === 'error') setError(result.error);
                    else {
                      setSuspending(null);
                      setReason('');
                      setNotice(t('suspendedNotice', { name: cooperative.name }));
                    }
                  }}
                >
                  <Field label={t('suspendReason')} error={fieldError(error, 'reason')}>
                    {(props) => (
                      <input {...props} required value={reason} onChange={(e) => setReason(e.target.value)} />
                    )}
                  </Field>
                  <ErrorText>{formError(error, ['reason'])}</ErrorText>
                  <div className="buttons">
                    <button type="submit" className="danger">
                      {t('confirmSuspend')}
                    </button>
                    <button type="button" className="secondary" onClick={() => setSuspending(null)}>
                      {t('cancel')}
                    </button>
                  </div>
                </form>
              ) : (
                <div className="buttons">
                  {cooperative.suspended ? (
                    <button
                      type="button"
                      onClick={async () => {
                        setError(null);
                        const result = await mutate(
                          ReinstateCooperative,
                          { id: cooperative.id },
                          { queueOffline: false },
                        );
                        if (result.status === 'error') setError(result.error);
                        else setNotice(t('reinstatedNotice', { name: cooperative.name }));
                      }}
                    >
                      {t('reinstate')}
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="secondary"
                      onClick={() => {
                        setError(null);
                        setSuspending(cooperative.id);
                      }}
                    >
                      {t('suspend')}
                    </button>
                  )}
                  <Link to={`/kota/jejak/${cooperative.id}`} className="button secondary">
                    {t('showAudit')}
                  </Link>
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {suspending === null ? <ErrorText>{error?.message}</ErrorText> : null}
      <LoadMore
        hasNext={hasNext}
        onMore={() => {
          const end = cursor ? cursor.end : (page?.pageInfo.endCursor ?? null);
          void query(RegionCooperatives, { regionCode, from, to, after: end }).then((next) => {
            setMore((items) => [...items, ...next.organizations.edges]);
            setCursor({
              hasNext: next.organizations.pageInfo.hasNextPage,
              end: next.organizations.pageInfo.endCursor,
            });
          });
        }}
      />
    </Page>
  );
}

const CERTIFICATE_KINDS: CertificateKind[] = ['BPOM_MD', 'HALAL', 'NKV', 'PIRT', 'SLHS'];

interface PolicyForm {
  maxSuppliersPerLine: string;
  minSuppliersPerKitchen: string;
  budgetPerPortion: string;
  diversityTolerance: string;
  price: string;
  quality: string;
  distance: string;
  reliability: string;
  minAwards: { commodityCode: string; quantity: string }[];
  certificates: { commodityCode: string; kind: CertificateKind }[];
}

function num(value: string): number {
  return Number(value.replace(',', '.'));
}

export function PolicyPage() {
  const { t, locale } = useSession();
  const regionCode = useRegion();
  const state = useQuery(MarketPolicyOf, { regionCode }, !regionCode);
  const [form, setForm] = useState<PolicyForm | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    const policy = state.data?.marketPolicy;
    if (!policy) return;
    setForm({
      maxSuppliersPerLine: String(policy.maxSuppliersPerLine),
      minSuppliersPerKitchen: String(policy.minSuppliersPerKitchen),
      budgetPerPortion: String(policy.budgetPerPortion),
      diversityTolerance: String(policy.diversityTolerance ?? 0),
      price: String(policy.defaultWeights.price),
      quality: String(policy.defaultWeights.quality),
      distance: String(policy.defaultWeights.distance),
      reliability: String(policy.defaultWeights.reliability),
      minAwards: policy.minAwardQuantities.map((row) => ({
        commodityCode: row.commodity.code,
        quantity: String(row.quantity),
      })),
      certificates: policy.requiredCertificates.map((row) => ({
        commodityCode: row.commodity.code,
        kind: row.kind,
      })),
    });
  }, [state.data]);
  // The API's refusal is shown beside its field, which may be far above the button: bring it into view.
  useEffect(() => {
    if (error) document.querySelector('.policy [role="alert"]')?.scrollIntoView({ block: 'center' });
  }, [error]);
  const commodities = state.data?.commodities ?? [];
  const set = (patch: Partial<PolicyForm>) => {
    setSaved(false);
    setForm((current) => (current ? { ...current, ...patch } : current));
  };
  const fields = [
    'maxSuppliersPerLine',
    'minSuppliersPerKitchen',
    'budgetPerPortion',
    'diversityTolerance',
    'defaultWeights',
    'minAwardQuantities',
    'requiredCertificates',
  ];
  const numberField = (key: keyof PolicyForm, label: string, apiField: string, step = '1') => (
    <Field label={label} error={fieldError(error, apiField)}>
      {(props) => (
        <input
          {...props}
          type="number"
          inputMode="decimal"
          step={step}
          min="0"
          required
          value={form ? (form[key] as string) : ''}
          onChange={(e) => set({ [key]: e.target.value } as Partial<PolicyForm>)}
        />
      )}
    </Field>
  );
  const commodityName = (c: { name: string; nameId: string }) => (locale === 'id' ? c.nameId : c.name);
  return (
    <Page title={t('marketPolicy')}>
      <Loading state={state} />
      {form ? (
        <form
          className="form card policy"
          onSubmit={async (event) => {
            event.preventDefault();
            setBusy(true);
            setError(null);
            setSaved(false);
            const result = await mutate(
              UpdateMarketPolicy,
              {
                input: {
                  regionCode,
                  maxSuppliersPerLine: num(form.maxSuppliersPerLine),
                  minSuppliersPerKitchen: num(form.minSuppliersPerKitchen),
                  budgetPerPortion: num(form.budgetPerPortion),
                  diversityTolerance: num(form.diversityTolerance),
                  defaultWeights: {
                    price: num(form.price),
                    quality: num(form.quality),
                    distance: num(form.distance),
                    reliability: num(form.reliability),
                  },
                  minAwardQuantities: form.minAwards.map((row) => ({
                    commodityCode: row.commodityCode,
                    quantity: num(row.quantity),
                  })),
                  requiredCertificates: form.certificates,
                },
              },
              { queueOffline: false },
            );
            setBusy(false);
            if (result.status === 'error') setError(result.error);
            else setSaved(true);
          }}
        >
          {numberField('maxSuppliersPerLine', t('maxSuppliersPerLine'), 'maxSuppliersPerLine')}
          {numberField('minSuppliersPerKitchen', t('minSuppliersPerKitchen'), 'minSuppliersPerKitchen')}
          {numberField('budgetPerPortion', t('budgetPerPortion'), 'budgetPerPortion')}
          {numberField('diversityTolerance', t('diversityTolerance'), 'diversityTolerance', '0.01')}
          <fieldset>
            <legend>{t('weights')}</legend>
            {numberField('price', t('weightPrice'), 'defaultWeights.price', '0.01')}
            {numberField('quality', t('weightQuality'), 'defaultWeights.quality', '0.01')}
            {numberField('distance', t('weightDistance'), 'defaultWeights.distance', '0.01')}
            {numberField('reliability', t('weightReliability'), 'defaultWeights.reliability', '0.01')}
            <ErrorText>{fieldError(error, 'defaultWeights')}</ErrorText>
          </fieldset>
          <fieldset>
            <legend>{t('minAwards')}</legend>
            {form.minAwards.map((row, i) => (
              <div key={i} className="buttons">
                <Field label={`${t('commodityCol')} ${i + 1}`}>
                  {(props) => (
                    <select
                      {...props}
                      value={row.commodityCode}
                      onChange={(e) =>
                        set({
                          minAwards: form.minAwards.map((r, j) =>
                            j === i ? { ...r, commodityCode: e.target.value } : r,
                          ),
                        })
                      }
                    >
                      {commodities.map((c) => (
                        <option key={c.code} value={c.code}>
                          {commodityName(c)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label={`${t('quantity')} ${i + 1}`}>
                  {(props) => (
                    <input
                      {...props}
                      type="number"
                      step="0.001"
                      min="0"
                      value={row.quantity}
                      onChange={(e) =>
                        set({
                          minAwards: form.minAwards.map((r, j) =>
                            j === i ? { ...r, quantity: e.target.value } : r,
                          ),
                        })
                      }
                    />
                  )}
                </Field>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => set({ minAwards: form.minAwards.filter((_, j) => j !== i) })}
                >
                  {t('removeRule')} {i + 1}
                </button>
              </div>
            ))}
            <ErrorText>{fieldError(error, 'minAwardQuantities')}</ErrorText>
            <button
              type="button"
              className="secondary"
              disabled={commodities.length === 0}
              onClick={() =>
                set({ minAwards: [...form.minAwards, { commodityCode: commodities[0].code, quantity: '1' }] })
              }
            >
              {t('addRule')} · {t('minAwards')}
            </button>
          </fieldset>
          <fieldset>
            <legend>{t('requiredCertificates')}</legend>
            {form.certificates.map((row, i) => (
              <div key={i} className="buttons">
                <Field label={`${t('commodityCol')} ${t('certificateKind').toLowerCase()} ${i + 1}`}>
                  {(props) => (
                    <select
                      {...props}
                      value={row.commodityCode}
                      onChange={(e) =>
                        set({
                          certificates: form.certificates.map((r, j) =>
                            j === i ? { ...r, commodityCode: e.target.value } : r,
                          ),
                        })
                      }
                    >
                      {commodities.map((c) => (
                        <option key={c.code} value={c.code}>
                          {commodityName(c)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <Field label={`${t('certificateKind')} ${i + 1}`}>
                  {(props) => (
                    <select
                      {...props}
                      value={row.kind}
                      onChange={(e) =>
                        set({
                          certificates: form.certificates.map((r, j) =>
                            j === i ? { ...r, kind: e.target.value as CertificateKind } : r,
                          ),
                        })
                      }
                    >
                      {CERTIFICATE_KINDS.map((kind) => (
                        <option key={kind} value={kind}>
                          {kind.replace('_', ' ')}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                <button
                  type="button"
                  className="link-button"
                  onClick={() => set({ certificates: form.certificates.filter((_, j) => j !== i) })}
                >
                  {t('removeRule')} {t('certificateKind').toLowerCase()} {i + 1}
                </button>
              </div>
            ))}
            <ErrorText>{fieldError(error, 'requiredCertificates')}</ErrorText>
            <button
              type="button"
              className="secondary"
              disabled={commodities.length === 0}
              onClick={() =>
                set({
                  certificates: [...form.certificates, { commodityCode: commodities[0].code, kind: 'HALAL' }],
                })
              }
            >
              {t('addRule')} · {t('requiredCertificates')}
            </button>
          </fieldset>
          <ErrorText>
            {formError(
              error,
              fields.concat([
                'defaultWeights.price',
                'defaultWeights.quality',
                'defaultWeights.distance',
                'defaultWeights.reliability',
              ]),
            )}
          </ErrorText>
          {saved ? <Notice>{t('policySaved')}</Notice> : null}
          <button type="submit" disabled={busy}>
            {t('savePolicy')}
          </button>
        </form>
      ) : null}
    </Page>
  );
}

const ORGANIZATION_KINDS: OrganizationKind[] = ['KITCHEN', 'COOPERATIVE', 'CONSIGNOR', 'CITY_OFFICE'];
const ROLES: Role[] = ['KITCHEN_MANAGER', 'COOPERATIVE_OPERATOR', 'CITY_COORDINATOR'];

/** Onboarding: organisations of the region and their users. */
export function OrganizationsPage() {
  const { t } = useSession();
  const regionCode = useRegion();
  const state = useQuery(RegionOrganizations, { regionCode, after: null }, !regionCode);
  const [more, setMore] = useState<NonNullable<typeof state.data>['organizations']['edges']>([]);
  const [cursor, setCursor] = useState<{ hasNext: boolean; end: string | null } | null>(null);
  useEffect(() => {
    setMore([]);
    setCursor(null);
  }, [state.data]);
  const organizations = [...(state.data?.organizations.edges ?? []), ...more].map((edge) => edge.node);
  const hasNext = cursor ? cursor.hasNext : (state.data?.organizations.pageInfo.hasNextPage ?? false);

  const [org, setOrg] = useState({
    name: '',
    kind: 'KITCHEN' as OrganizationKind,
    regionCode,
    latitude: '',
    longitude: '',
  });
  const [orgError, setOrgError] = useState<ApiError | null>(null);
  const [orgNotice, setOrgNotice] = useState<string | null>(null);
  const [user, setUser] = useState({
    name: '',
    email: '',
    password: '',
    role: 'KITCHEN_MANAGER' as Role,
    organizationId: '',
  });
  const [userError, setUserError] = useState<ApiError | null>(null);
  const [userNotice, setUserNotice] = useState<string | null>(null);
  const organizationId = user.organizationId || organizations[0]?.id || '';
  return (
    <Page title={t('organizations')}>
      <Loading state={state} />
      <section className="card" aria-labelledby="register-title">
        <h2 id="register-title">{t('registerOrganization')}</h2>
        <form
          className="form"
          onSubmit={async (event) => {
            event.preventDefault();
            setOrgError(null);
            setOrgNotice(null);
            const result = await mutate(
              RegisterOrganization,
              {
                input: {
                  name: org.name.trim(),
                  kind: org.kind,
                  regionCode: org.regionCode.trim() || regionCode,
                  latitude: org.latitude ? num(org.latitude) : null,
                  longitude: org.longitude ? num(org.longitude) : null,
                },
              },
              { queueOffline: false },
            );
            if (result.status === 'error') setOrgError(result.error);
            else if (result.status === 'done') {
              setOrgNotice(t('organizationRegistered', { name: result.data.registerOrganization.name }));
              setUser((u) => ({ ...u, organizationId: result.data.registerOrganization.id }));
              setOrg((o) => ({ ...o, name: '', latitude: '', longitude: '' }));
            }
          }}
        >
          <Field label={t('organizationName')} error={fieldError(orgError, 'name')}>
            {(props) => (
              <input
                {...props}
                required
                value={org.name}
                onChange={(e) => setOrg({ ...org, name: e.target.value })}
              />
            )}
          </Field>
          <Field label={t('organizationKind')} error={fieldError(orgError, 'kind')}>
            {(props) => (
              <select
                {...props}
                value={org.kind}
                onChange={(e) => setOrg({ ...org, kind: e.target.value as OrganizationKind })}
              >
                {ORGANIZATION_KINDS.map((kind) => (
                  <option key={kind} value={kind}>
                    {t(`OrganizationKind_${kind}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('regionCode')} error={fieldError(orgError, 'regionCode')}>
            {(props) => (
              <input
                {...props}
                required
                value={org.regionCode}
                onChange={(e) => setOrg({ ...org, regionCode: e.target.value })}
              />
            )}
          </Field>
          <Field label={t('latitude')} error={fieldError(orgError, 'latitude')}>
            {(props) => (
              <input
                {...props}
                inputMode="decimal"
                value={org.latitude}
                onChange={(e) => setOrg({ ...org, latitude: e.target.value })}
              />
            )}
          </Field>
          <Field label={t('longitude')} error={fieldError(orgError, 'longitude')}>
            {(props) => (
              <input
                {...props}
                inputMode="decimal"
                value={org.longitude}
                onChange={(e) => setOrg({ ...org, longitude: e.target.value })}
              />
            )}
          </Field>
          <ErrorText>
            {formError(orgError, ['name', 'kind', 'regionCode', 'latitude', 'longitude'])}
          </ErrorText>
          <Notice>{orgNotice}</Notice>
          <button type="submit">{t('registerOrganization')}</button>
        </form>
      </section>
      <section className="card" aria-labelledby="user-title">
        <h2 id="user-title">{t('createUser')}</h2>
        <form
          className="form"
          onSubmit={async (event) => {
            event.preventDefault();
            setUserError(null);
            setUserNotice(null);
            const result = await mutate(
              CreateUser,
              {
                input: {
                  name: user.name.trim(),
                  email: user.email.trim(),
                  password: user.password,
                  role: user.role,
                  organizationId,
                },
              },
              { queueOffline: false },
            );
            if (result.status === 'error') setUserError(result.error);
            else if (result.status === 'done') {
              setUserNotice(t('userCreated', { name: result.data.createUser.name }));
              setUser((u) => ({ ...u, name: '', email: '', password: '' }));
            }
          }}
        >
          <Field label={t('organization')} error={fieldError(userError, 'organizationId')}>
            {(props) => (
              <select
                {...props}
                value={organizationId}
                onChange={(e) => setUser({ ...user, organizationId: e.target.value })}
              >
                {organizations.map((o) => (
                  <option key={o.id} value={o.id}>
                    {o.name} · {t(`OrganizationKind_${o.kind}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={t('userName')} error={fieldError(userError, 'name')}>
            {(props) => (
              <input
                {...props}
                required
                value={user.name}
                onChange={(e) => setUser({ ...user, name: e.target.value })}
              />
            )}
          </Field>
          <Field label={t('email')} error={fieldError(userError, 'email')}>
            {(props) => (
              <input
                {...props}
                type="email"
                required
                value={user.email}
                onChange={(e) => setUser({ ...user, email: e.target.value })}
              />
            )}
          </Field>
          <Field label={t('password')} error={fieldError(userError, 'password')}>
            {(props) => (
              <input
                {...props}
                type="password"
                autoComplete="new-password"
                required
                value={user.password}
                onChange={(e) => setUser({ ...user, password: e.target.value })}
              />
            )}
          </Field>
          <Field label={t('role')} error={fieldError(userError, 'role')}>
            {(props) => (
              <select
                {...props}
                value={user.role}
                onChange={(e) => setUser({ ...user, role: e.target.value as Role })}
              >
                {ROLES.map((role) => (
                  <option key={role} value={role}>
                    {t(`Role_${role}`)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <ErrorText>
            {formError(userError, ['organizationId', 'name', 'email', 'password', 'role'])}
          </ErrorText>
          <Notice>{userNotice}</Notice>
          <button type="submit">{t('createUser')}</button>
        </form>
      </section>
      <section className="card" aria-labelledby="orgs-title">
        <h2 id="orgs-title">{t('organizations')}</h2>
        <ul className="rows">
          {organizations.map((o) => (
            <li key={o.id}>
              <strong>{o.name}</strong> · {t(`OrganizationKind_${o.kind}`)} · {o.regionCode}
            </li>
          ))}
        </ul>
        <LoadMore
          hasNext={hasNext}
          onMore={() => {
            const end = cursor ? cursor.end : (state.data?.organizations.pageInfo.endCursor ?? null);
            void query(RegionOrganizations, { regionCode, after: end }).then((next) => {
              setMore((items) => [...items, ...next.organizations.edges]);
              setCursor({
                hasNext: next.organizations.pageInfo.hasNextPage,
                end: next.organizations.pageInfo.endCursor,
              });
            });
          }}
        />
      </section>
    </Page>
  );
}
