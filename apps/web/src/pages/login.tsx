import { useState } from 'react';
import { mutate, type ApiError } from '../api/client.js';
import { Login } from '../api/generated.js';
import { useSession } from '../session.js';
import { ErrorText, Field, Link } from '../ui.js';
import { homeOf } from '../routes.js';

export function LoginPage() {
  const { t, signIn, navigate, locale, setLocale } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <main id="main" className="login">
      <div className="login-top">
        <button
          type="button"
          className="secondary"
          lang={locale === 'id' ? 'en' : 'id'}
          onClick={() => setLocale(locale === 'id' ? 'en' : 'id')}
        >
          {t('switchLanguage')}
        </button>
      </div>
      <h1>{t('signInTitle')}</h1>
      <p className="muted">{t('signInIntro')}</p>
      <form
        className="form card"
        onSubmit={async (event) => {
          event.preventDefault();
          setBusy(true);
          setError(null);
          const result = await mutate(
            Login,
            { input: { email: email.trim(), password } },
            { queueOffline: false },
          );
          setBusy(false);
          if (result.status === 'error') setError(result.error);
          else if (result.status === 'done') {
            signIn(result.data.login.accessToken, result.data.login.user);
            navigate(homeOf(result.data.login.user.role));
          }
        }}
      >
        <Field label={t('email')}>
          {(props) => (
            <input
              {...props}
              type="email"
              autoComplete="username"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          )}
        </Field>
        <Field label={t('password')}>
          {(props) => (
            <input
              {...props}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <ErrorText>{error?.message}</ErrorText>
        <button type="submit" disabled={busy}>
          {t('signIn')}
        </button>
      </form>
      <p>
        <Link to="/publik">{t('publicLink')}</Link>
      </p>
    </main>
  );
}
