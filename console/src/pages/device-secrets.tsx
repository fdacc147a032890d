// A device's escrowed secrets (which kinds, never the secret), and a request to see one, with the reason the
// audit log keeps. Approval and the reveal itself are on the escrow page.
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { when } from '../format';
import { Link } from '../link';
import { useCan } from '../session';
import type { EscrowedSecret, RevealRequest } from '../types';
import { useApi } from '../use-api';

function RequestReveal(props: { deviceId: string; kind: string }) {
  const [reason, setReason] = useState('');
  const [status, setStatus] = useState<string>();
  const field = `reveal-reason-${props.kind}`;
  async function submit(event: FormEvent) {
    event.preventDefault();
    try {
      const asked = await api<RevealRequest>(
        'POST',
        `/v1/devices/${encodeURIComponent(props.deviceId)}/secrets/${props.kind}/reveal-requests`,
        { reason },
      );
      setReason('');
      setStatus(
        asked.status === 'awaiting-approval'
          ? 'Reveal requested: another admin must approve it on the escrow page.'
          : 'Reveal requested: see it once on the escrow page.',
      );
    } catch (error) {
      setStatus(`Request refused: ${(error as Error).message}`);
    }
  }
  return (
    <form onSubmit={(event) => void submit(event)}>
      <label htmlFor={field}>Reason to see the {props.kind}</label>
      <input
        id={field}
        autoComplete="off"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        required
      />
      <button type="submit">Request reveal</button>
      {status && (
        <p role="status">
          {status} <Link to="/escrow">Escrow</Link>
        </p>
      )}
    </form>
  );
}

export function DeviceSecrets(props: { deviceId: string }) {
  const can = useCan();
  const secrets = useApi<{ items: EscrowedSecret[] }>(
    `/v1/devices/${encodeURIComponent(props.deviceId)}/secrets`,
  );
  if (!secrets.data) return null;
  return (
    <section aria-labelledby="escrow-title">
      <h2 id="escrow-title">Escrow</h2>
      {secrets.data.items.length === 0 && <p>Nothing escrowed for this device.</p>}
      {secrets.data.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Secret</th>
              <th scope="col">Version</th>
              <th scope="col">Escrowed</th>
              <th scope="col">Integrity</th>
            </tr>
          </thead>
          <tbody>
            {secrets.data.items.map((s) => (
              <tr key={s.kind}>
                <td>{s.kind}</td>
                <td>{s.version}</td>
                <td>{when(s.escrowedAt)}</td>
                <td>
                  <span className={`status ${s.valid ? 'compliant' : 'failing'}`}>
                    {s.valid ? `checked ${when(s.checkedAt)}` : s.checkError}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {can('secrets:reveal') &&
        secrets.data.items.map((s) => <RequestReveal key={s.kind} deviceId={props.deviceId} kind={s.kind} />)}
    </section>
  );
}
