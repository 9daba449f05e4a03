import { lazy, Suspense, useEffect } from 'react';
import type { MessageKey } from './i18n.js';
import {
  ConsignorsPage,
  CooperativeOrderPage,
  OffersPage,
  OpenLinesPage,
  StockPage,
} from './pages/cooperative.js';
import {
  DemandFormPage,
  DemandPage,
  DemandsPage,
  InvoicesPage,
  KitchenHomePage,
  KitchenOrderPage,
  OrdersPage,
} from './pages/kitchen.js';
import { shortOrganizationName } from './format.js';
import { LoginPage } from './pages/login.js';

// The coordinator's desk and the public page are loaded when opened: a kitchen on 3G never pays for them.
const desk = () => import('./pages/desk.js');
const DashboardPage = lazy(() => desk().then((m) => ({ default: m.DashboardPage })));
const AlertsPage = lazy(() => desk().then((m) => ({ default: m.AlertsPage })));
const AuditPage = lazy(() => desk().then((m) => ({ default: m.AuditPage })));
const CooperativesPage = lazy(() => desk().then((m) => ({ default: m.CooperativesPage })));
const PolicyPage = lazy(() => desk().then((m) => ({ default: m.PolicyPage })));
const OrganizationsPage = lazy(() => desk().then((m) => ({ default: m.OrganizationsPage })));
const PublicPage = lazy(() => import('./pages/public.js').then((m) => ({ default: m.PublicPage })));

export const PUBLIC_PATH = '/publik';
import { areaRole, homeOf } from './routes.js';
import { useSession } from './session.js';
import { Link, Page } from './ui.js';

const NAVIGATION: Record<string, { to: string; label: MessageKey }[]> = {
  KITCHEN_MANAGER: [
    { to: '/dapur', label: 'home' },
    { to: '/dapur/permintaan', label: 'demands' },
    { to: '/dapur/pesanan', label: 'orders' },
    { to: '/dapur/tagihan', label: 'invoices' },
  ],
  COOPERATIVE_OPERATOR: [
    { to: '/koperasi/permintaan', label: 'openLines' },
    { to: '/koperasi/stok', label: 'stock' },
    { to: '/koperasi/penawaran', label: 'offers' },
    { to: '/koperasi/pesanan', label: 'orders' },
    { to: '/koperasi/tagihan', label: 'invoices' },
    { to: '/koperasi/penitip', label: 'consignors' },
  ],
  CITY_COORDINATOR: [
    { to: '/kota', label: 'dashboard' },
    { to: '/kota/peringatan', label: 'alerts' },
    { to: '/kota/koperasi', label: 'cooperatives' },
    { to: '/kota/kebijakan', label: 'marketPolicy' },
    { to: '/kota/organisasi', label: 'organizations' },
  ],
};

function route(path: string, t: (key: MessageKey) => string) {
  const match = (pattern: RegExp) => pattern.exec(path);
  let m: RegExpExecArray | null;
  if (path === '/dapur') return <KitchenHomePage />;
  if (path === '/dapur/permintaan') return <DemandsPage />;
  if (path === '/dapur/permintaan/baru') return <DemandFormPage key={location.search} />;
  if ((m = match(/^\/dapur\/permintaan\/([\w-]+)$/))) return <DemandPage id={m[1]} />;
  if (path === '/dapur/pesanan') return <OrdersPage base="/dapur/pesanan" />;
  if ((m = match(/^\/dapur\/pesanan\/([\w-]+)$/))) return <KitchenOrderPage id={m[1]} />;
  if (path === '/dapur/tagihan') return <InvoicesPage role="kitchen" />;
  if (path === '/koperasi/permintaan') return <OpenLinesPage />;
  if (path === '/koperasi/stok') return <StockPage />;
  if (path === '/koperasi/penawaran') return <OffersPage />;
  if (path === '/koperasi/pesanan') return <OrdersPage base="/koperasi/pesanan" />;
  if ((m = match(/^\/koperasi\/pesanan\/([\w-]+)$/))) return <CooperativeOrderPage id={m[1]} />;
  if (path === '/koperasi/tagihan') return <InvoicesPage role="cooperative" />;
  if (path === '/koperasi/penitip') return <ConsignorsPage />;
  if (path === '/kota') return <DashboardPage />;
  if (path === '/kota/peringatan') return <AlertsPage />;
  if ((m = match(/^\/kota\/jejak\/([\w-]+)$/))) return <AuditPage key={m[1]} entityId={m[1]} />;
  if (path === '/kota/koperasi') return <CooperativesPage />;
  if (path === '/kota/kebijakan') return <PolicyPage />;
  if (path === '/kota/organisasi') return <OrganizationsPage />;
  return (
    <Page title={t('notFound')}>
      <p />
    </Page>
  );
}

function Waiting() {
  const { t } = useSession();
  return (
    <main id="main" className="page">
      <p className="muted" role="status">
        {t('loading')}
      </p>
    </main>
  );
}

function NotAllowed() {
  const { t, user } = useSession();
  return (
    <Page title={t('notAllowedTitle')}>
      <div className="card attention" role="alert">
        <p>{t('notAllowedBody')}</p>
        <Link to={user ? homeOf(user.role) : '/masuk'} className="button">
          {t('backHome')}
        </Link>
      </div>
    </Page>
  );
}

export function App() {
  const { user, path, navigate, t, locale, setLocale, signOut, pending, notice } = useSession();

  useEffect(() => {
    if (path === PUBLIC_PATH) return;
    if (!user && path !== '/masuk') navigate('/masuk');
    else if (user && (path === '/' || path === '/masuk')) navigate(homeOf(user.role));
  }, [user, path, navigate]);

  if (path === PUBLIC_PATH) {
    return (
      <Suspense fallback={<Waiting />}>
        <PublicPage />
      </Suspense>
    );
  }
  if (!user || path === '/masuk') return <LoginPage />;
  const area = areaRole(path);
  const allowed = area === null || area === user.role;
  return (
    <>
      <a className="skip" href="#main">
        {locale === 'id' ? 'Langsung ke isi' : 'Skip to content'}
      </a>
      <header className="top">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            PG
          </span>
          <span>
            <strong>{t('appName')}</strong>
            <br />
            <small title={user.organization?.name ?? user.name}>
              {shortOrganizationName(user.organization?.name ?? user.name)}
            </small>
          </span>
        </div>
        <div className="top-actions">
          <button
            type="button"
            className="ghost"
            lang={locale === 'id' ? 'en' : 'id'}
            onClick={() => setLocale(locale === 'id' ? 'en' : 'id')}
          >
            {t('switchLanguage')}
          </button>
          <button type="button" className="ghost" onClick={signOut}>
            {t('signOut')}
          </button>
        </div>
      </header>
      <nav aria-label={t('mainNav')} className="nav">
        {(NAVIGATION[user.role] ?? []).map((item) => (
          <Link key={item.to} to={item.to}>
            {t(item.label)}
          </Link>
        ))}
      </nav>
      {pending > 0 ? (
        <p className="queued banner" role="status">
          <strong>{t('waitingForSignal')}</strong> {t('waitingCount', { n: pending })}
        </p>
      ) : null}
      {notice ? (
        <p className="error banner" role="alert">
          {notice}
        </p>
      ) : null}
      {NAVIGATION[user.role] ? (
        allowed ? (
          <Suspense fallback={<Waiting />}>{route(path, t)}</Suspense>
        ) : (
          <NotAllowed />
        )
      ) : (
        <Page title={t('wrongRole')}>{null}</Page>
      )}
    </>
  );
}
