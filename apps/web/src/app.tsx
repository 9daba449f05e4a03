import { useEffect } from 'react';
import type { MessageKey } from './i18n.js';
import {
  ConsignorsPage,
  CooperativeOrderPage,
  OffersPage,
  OpenLinesPage,
  StockPage,
} from './pages/cooperative.js';
import { ComingSoonPage, CoordinatorPage } from './pages/coordinator.js';
import {
  DemandFormPage,
  DemandPage,
  DemandsPage,
  InvoicesPage,
  KitchenHomePage,
  KitchenOrderPage,
  OrdersPage,
} from './pages/kitchen.js';
import { LoginPage } from './pages/login.js';
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
  if (path === '/kota') return <CoordinatorPage focus="dashboard" />;
  if (path === '/kota/peringatan') return <CoordinatorPage focus="alerts" />;
  if (path === '/kota/koperasi') return <ComingSoonPage title={t('cooperatives')} />;
  if (path === '/kota/kebijakan') return <ComingSoonPage title={t('marketPolicy')} />;
  return (
    <Page title={t('notFound')}>
      <p />
    </Page>
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
    if (!user && path !== '/masuk') navigate('/masuk');
    else if (user && (path === '/' || path === '/masuk')) navigate(homeOf(user.role));
  }, [user, path, navigate]);

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
            <small>{user.organization?.name ?? user.name}</small>
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
          route(path, t)
        ) : (
          <NotAllowed />
        )
      ) : (
        <Page title={t('wrongRole')}>{null}</Page>
      )}
    </>
  );
}
