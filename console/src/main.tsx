// The console's shell: sign-in, then a navigation bar and the page the location names.
import { StrictMode, useCallback, useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { api, setCsrfToken } from './api';
import { Link } from './link';
import { AuditPage } from './pages/audit-page';
import { DevicePage } from './pages/device-page';
import { DevicesPage } from './pages/devices-page';
import { EscrowPage } from './pages/escrow-page';
import { OverviewPage } from './pages/overview-page';
import { PoliciesPage } from './pages/policies-page';
import { RolloutsPage } from './pages/rollouts-page';
import { SettingsPage, SETTINGS_PERMISSIONS } from './pages/settings-page';
import { navigate, useLocation } from './router';
import { loadSession, SessionContext, SignIn, useCan } from './session';
import type { Session } from './types';
import './styles.css';

/** Each section is shown to a role holding any one of its permissions. */
const sections: { path: string; label: string; permissions: readonly string[] }[] = [
  { path: '/', label: 'Overview', permissions: ['devices:read'] },
  { path: '/devices', label: 'Devices', permissions: ['devices:read'] },
  { path: '/policies', label: 'Policies', permissions: ['policies:read'] },
  { path: '/rollouts', label: 'Rollouts', permissions: ['policies:read'] },
  { path: '/audit', label: 'Audit log', permissions: ['audit:read'] },
  { path: '/escrow', label: 'Escrow', permissions: ['secrets:reveal'] },
  { path: '/settings', label: 'Settings', permissions: SETTINGS_PERMISSIONS },
];

function Page(props: { path: string; search: URLSearchParams }) {
  const device = /^\/devices\/([^/]+)$/.exec(props.path);
  if (device?.[1]) return <DevicePage id={decodeURIComponent(device[1])} />;
  switch (props.path) {
    case '/':
      return <OverviewPage />;
    case '/devices':
      return <DevicesPage search={props.search} />;
    case '/policies':
      return <PoliciesPage />;
    case '/rollouts':
      return <RolloutsPage />;
    case '/audit':
      return <AuditPage />;
    case '/escrow':
      return <EscrowPage />;
    case '/settings':
      return <SettingsPage />;
    default:
      return <p>No page here.</p>;
  }
}

function Shell(props: { session: Session; onSignedOut: () => void }) {
  const { path, search } = useLocation();
  const can = useCan();
  const section = '/' + (path.split('/')[1] ?? '');
  async function signOut() {
    await api('POST', '/auth/logout');
    setCsrfToken(undefined);
    props.onSignedOut();
  }
  return (
    <>
      <header>
        <a className="skip" href="#main">
          Skip to content
        </a>
        <strong className="brand">Keep</strong>
        <nav aria-label="Sections">
          {sections
            .filter((s) => s.permissions.some(can))
            .map((s) => (
              <Link key={s.path} to={s.path} current={section === s.path}>
                {s.label}
              </Link>
            ))}
        </nav>
        <span className="who">
          {props.session.subject} ({props.session.roles.join(', ')})
        </span>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main id="main">
        <Page path={path} search={search} />
      </main>
    </>
  );
}

function App() {
  const [session, setSession] = useState<Session | null>();
  const refresh = useCallback(() => {
    loadSession().then(
      (s) => setSession(s ?? null),
      () => setSession(null),
    );
  }, []);
  useEffect(refresh, [refresh]);
  if (session === undefined) return <p>Loading…</p>;
  if (session === null) return <SignIn onSignedIn={refresh} />;
  return (
    <SessionContext.Provider value={session}>
      <Shell
        session={session}
        onSignedOut={() => {
          setSession(null);
          navigate('/');
        }}
      />
    </SessionContext.Provider>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
