// Who is signed in: the session from GET /auth/session (roles, permissions, CSRF token), and the sign-in page.
import { createContext, useContext, useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, setCsrfToken } from './api';
import type { Session } from './types';

export const SessionContext = createContext<Session | undefined>(undefined);

/** Whether the console offers an action; the API refuses it anyway when the role lacks the permission. */
export function useCan(): (permission: string) => boolean {
  const session = useContext(SessionContext);
  return (permission) => session?.permissions.includes(permission) ?? false;
}

export async function loadSession(): Promise<Session | undefined> {
  try {
    const session = await api<Session>('GET', '/auth/session');
    setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return undefined;
    throw error;
  }
}

/** OIDC sign-in is offered when the API mounts it: /openapi.json lists exactly the routes it serves. */
function useOidcSignIn(): boolean {
  const [offered, setOffered] = useState(false);
  useEffect(() => {
    api<{ paths: Record<string, unknown> }>('GET', '/openapi.json').then(
      (doc) => setOffered('/auth/login' in doc.paths),
      () => setOffered(false),
    );
  }, []);
  return offered;
}

export function SignIn(props: { onSignedIn: () => void }) {
  const oidc = useOidcSignIn();
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      await api('POST', '/auth/bootstrap', { token });
      props.onSignedIn();
    } catch (failure) {
      setError((failure as Error).message);
    }
  }
  return (
    <main className="sign-in">
      <h1>Keep</h1>
      {oidc && (
        <p>
          <a className="button" href="/auth/login">
            Sign in with your organisation
          </a>
        </p>
      )}
      <form onSubmit={(event) => void submit(event)}>
        <h2>First start</h2>
        <label htmlFor="bootstrap-token">Bootstrap token</label>
        <input
          id="bootstrap-token"
          type="password"
          autoComplete="off"
          value={token}
          onChange={(event) => setToken(event.target.value)}
          required
        />
        <button type="submit">Sign in with the bootstrap token</button>
        {error && <p role="alert">{error}</p>}
      </form>
    </main>
  );
}
