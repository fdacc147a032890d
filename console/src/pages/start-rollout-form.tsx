// Start a rollout of a policy's version in waves with health gates: the form writes the plan the API validates
// (POST /v1/rollouts); a wrong field comes back named in the API's message.
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import type { Policy } from '../types';

type Wave = { count: number } | { percent: number };

/** "1, 10%, 100%" → [{count: 1}, {percent: 10}, {percent: 100}]; a message naming a part that is neither. */
function parseWaves(text: string): Wave[] | string {
  const waves: Wave[] = [];
  for (const part of text.split(',').map((p) => p.trim())) {
    const match = /^(\d+)(%?)$/.exec(part);
    if (!match) return `waves: "${part}" is neither a device count nor a percentage`;
    waves.push(match[2] ? { percent: Number(match[1]) } : { count: Number(match[1]) });
  }
  return waves;
}

export function StartRolloutForm(props: { policies: Policy[]; onStarted: () => void }) {
  const [policyId, setPolicyId] = useState('');
  const [version, setVersion] = useState('');
  const [waves, setWaves] = useState('1, 10%, 100%');
  const [maxFailed, setMaxFailed] = useState('0');
  const [minVerified, setMinVerified] = useState('100');
  const [timeLimit, setTimeLimit] = useState('3600');
  const [checkEvery, setCheckEvery] = useState('30');
  const [requireApproval, setRequireApproval] = useState(false);
  const [status, setStatus] = useState<string>();
  const chosen = policyId || props.policies[0]?.id || '';

  async function start(event: FormEvent) {
    event.preventDefault();
    const plan = parseWaves(waves);
    if (typeof plan === 'string') return setStatus(plan);
    try {
      await api('POST', '/v1/rollouts', {
        policyId: chosen,
        ...(version ? { version: Number(version) } : {}),
        waves: plan,
        gates: {
          maxFailedPercent: Number(maxFailed),
          minVerifiedPercent: Number(minVerified),
          timeLimitSeconds: Number(timeLimit),
        },
        checkIntervalSeconds: Number(checkEvery),
        requireApproval,
      });
      setStatus('Rollout started.');
      props.onStarted();
    } catch (error) {
      setStatus(`Rollout refused: ${(error as Error).message}`);
    }
  }
  const field = (id: string, label: string, value: string, set: (v: string) => void, hint?: string) => (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} value={value} onChange={(e) => set(e.target.value)} placeholder={hint} />
    </div>
  );
  return (
    <section aria-labelledby="start-rollout-title" className="card">
      <h2 id="start-rollout-title">Start a rollout</h2>
      <form onSubmit={(event) => void start(event)}>
        <div className="field">
          <label htmlFor="rollout-policy">Policy to roll out</label>
          <select id="rollout-policy" value={chosen} onChange={(e) => setPolicyId(e.target.value)}>
            {props.policies.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name} (latest v{p.latestVersion})
              </option>
            ))}
          </select>
        </div>
        {field('rollout-version', 'Version (empty: the latest)', version, setVersion)}
        {field('rollout-waves', 'Waves (device counts or percentages)', waves, setWaves, '1, 10%, 100%')}
        {field('rollout-max-failed', 'Gate: most devices failed (%)', maxFailed, setMaxFailed)}
        {field('rollout-min-verified', 'Gate: fewest devices verified (%)', minVerified, setMinVerified)}
        {field('rollout-time-limit', 'Gate: time limit per wave (seconds)', timeLimit, setTimeLimit)}
        {field('rollout-check', 'Check health every (seconds)', checkEvery, setCheckEvery)}
        <div className="field">
          <input
            id="rollout-approval"
            type="checkbox"
            checked={requireApproval}
            onChange={(e) => setRequireApproval(e.target.checked)}
          />
          <label htmlFor="rollout-approval">Wait for approval before each wave after the first</label>
        </div>
        <button type="submit" disabled={!chosen}>
          Start rollout
        </button>
      </form>
      {status && <p role="status">{status}</p>}
    </section>
  );
}
