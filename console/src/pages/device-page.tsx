// One device: its facts, compliance per policy and setting, command history with results, and its actions.
import { text, when } from '../format';
import { useCan } from '../session';
import type { Command, DeviceDetail, Page, Policy, PolicyCompliance } from '../types';
import { useApi } from '../use-api';
import { useLiveApi } from '../use-live-api';
import { DeviceActions } from './device-actions';
import { DeviceSecrets } from './device-secrets';

/** Facts move on without the admin doing anything: the page asks again this often (commands come live). */
const POLL_MS = 3_000;

export function DevicePage(props: { id: string }) {
  const can = useCan();
  const base = `/v1/devices/${encodeURIComponent(props.id)}`;
  const device = useApi<DeviceDetail>(base, POLL_MS);
  const compliance = useApi<{ items: PolicyCompliance[] }>(
    can('policies:read') ? `${base}/compliance` : undefined,
  );
  const commands = useLiveApi<Page<Command>>(`${base}/commands?limit=20`, `${base}/command-events?limit=20`);
  const policies = useApi<{ items: Policy[] }>(can('policies:read') ? '/v1/policies' : undefined);
  const policyName = (id: string) => policies.data?.items.find((p) => p.id === id)?.name ?? id;
  if (device.error) return <p role="alert">{device.error}</p>;
  const d = device.data;
  if (!d) return <p>Loading…</p>;
  return (
    <>
      <h1>{text(d.name ?? d.serialNumber)}</h1>
      <section aria-labelledby="facts-title">
        <h2 id="facts-title">Facts</h2>
        <dl className="facts">
          <dt>Serial number</dt>
          <dd>{text(d.serialNumber)}</dd>
          <dt>UDID</dt>
          <dd>{text(d.udid)}</dd>
          <dt>Model</dt>
          <dd>{text(d.model)}</dd>
          <dt>OS version</dt>
          <dd>{text(d.osVersion)}</dd>
          <dt>Enrolment</dt>
          <dd>
            {d.enrollment.status} since {when(d.enrollment.enrolledAt)}
          </dd>
          <dt>Last seen</dt>
          <dd>{when(d.lastSeenAt)}</dd>
          <dt>Pending commands</dt>
          <dd>{d.pendingCommands}</dd>
        </dl>
      </section>
      <DeviceActions device={d} onSent={commands.reload} />
      <DeviceSecrets deviceId={d.id} />
      {compliance.data && (
        <section aria-labelledby="compliance-title">
          <h2 id="compliance-title">Compliance</h2>
          {compliance.data.items.length === 0 && <p>No policy applies to this device.</p>}
          {compliance.data.items.map((policy) => (
            <table key={policy.policyId}>
              <caption>
                Policy {policyName(policy.policyId)} v{policy.version}:{' '}
                <span className={`status ${policy.status}`}>{policy.status}</span>
              </caption>
              <thead>
                <tr>
                  <th scope="col">Setting</th>
                  <th scope="col">Status</th>
                  <th scope="col">Why</th>
                  <th scope="col">Proven at</th>
                </tr>
              </thead>
              <tbody>
                {policy.settings.map((s) => (
                  <tr key={s.setting}>
                    <td>{s.setting}</td>
                    <td>
                      <span className={`status ${s.status}`}>{s.status}</span>
                    </td>
                    <td>{text(s.reason)}</td>
                    <td>{when(s.provenAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ))}
        </section>
      )}
      <section aria-labelledby="commands-title">
        <h2 id="commands-title">Commands</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">Command</th>
              <th scope="col">Result</th>
              <th scope="col">By</th>
              <th scope="col">Sent</th>
              <th scope="col">Answered</th>
            </tr>
          </thead>
          <tbody>
            {commands.data?.items.map((c) => (
              <tr key={c.commandUuid}>
                <td>{c.requestType}</td>
                <td>
                  <span className={`status ${c.status}`}>{c.status}</span>
                </td>
                <td>{c.requestedBy}</td>
                <td>{when(c.createdAt)}</td>
                <td>{c.status === 'queued' ? '—' : when(c.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}
