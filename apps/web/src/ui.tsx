import { useId, type ReactNode } from 'react';
import { useSession } from './session.js';

export function Link({ to, children, className }: { to: string; children: ReactNode; className?: string }) {
  const { navigate, path } = useSession();
  const current = path === to || (to.split('/').length > 2 && path.startsWith(to + '/'));
  return (
    <a
      href={to}
      className={className}
      aria-current={current ? 'page' : undefined}
      onClick={(event) => {
        if (event.metaKey || event.ctrlKey || event.button !== 0) return;
        event.preventDefault();
        navigate(to);
      }}
    >
      {children}
    </a>
  );
}

export function Page({
  title,
  children,
  actions,
}: {
  title: string;
  children: ReactNode;
  actions?: ReactNode;
}) {
  return (
    <main id="main" className="page">
      <div className="page-head">
        <h1>{title}</h1>
        {actions}
      </div>
      {children}
    </main>
  );
}

/** A labelled control with its error right below it (aria-describedby). */
export function Field({
  label,
  error,
  hint,
  children,
}: {
  label: string;
  error?: string | null;
  hint?: ReactNode;
  children: (props: { id: string; 'aria-describedby'?: string; 'aria-invalid'?: boolean }) => ReactNode;
}) {
  const id = useId();
  const describedBy =
    [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-describedby': describedBy, 'aria-invalid': error ? true : undefined })}
      {hint ? (
        <div className="hint" id={`${id}-hint`}>
          {hint}
        </div>
      ) : null}
      {error ? (
        <div className="error" id={`${id}-error`} role="alert">
          {error}
        </div>
      ) : null}
    </div>
  );
}

export function ErrorText({ children }: { children: ReactNode }) {
  return children ? (
    <p className="error" role="alert">
      {children}
    </p>
  ) : null;
}

export function Notice({ children }: { children: ReactNode }) {
  return children ? (
    <p className="notice" role="status">
      {children}
    </p>
  ) : null;
}

export function Loading({
  state,
}: {
  state: { loading: boolean; error: string | null; reload: () => void };
}) {
  const { t } = useSession();
  if (state.error) {
    return (
      <div className="error" role="alert">
        {state.error}{' '}
        <button type="button" className="link-button" onClick={state.reload}>
          {t('retry')}
        </button>
      </div>
    );
  }
  return state.loading ? (
    <p className="muted" role="status">
      {t('loading')}
    </p>
  ) : null;
}

export function StatusBadge({
  kind,
  value,
}: {
  kind: 'DemandStatus' | 'OrderStatus' | 'OfferStatus' | 'InvoiceStatus';
  value: string;
}) {
  const { t } = useSession();
  return (
    <span className={`badge badge-${value.toLowerCase()}`}>
      {t(`${kind}_${value}` as Parameters<typeof t>[0])}
    </span>
  );
}

/** "Load more" with the API's cursor. */
export function LoadMore({ hasNext, onMore }: { hasNext: boolean; onMore: () => void }) {
  const { t } = useSession();
  return hasNext ? (
    <button type="button" className="secondary" onClick={onMore}>
      {t('loadMore')}
    </button>
  ) : null;
}

/** A field error for `name` when the API said so; otherwise nothing. */
export function fieldError(error: { message: string; field?: string } | null, name: string): string | null {
  return error && error.field === name ? error.message : null;
}

/** The form-level error when the API named no field this form shows. */
export function formError(
  error: { message: string; field?: string } | null,
  fields: string[],
): string | null {
  return error && !(error.field && fields.includes(error.field)) ? error.message : null;
}
