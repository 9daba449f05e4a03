import { RegionOverview } from '../api/generated.js';
import { formatDate, formatDateTime, formatQuantity, formatRupiah, localDate } from '../format.js';
import { useQuery, useSession } from '../session.js';
import { Loading, Page } from '../ui.js';

function percent(rate: number, locale: string): string {
  return `${(rate * 100).toFixed(1).replace('.', locale === 'id' ? ',' : '.')}%`;
}

/** The region at a glance: fulfilment of the last 30 days and the alerts (the full dashboard is its own issue). */
export function CoordinatorPage({ focus }: { focus: 'dashboard' | 'alerts' }) {
  const { t, locale, zone, user } = useSession();
  const regionCode = user?.organization?.regionCode ?? '';
  const to = localDate(zone, 1);
  const from = localDate(zone, -29);
  const state = useQuery(RegionOverview, { regionCode, from, to });
  const report = state.data?.fulfilmentReport;
  const alerts = (
    <section className="card" aria-labelledby="alerts-title">
      <h2 id="alerts-title">{t('alerts')}</h2>
      {state.data && state.data.alerts.length === 0 ? <p className="muted">{t('noAlerts')}</p> : null}
      <ul className="rows">
        {state.data?.alerts.map((alert) => (
          <li key={alert.id}>
            {locale === 'id' ? alert.messageId : alert.message}
            <br />
            <span className="muted">{formatDateTime(alert.createdAt, zone, locale)}</span>
          </li>
        ))}
      </ul>
    </section>
  );
  return (
    <Page title={focus === 'alerts' ? t('alerts') : t('dashboard')}>
      <Loading state={state} />
      {focus === 'alerts' ? alerts : null}
      {report ? (
        <section className="card" aria-labelledby="report-title">
          <h2 id="report-title">{t('fulfilment')}</h2>
          <p className="muted">
            {formatDate(from, locale)} – {formatDate(to, locale)}
          </p>
          <dl className="figures">
            <dt>{t('fillRate')}</dt>
            <dd>{percent(report.fillRate, locale)}</dd>
            <dt>{t('onTimeRate')}</dt>
            <dd>{percent(report.onTimeRate, locale)}</dd>
            <dt>{t('rejectionRate')}</dt>
            <dd>{percent(report.rejectionRate, locale)}</dd>
            <dt>{t('spend')}</dt>
            <dd>{formatRupiah(report.spend, locale)}</dd>
            <dt>{t('spendAtReference')}</dt>
            <dd>{formatRupiah(report.spendAtReference, locale)}</dd>
          </dl>
          <h3>{t('cooperatives')}</h3>
          <ul className="rows">
            {report.byCooperative.map((row) => (
              <li key={row.cooperative.id}>
                <strong>{row.cooperative.name}</strong>
                <br />
                {formatQuantity(row.receivedQuantity, locale)} / {formatQuantity(row.awardedQuantity, locale)}{' '}
                · {t('rejectionRate')} {percent(row.rejectionRate, locale)} ·{' '}
                {formatRupiah(row.revenue, locale)}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {focus === 'dashboard' ? alerts : null}
    </Page>
  );
}

export function ComingSoonPage({ title }: { title: string }) {
  const { t } = useSession();
  return (
    <Page title={title}>
      <p className="card">{t('comingSoon')}</p>
    </Page>
  );
}
