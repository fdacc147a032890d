// Policies: the YAML of a version, edited with the API's validation problems shown inline, and a diff of versions.
import { useEffect, useState } from 'react';
import { stringify } from 'yaml';
import { api, ApiError } from '../api';
import { useCan } from '../session';
import type { Policy } from '../types';
import { useApi } from '../use-api';

interface PolicyVersion {
  policyId: string;
  version: number;
  createdBy: string;
  createdAt: string;
  document: Record<string, unknown>;
}
interface Problem {
  path: string;
  line?: number;
  message: string;
}
interface Diff {
  changes: { path: string; change: string; before?: unknown; after?: unknown }[];
}

const YAML = 'application/yaml';

function Editor(props: { policy: Policy | undefined; onSaved: () => void }) {
  const can = useCan();
  const latest = useApi<PolicyVersion>(props.policy ? `/v1/policies/${props.policy.id}` : undefined);
  const [source, setSource] = useState('');
  // The loaded version fills the editor until the admin types: an answer arriving late never replaces edits.
  const [edited, setEdited] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [status, setStatus] = useState<string>();
  useEffect(() => {
    if (edited) return;
    if (latest.data) setSource(stringify(latest.data.document));
    else if (!props.policy) setSource('schemaVersion: 1\nname: my-policy\nsettings: {}\n');
  }, [edited, latest.data, props.policy]);

  async function send(path: string, done: string) {
    try {
      await api('POST', path, source, YAML);
      setProblems([]);
      setStatus(done);
      return true;
    } catch (error) {
      const listed = error instanceof ApiError ? (error.body.problems as Problem[] | undefined) : undefined;
      setProblems(listed ?? []);
      setStatus((error as Error).message);
      return false;
    }
  }
  return (
    <section aria-labelledby="editor-title" className="card">
      <h2 id="editor-title">
        {props.policy ? `${props.policy.name} (v${props.policy.latestVersion})` : 'New policy'}
      </h2>
      <label htmlFor="policy-yaml">Policy YAML</label>
      <textarea
        id="policy-yaml"
        rows={18}
        spellCheck={false}
        value={source}
        aria-invalid={problems.length > 0}
        aria-describedby="policy-problems"
        onChange={(e) => {
          setEdited(true);
          setSource(e.target.value);
        }}
      />
      <ul id="policy-problems" className="problems">
        {problems.map((p, i) => (
          <li key={i}>
            <strong>{p.path || 'document'}</strong>
            {p.line === undefined ? '' : ` (line ${p.line})`}: {p.message}
          </li>
        ))}
      </ul>
      <div className="buttons">
        <button type="button" onClick={() => void send('/v1/policies/validate', 'Valid.')}>
          Validate
        </button>
        {can('policies:write') && (
          <>
            <button
              type="button"
              onClick={() =>
                void send('/v1/policies?staged=true', 'Stored as a staged version.').then(
                  (ok) => ok && props.onSaved(),
                )
              }
            >
              Save staged (for a rollout)
            </button>
            <button
              type="button"
              onClick={() =>
                void send('/v1/policies', 'Stored and released.').then((ok) => ok && props.onSaved())
              }
            >
              Save and release
            </button>
          </>
        )}
      </div>
      {status && <p role="status">{status}</p>}
    </section>
  );
}

function Versions(props: { policy: Policy }) {
  const last = props.policy.latestVersion;
  const [from, setFrom] = useState(Math.max(last - 1, 1));
  const [to, setTo] = useState(last);
  const diff = useApi<Diff>(
    from !== to ? `/v1/policies/${props.policy.id}/diff?from=${from}&to=${to}` : undefined,
  );
  const versions = Array.from({ length: last }, (_, i) => i + 1);
  const select = (id: string, label: string, value: number, set: (n: number) => void) => (
    <>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => set(Number(e.target.value))}>
        {versions.map((v) => (
          <option key={v} value={v}>
            v{v}
          </option>
        ))}
      </select>
    </>
  );
  return (
    <section aria-labelledby="diff-title" className="card">
      <h2 id="diff-title">Versions</h2>
      <div className="filters">
        {select('diff-from', 'From', from, setFrom)}
        {select('diff-to', 'To', to, setTo)}
      </div>
      {from === to && <p>Pick two different versions.</p>}
      {diff.data && (
        <table>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Change</th>
              <th scope="col">Before</th>
              <th scope="col">After</th>
            </tr>
          </thead>
          <tbody>
            {diff.data.changes.map((c) => (
              <tr key={c.path}>
                <td>{c.path}</td>
                <td>{c.change}</td>
                <td>
                  <code>{JSON.stringify(c.before)}</code>
                </td>
                <td>
                  <code>{JSON.stringify(c.after)}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function PoliciesPage() {
  const policies = useApi<{ items: Policy[] }>('/v1/policies');
  const [selected, setSelected] = useState<string>();
  const policy = policies.data?.items.find((p) => p.id === selected);
  return (
    <>
      <h1>Policies</h1>
      {policies.error && <p role="alert">{policies.error}</p>}
      <div className="filters">
        <label htmlFor="policy-select">Policy</label>
        <select
          id="policy-select"
          value={selected ?? ''}
          onChange={(e) => setSelected(e.target.value || undefined)}
        >
          <option value="">New policy</option>
          {policies.data?.items.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name} (v{p.latestVersion})
            </option>
          ))}
        </select>
      </div>
      <Editor
        key={policy ? `${policy.id}/${policy.latestVersion}` : 'new'}
        policy={policy}
        onSaved={policies.reload}
      />
      {policy && policy.latestVersion > 1 && <Versions key={policy.id} policy={policy} />}
    </>
  );
}
