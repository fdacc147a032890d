// API tokens: create one (its bearer token is shown here once; Keep keeps only a hash), list and revoke.
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { when } from '../format';
import type { Team } from '../types';
import { useApi } from '../use-api';

interface ApiToken {
  id: string;
  name: string;
  role: string;
  teamId: string | null;
  createdBy: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The roles a token may hold, as the API lists them (`ROLES` in admin/auth/rbac.ts). */
const ROLES = ['admin', 'operator', 'helpdesk', 'auditor', 'scim', 'onboarding'];

export function ApiTokensPanel(props: { teams: Team[] }) {
  const tokens = useApi<{ items: ApiToken[] }>('/v1/tokens');
  const [name, setName] = useState('');
  const [role, setRole] = useState('operator');
  const [teamId, setTeamId] = useState('');
  const [days, setDays] = useState('30');
  const [created, setCreated] = useState<{ name: string; token: string }>();
  const [status, setStatus] = useState<string>();
  async function create(event: FormEvent) {
    event.preventDefault();
    try {
      const answer = await api<ApiToken & { token: string }>('POST', '/v1/tokens', {
        name,
        role,
        expiresInDays: Number(days),
        ...(teamId ? { teamId } : {}),
      });
      setCreated({ name: answer.name, token: answer.token });
      setStatus(undefined);
      setName('');
      tokens.reload();
    } catch (error) {
      setStatus(`Token refused: ${(error as Error).message}`);
    }
  }
  async function revoke(token: ApiToken) {
    try {
      await api('DELETE', `/v1/tokens/${token.id}`);
      setStatus(`Token ${token.name} revoked.`);
      tokens.reload();
    } catch (error) {
      setStatus(`Revoke refused: ${(error as Error).message}`);
    }
  }
  return (
    <section aria-labelledby="tokens-title" className="card">
      <h2 id="tokens-title">API tokens</h2>
      <form onSubmit={(event) => void create(event)} className="inline-form">
        <label htmlFor="token-name">Token name</label>
        <input id="token-name" value={name} onChange={(e) => setName(e.target.value)} required />
        <label htmlFor="token-role">Token role</label>
        <select id="token-role" value={role} onChange={(e) => setRole(e.target.value)}>
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
        <label htmlFor="token-team">Token team</label>
        <select id="token-team" value={teamId} onChange={(e) => setTeamId(e.target.value)}>
          <option value="">every team</option>
          {props.teams.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
        <label htmlFor="token-days">Days valid</label>
        <input
          id="token-days"
          type="number"
          min={1}
          value={days}
          onChange={(e) => setDays(e.target.value)}
          required
        />
        <button type="submit">Create token</button>
      </form>
      {created && (
        <div className="revealed">
          <p>Token {created.name}: copy it now, it is not shown again.</p>
          <output aria-label="New API token" data-testid="new-token">
            {created.token}
          </output>
          <button type="button" onClick={() => setCreated(undefined)}>
            Done
          </button>
        </div>
      )}
      {status && <p role="status">{status}</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Team</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {tokens.data?.items.map((t) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td>{t.role}</td>
              <td>
                {props.teams.find((team) => team.id === t.teamId)?.name ?? (t.teamId ? t.teamId : 'all')}
              </td>
              <td>{when(t.expiresAt)}</td>
              <td>{when(t.lastUsedAt)}</td>
              <td>
                {t.revokedAt ? (
                  `revoked ${when(t.revokedAt)}`
                ) : (
                  <button type="button" onClick={() => void revoke(t)} aria-label={`Revoke ${t.name}`}>
                    Revoke
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
