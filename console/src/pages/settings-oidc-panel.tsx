// OIDC sign-in as set up: issuer, client, scopes and role claim; whether a secret is set, never the secret.
import { useApi } from '../use-api';

interface OidcSettings {
  status: 'configured' | 'not-configured';
  issuer: string | null;
  clientId: string | null;
  clientSecretSet: boolean;
  scopes: string;
  roleClaim: string;
  bootstrapTokenEnabled: boolean;
}

export function OidcPanel() {
  const settings = useApi<OidcSettings>('/v1/settings/oidc');
  const s = settings.data;
  return (
    <section aria-labelledby="oidc-title" className="card">
      <h2 id="oidc-title">OIDC sign-in</h2>
      {settings.error && <p>{settings.error}</p>}
      {s && (
        <dl className="facts">
          <dt>Status</dt>
          <dd data-testid="oidc-status">{s.status === 'configured' ? 'configured' : 'not configured'}</dd>
          <dt>Issuer</dt>
          <dd>{s.issuer ?? '—'}</dd>
          <dt>Client</dt>
          <dd>
            {s.clientId ?? '—'} {s.clientId && (s.clientSecretSet ? '(secret set)' : '(public client)')}
          </dd>
          <dt>Scopes</dt>
          <dd>{s.scopes}</dd>
          <dt>Role claim</dt>
          <dd>{s.roleClaim}</dd>
          <dt>Bootstrap token sign-in</dt>
          <dd>{s.bootstrapTokenEnabled ? 'allowed by the settings' : 'off'}</dd>
        </dl>
      )}
    </section>
  );
}
