// Teams, and the roles granted to directory users, groups and tokens, globally or over one team's devices.
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { when } from '../format';
import { useCan } from '../session';
import type { Team } from '../types';
import { useApi } from '../use-api';

interface Grant {
  id: string;
  subjectKind: 'user' | 'group' | 'token';
  subjectId: string;
  role: string;
  teamId: string | null;
  createdBy: string;
  createdAt: string;
}

const GRANT_ROLES = ['admin', 'operator', 'helpdesk', 'auditor'];

function Grants(props: { teams: Team[] }) {
  const grants = useApi<{ items: Grant[] }>('/v1/role-grants');
  const [kind, setKind] = useState<Grant['subjectKind']>('group');
  const [subjectId, setSubjectId] = useState('');
  const [role, setRole] = useState('helpdesk');
  const [teamId, setTeamId] = useState('');
  const [status, setStatus] = useState<string>();
  const teamName = (id: string | null) => (id ? (props.teams.find((t) => t.id === id)?.name ?? id) : 'all');
  async function grant(event: FormEvent) {
    event.preventDefault();
    try {
      await api('POST', '/v1/role-grants', {
        subjectKind: kind,
        subjectId: subjectId.trim(),
        role,
        ...(teamId ? { teamId } : {}),
      });
      setStatus(`Granted ${role}.`);
      setSubjectId('');
      grants.reload();
    } catch (error) {
      setStatus(`Grant refused: ${(error as Error).message}`);
    }
  }
  async function withdraw(id: string) {
    try {
      await api('DELETE', `/v1/role-grants/${id}`);
      setStatus('Grant withdrawn.');
      grants.reload();
    } catch (error) {
      setStatus(`Withdraw refused: ${(error as Error).message}`);
    }
  }
  return (
    <>
      <h3>Role grants</h3>
      <form onSubmit={(event) => void grant(event)} className="inline-form">
        <label htmlFor="grant-kind">Subject kind</label>
        <select
          id="grant-kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as Grant['subjectKind'])}
        >
          <option value="user">user</option>
          <option value="group">group</option>
          <option value="token">token</option>
        </select>
        <label htmlFor="grant-subject">Subject id</label>
        <input id="grant-subject" value={subjectId} onChange={(e) => setSubjectId(e.target.value)} required />
        <label htmlFor="grant-role">Role</label>
        <select id="grant-role" value={role} onChange={(e) => setRole(e.target.value)}>
          {GRANT_ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
        <label htmlFor="grant-team">Over</label>
        <select id="grant-team" value={teamId} onChange={(e) => setTeamId(e.target.value)}>
          <option value="">every team</option>
          {props.teams.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
            </option>
          ))}
        </select>
        <button type="submit">Grant role</button>
      </form>
      {status && <p role="status">{status}</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">Subject</th>
            <th scope="col">Role</th>
            <th scope="col">Over</th>
            <th scope="col">By</th>
            <th scope="col">Since</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {grants.data?.items.map((g) => (
            <tr key={g.id}>
              <td>
                {g.subjectKind} {g.subjectId}
              </td>
              <td>{g.role}</td>
              <td>{teamName(g.teamId)}</td>
              <td>{g.createdBy}</td>
              <td>{when(g.createdAt)}</td>
              <td>
                <button type="button" onClick={() => void withdraw(g.id)}>
                  Withdraw
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function TeamsPanel(props: { teams: Team[]; onChanged: () => void }) {
  const can = useCan();
  const [name, setName] = useState('');
  const [status, setStatus] = useState<string>();
  async function create(event: FormEvent) {
    event.preventDefault();
    try {
      await api('POST', '/v1/teams', { name });
      setStatus(`Team ${name} created.`);
      setName('');
      props.onChanged();
    } catch (error) {
      setStatus(`Team refused: ${(error as Error).message}`);
    }
  }
  return (
    <section aria-labelledby="teams-title" className="card">
      <h2 id="teams-title">Teams and roles</h2>
      <form onSubmit={(event) => void create(event)} className="inline-form">
        <label htmlFor="team-name">New team</label>
        <input id="team-name" value={name} onChange={(e) => setName(e.target.value)} required />
        <button type="submit">Create team</button>
      </form>
      {status && <p role="status">{status}</p>}
      <ul>
        {props.teams.map((t) => (
          <li key={t.id}>{t.name}</li>
        ))}
      </ul>
      {can('grants:manage') && <Grants teams={props.teams} />}
    </section>
  );
}
