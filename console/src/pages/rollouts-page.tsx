// Rollouts: progress per wave (live, by server-sent events); starting one, and pause, resume, approve or abort,
// for roles that may change policies.
import { useState } from 'react';
import { api } from '../api';
import { when } from '../format';
import { useCan } from '../session';
import type { Policy, Rollout } from '../types';
import { useApi } from '../use-api';
import { useLiveApi } from '../use-live-api';
import { StartRolloutForm } from './start-rollout-form';

/** New rollouts appear while the page is open: it asks again this often (an open rollout's waves come live). */
const POLL_MS = 3_000;
const ACTIONS = ['pause', 'resume', 'approve', 'abort'] as const;

function RolloutDetail(props: { id: string; policyName: string }) {
  const can = useCan();
  const rollout = useLiveApi<Rollout>(`/v1/rollouts/${props.id}`, `/v1/rollouts/${props.id}/events`);
  const [message, setMessage] = useState<string>();
  const r = rollout.data;
  if (!r) return null;
  async function act(action: (typeof ACTIONS)[number]) {
    try {
      await api('POST', `/v1/rollouts/${props.id}/${action}`);
      setMessage(`${action}: done`);
      rollout.reload();
    } catch (error) {
      setMessage(`${action} refused: ${(error as Error).message}`);
    }
  }
  return (
    <section className="card" aria-label={`Rollout of ${props.policyName} v${r.toVersion}`}>
      <h2>
        {props.policyName}: v{r.fromVersion} → v{r.toVersion}{' '}
        <span className={`status ${r.status}`} data-testid="rollout-status">
          {r.status}
        </span>
      </h2>
      <p>
        Wave {Math.min(r.currentWave + 1, r.waveCount)} of {r.waveCount}, started {when(r.createdAt)}
        {r.reason ? ` — ${r.reason}` : ''}
      </p>
      <table>
        <thead>
          <tr>
            <th scope="col">Wave</th>
            <th scope="col">Targeted</th>
            <th scope="col">Sent</th>
            <th scope="col">Acknowledged</th>
            <th scope="col">Verified</th>
            <th scope="col">Failed</th>
            <th scope="col">Progress</th>
          </tr>
        </thead>
        <tbody>
          {r.waves?.map((w) => (
            <tr key={w.wave}>
              <td>{w.wave + 1}</td>
              <td>{w.targeted}</td>
              <td>{w.sent}</td>
              <td>{w.acknowledged}</td>
              <td>{w.verified}</td>
              <td>{w.failed}</td>
              <td>
                <progress
                  max={Math.max(w.targeted - w.notApplicable, 1)}
                  value={w.verified}
                  aria-label={`wave ${w.wave + 1} verified`}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {can('policies:write') && !['completed', 'aborted'].includes(r.status) && (
        <div className="buttons">
          {ACTIONS.map((action) => (
            <button key={action} type="button" onClick={() => void act(action)}>
              {action[0]!.toUpperCase() + action.slice(1)}
            </button>
          ))}
        </div>
      )}
      {message && <p role="status">{message}</p>}
    </section>
  );
}

export function RolloutsPage() {
  const can = useCan();
  const rollouts = useApi<{ items: Rollout[] }>('/v1/rollouts', POLL_MS);
  const policies = useApi<{ items: Policy[] }>('/v1/policies');
  const names = new Map(policies.data?.items.map((p) => [p.id, p.name]));
  return (
    <>
      <h1>Rollouts</h1>
      {can('policies:write') && policies.data && (
        <StartRolloutForm policies={policies.data.items} onStarted={rollouts.reload} />
      )}
      {rollouts.error && <p role="alert">{rollouts.error}</p>}
      {rollouts.data?.items.length === 0 && <p>No rollout yet.</p>}
      {rollouts.data?.items.map((r) => (
        <RolloutDetail key={r.id} id={r.id} policyName={names.get(r.policyId) ?? r.policyId} />
      ))}
    </>
  );
}
