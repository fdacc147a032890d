// The APNs push certificate: topic, expiry and its warning level, and the upload of a renewed PEM pair.
import { useState, type FormEvent } from 'react';
import { api } from '../api';
import { when } from '../format';
import { useCan } from '../session';
import { useApi } from '../use-api';

interface PushCertificate {
  topic: string;
  serialNumber: string;
  notAfter: string;
  daysLeft: number;
  warning: 'none' | '30-days' | '14-days' | '7-days' | '1-day' | 'expired';
  uploadedBy: string;
  uploadedAt: string;
}

const WARNING_CLASS: Record<PushCertificate['warning'], string> = {
  none: 'compliant',
  '30-days': 'unknown',
  '14-days': 'unknown',
  '7-days': 'failing',
  '1-day': 'failing',
  expired: 'failing',
};

export function PushCertificatePanel() {
  const can = useCan();
  const current = useApi<PushCertificate>('/v1/push-certificate');
  const [certPem, setCertPem] = useState('');
  const [keyPem, setKeyPem] = useState('');
  const [status, setStatus] = useState<string>();
  async function upload(event: FormEvent) {
    event.preventDefault();
    try {
      const answer = await api<{ topic: string; notAfter: string }>('POST', '/v1/push-certificate', {
        certPem,
        keyPem,
      });
      setStatus(
        `Imported for ${answer.topic}, valid until ${when(answer.notAfter)}; installing at the edge.`,
      );
      setKeyPem('');
      current.reload();
    } catch (error) {
      setStatus(`Upload refused: ${(error as Error).message}`);
    }
  }
  const c = current.data;
  return (
    <section aria-labelledby="push-title" className="card">
      <h2 id="push-title">Push certificate</h2>
      {current.error && <p>{current.error}</p>}
      {c && (
        <dl className="facts">
          <dt>Topic</dt>
          <dd>{c.topic}</dd>
          <dt>Expires</dt>
          <dd>
            {when(c.notAfter)}{' '}
            <span className={`status ${WARNING_CLASS[c.warning]}`} data-testid="push-warning">
              {c.warning === 'none' ? `${c.daysLeft} days left` : `${c.warning}: ${c.daysLeft} days left`}
            </span>
          </dd>
          <dt>Uploaded</dt>
          <dd>
            {when(c.uploadedAt)} by {c.uploadedBy}
          </dd>
        </dl>
      )}
      {can('push-certificate:write') && (
        <form onSubmit={(event) => void upload(event)}>
          <label htmlFor="push-cert">Certificate (PEM, from the Apple Push Certificates Portal)</label>
          <textarea
            id="push-cert"
            rows={4}
            value={certPem}
            onChange={(e) => setCertPem(e.target.value)}
            required
          />
          <label htmlFor="push-key">Private key (PEM)</label>
          <textarea
            id="push-key"
            rows={4}
            value={keyPem}
            onChange={(e) => setKeyPem(e.target.value)}
            required
          />
          <button type="submit">Upload push certificate</button>
        </form>
      )}
      {status && <p role="status">{status}</p>}
    </section>
  );
}
