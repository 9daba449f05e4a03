/**
 * Transparency without sign-in: each kitchen's scorecard for Kota Blitar (`publicScorecards`).
 * Only aggregates per kitchen; never a single offer's price.
 */
import { useState } from 'react';
import { PublicScorecards } from '../api/generated.js';
import { BarChart } from '../charts.js';
import { formatDate, formatPercent, formatRupiah, localDate, zoneOf } from '../format.js';
import { useQuery, useSession } from '../session.js';
import { Field, Link, Loading } from '../ui.js';

const REGION = { code: '35.72', name: 'Kota Blitar' };
const PERIODS = [7, 30, 90] as const;

export function PublicPage() {
  const { t, locale, setLocale } = useSession();
  const zone = zoneOf(REGION.code);
  const [days, setDays] = useState<(typeof PERIODS)[number]>(30);
  const from = localDate(zone, -(days - 1));
  const to = localDate(zone, 1);
  const state = useQuery(PublicScorecards, { regionCode: REGION.code, from, to });
  const cards = state.data?.publicScorecards ?? [];
  const pct = (value: number) => formatPercent(value, locale);
  const rupiah = (value: number) => formatRupiah(Math.round(value), locale);
  const strip = (name: string) => name.replace(/^(Grafik|Chart:) /, '');
  return (
    <main id="main" className="public">
      <div className="public-top">
        <Link to="/masuk">{t('backToSignIn')}</Link>
        <button
          type="button"
          className="secondary"
          lang={locale === 'id' ? 'en' : 'id'}
          onClick={() => setLocale(locale === 'id' ? 'en' : 'id')}
        >
          {t('switchLanguage')}
        </button>
      </div>
      <h1>{t('publicTitle')}</h1>
      <p className="muted">{t('publicIntro', { region: REGION.name })}</p>
      <div className="desk-bar">
        <Field label={t('period')}>
          {(props) => (
            <select
              {...props}
              value={days}
              onChange={(e) => setDays(Number(e.target.value) as (typeof PERIODS)[number])}
            >
              {PERIODS.map((n) => (
                <option key={n} value={n}>
                  {t(n === 7 ? 'period7' : n === 30 ? 'period30' : 'period90')}
                </option>
              ))}
            </select>
          )}
        </Field>
        <p className="muted">
          {formatDate(from, locale)} – {formatDate(to, locale)}
        </p>
      </div>
      <Loading state={state} />
      {state.data && cards.length === 0 ? <p className="card muted">{t('noScorecards')}</p> : null}
      {cards.length > 0 ? (
        <div className="charts">
          <BarChart
            name={t('chartFulfilment')}
            caption={t('chartFulfilmentCaption')}
            series={[
              { label: t('fillRate'), tone: 'a' },
              { label: t('onTimeRate'), tone: 'b' },
            ]}
            rows={cards.map((card) => ({
              label: card.kitchen.name,
              values: [card.fillRate, card.onTimeRate],
            }))}
            headers={[t('kitchenCol'), t('fillRate'), t('onTimeRate')]}
            format={pct}
            max={1}
            emptyText={t('chartNoData')}
          />
          <BarChart
            name={t('chartCost')}
            caption={strip(t('costPerPortion'))}
            series={[{ label: t('costPerPortion'), tone: 'a' }]}
            rows={cards.map((card) => ({ label: card.kitchen.name, values: [card.costPerPortion ?? null] }))}
            headers={[t('kitchenCol'), t('costPerPortion')]}
            format={rupiah}
            emptyText={t('chartNoData')}
          />
          <BarChart
            name={t('chartLocal')}
            caption={strip(t('chartLocal'))}
            series={[{ label: t('localShare'), tone: 'c' }]}
            rows={cards.map((card) => ({ label: card.kitchen.name, values: [card.localShare] }))}
            headers={[t('kitchenCol'), t('localShare')]}
            format={pct}
            max={1}
            emptyText={t('chartNoData')}
          />
          <BarChart
            name={t('chartSuppliers')}
            caption={strip(t('chartSuppliers'))}
            series={[{ label: t('distinctSuppliers'), tone: 'a' }]}
            rows={cards.map((card) => ({ label: card.kitchen.name, values: [card.distinctSuppliers] }))}
            headers={[t('kitchenCol'), t('distinctSuppliers')]}
            format={(n) => String(n)}
            emptyText={t('chartNoData')}
          />
        </div>
      ) : null}
    </main>
  );
}
