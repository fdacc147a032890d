// Escrow: reveal requests awaiting a second admin (approve another's, never one's own), and one's own approved
// requests, each shown once with a countdown after which the secret is gone from the page (and from the browser's
// memory of it: the API never shows it twice).
import { useContext, useEffect, useRef, useState } from 'react';
import { api } from '../api';
import { when } from '../format';
import { Link } from '../link';
import { SessionContext } from '../session';
import type { RevealRequest } from '../types';
import { useApi } from '../use-api';

/** Requests move as other admins act: the page asks again this often. */
const POLL_MS = 3_000;
/** How long a revealed secret stays on screen: long enough to read it out, short enough not to linger. */
const SHOWN_SECONDS = 60;

function Revealed(props: { secret: string; onGone: () => void }) {
  const [left, setLeft] = useState(SHOWN_SECONDS);
  // The latest callback, so that the list's polling (a new callback each time) does not restart the second.
  const onGone = useRef(props.onGone);
  onGone.current = props.onGone;
  useEffect(() => {
    if (left <= 0) {
      onGone.current();
      return;
    }
    const timer = window.setTimeout(() => setLeft((n) => n - 1), 1_000);
    return () => window.clearTimeout(timer);
  }, [left]);
  return (
    <div className="revealed">
      <output aria-label="Revealed secret" data-testid="revealed-secret">
        {props.secret}
      </output>
      <p aria-live="polite">Hidden in {left} s. It cannot be shown again.</p>
      <button type="button" onClick={() => onGone.current()}>
        Hide now
      </button>
    </div>
  );
}

function RequestRow(props: { request: RevealRequest; subject: string; onChanged: () => void }) {
  const r = props.request;
  const mine = r.requestedBy === props.subject;
  const [message, setMessage] = useState<string>();
  const [secret, setSecret] = useState<string>();
  async function approve() {
    try {
      await api('POST', `/v1/secret-reveal-requests/${r.id}/approve`);
      setMessage('Approved.');
      props.onChanged();
    } catch (error) {
      setMessage(`Approval refused: ${(error as Error).message}`);
    }
  }
  async function reveal() {
    try {
      const shown = await api<{ secret: string }>('POST', `/v1/secret-reveal-requests/${r.id}/reveal`);
      setSecret(shown.secret);
    } catch (error) {
      setMessage(`Reveal refused: ${(error as Error).message}`);
    }
  }
  return (
    <tr>
      <td>
        <Link to={`/devices/${r.deviceId}`}>{r.deviceId.slice(0, 8)}</Link>
      </td>
      <td>{r.kind}</td>
      <td>{r.reason}</td>
      <td>{r.requestedBy}</td>
      <td>
        <span className={`status ${r.status}`}>{r.status}</span>
      </td>
      <td>{when(r.expiresAt)}</td>
      <td>
        {r.status === 'awaiting-approval' && !mine && (
          <button type="button" onClick={() => void approve()}>
            Approve
          </button>
        )}
        {r.status === 'awaiting-approval' && mine && 'Another admin must approve.'}
        {r.status === 'approved' && mine && !secret && (
          <button type="button" onClick={() => void reveal()}>
            Reveal once
          </button>
        )}
        {secret && (
          <Revealed
            secret={secret}
            onGone={() => {
              setSecret(undefined);
              props.onChanged();
            }}
          />
        )}
        {message && <p role="status">{message}</p>}
      </td>
    </tr>
  );
}

export function EscrowPage() {
  const session = useContext(SessionContext);
  const requests = useApi<{ items: RevealRequest[] }>('/v1/secret-reveal-requests?limit=50', POLL_MS);
  return (
    <>
      <h1>Escrow</h1>
      <p>
        Ask for a device&apos;s secret on its page. Each step is audited; the secret is shown once to the
        admin who asked, then the device gets a new one.
      </p>
      {requests.error && <p role="alert">{requests.error}</p>}
      {requests.data?.items.length === 0 && <p>No reveal request yet.</p>}
      {!!requests.data?.items.length && (
        <table>
          <caption>Reveal requests</caption>
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Secret</th>
              <th scope="col">Reason</th>
              <th scope="col">Asked by</th>
              <th scope="col">Status</th>
              <th scope="col">Until</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            {requests.data.items.map((r) => (
              <RequestRow
                key={r.id}
                request={r}
                subject={session?.subject ?? ''}
                onChanged={requests.reload}
              />
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
