import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { configureClient, offlineQueue, query, replayQueue } from './api/client.js';
import type { LoginResult, TypedDocument } from './api/generated.js';
import { zoneOf, type Locale, type Zone } from './format.js';
import { translate, type MessageKey } from './i18n.js';

export type SessionUser = LoginResult['login']['user'];

interface Session {
  user: SessionUser | null;
  locale: Locale;
  zone: Zone;
  t: (key: MessageKey, values?: Record<string, string | number>) => string;
  setLocale: (locale: Locale) => void;
  signIn: (token: string, user: SessionUser) => void;
  signOut: () => void;
  /** Grows after every change the user made, so screens reload. */
  version: number;
  pending: number;
  notice: string | null;
  path: string;
  navigate: (path: string) => void;
}

const SessionContext = createContext<Session | null>(null);

const STORAGE = { token: 'pg.token', user: 'pg.user', locale: 'pg.locale' };

function stored<T>(key: string): T | null {
  try {
    const raw = localStorage.getItem(key);
    return raw ? (JSON.parse(raw) as T) : null;
  } catch {
    return null;
  }
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null>(() => stored<SessionUser>(STORAGE.user));
  const [locale, setLocaleState] = useState<Locale>(() => stored<Locale>(STORAGE.locale) ?? 'id');
  const [version, setVersion] = useState(0);
  const [pending, setPending] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const [path, setPath] = useState(() => location.pathname);

  const navigate = useCallback((to: string) => {
    history.pushState(null, '', to);
    setPath(location.pathname);
    window.scrollTo(0, 0);
  }, []);

  const signOut = useCallback(() => {
    localStorage.removeItem(STORAGE.token);
    localStorage.removeItem(STORAGE.user);
    configureClient({ token: null });
    setUser(null);
    navigate('/masuk');
  }, [navigate]);

  configureClient({
    token: stored<string>(STORAGE.token),
    locale,
    onUnauthenticated: signOut,
    onChange: () => setVersion((v) => v + 1),
  });

  useEffect(() => {
    const onPop = () => setPath(location.pathname);
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  // Replays what waited for a signal: on start (also after the tab was closed) and when online.
  useEffect(() => {
    const unsubscribe = offlineQueue.subscribe(setPending);
    const replay = () => {
      if (!navigator.onLine || !stored<string>(STORAGE.token)) return;
      void replayQueue().then((failures) => {
        if (failures.length > 0) setNotice(failures.join(' '));
      });
    };
    void offlineQueue.pending().then((items) => setPending(items.length));
    replay();
    window.addEventListener('online', replay);
    const timer = window.setInterval(replay, 15_000);
    return () => {
      unsubscribe();
      window.removeEventListener('online', replay);
      window.clearInterval(timer);
    };
  }, [user]);

  const value = useMemo<Session>(
    () => ({
      user,
      locale,
      zone: zoneOf(user?.organization?.regionCode),
      t: (key, values) => translate(locale, key, values),
      setLocale: (next) => {
        localStorage.setItem(STORAGE.locale, JSON.stringify(next));
        setLocaleState(next);
      },
      signIn: (token, signedIn) => {
        localStorage.setItem(STORAGE.token, JSON.stringify(token));
        localStorage.setItem(STORAGE.user, JSON.stringify(signedIn));
        configureClient({ token });
        setUser(signedIn);
      },
      signOut,
      version,
      pending,
      notice,
      path,
      navigate,
    }),
    [user, locale, signOut, version, pending, notice, path, navigate],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

export interface QueryState<R> {
  data: R | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** Runs a query now and again after every change the user makes (or the queue replays). */
export function useQuery<R, V>(document: TypedDocument<R, V>, variables: V, skip = false): QueryState<R> {
  const { version, locale } = useSession();
  const [data, setData] = useState<R | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(!skip);
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(variables);
  useEffect(() => {
    if (skip) return;
    let live = true;
    setLoading(true);
    query(document, JSON.parse(key) as V)
      .then((result) => {
        if (!live) return;
        setData(result);
        setError(null);
      })
      .catch((failure: Error) => {
        if (!live) return;
        setError(
          failure.message === 'offline' || failure.name === 'NetworkError'
            ? translate(locale, 'networkError')
            : failure.message,
        );
      })
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [document, key, version, tick, skip, locale]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, loading, reload };
}

interface Page<N> {
  edges: { node: N }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** A cursor-paged list: the first page reloads with every change; "load more" appends. */
export function usePaged<R, N>(
  document: TypedDocument<R, { after?: string | null }>,
  pick: (result: R) => Page<N>,
): QueryState<R> & { nodes: N[]; hasNext: boolean; loadMore: () => void } {
  const first = useQuery(document, {});
  const [more, setMore] = useState<N[]>([]);
  const [cursor, setCursor] = useState<{ hasNext: boolean; end: string | null } | null>(null);
  useEffect(() => {
    setMore([]);
    setCursor(null);
  }, [first.data]);
  const page = first.data ? pick(first.data) : null;
  const hasNext = cursor ? cursor.hasNext : (page?.pageInfo.hasNextPage ?? false);
  const end = cursor ? cursor.end : (page?.pageInfo.endCursor ?? null);
  return {
    ...first,
    nodes: [...(page?.edges.map((edge) => edge.node) ?? []), ...more],
    hasNext,
    loadMore: () => {
      void query(document, { after: end }).then((result) => {
        const next = pick(result);
        setMore((items) => [...items, ...next.edges.map((edge) => edge.node)]);
        setCursor({ hasNext: next.pageInfo.hasNextPage, end: next.pageInfo.endCursor });
      });
    },
  };
}
