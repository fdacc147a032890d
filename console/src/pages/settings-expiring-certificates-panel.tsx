// Certificates in use that expire within 30 days, soonest first: device identities, the SCEP RA, the CA, the
// service certificates and the push certificate.
import { when } from '../format';
import { useApi } from '../use-api';

interface Expiring {
  kind: string;
  serial: string;
  subject: string;
  notAfter: string;
  daysLeft: number;
  deviceId?: string;
}

export function ExpiringCertificatesPanel() {
  const expiring = useApi<{ items: Expiring[] }>('/v1/certificates/expiring?withinDays=30');
  return (
    <section aria-labelledby="expiring-title" className="card">
      <h2 id="expiring-title">Certificates expiring within 30 days</h2>
      {expiring.error && <p role="alert">{expiring.error}</p>}
      {expiring.data?.items.length === 0 && <p>None.</p>}
      {!!expiring.data?.items.length && (
        <table>
          <thead>
            <tr>
              <th scope="col">Kind</th>
              <th scope="col">Subject</th>
              <th scope="col">Serial</th>
              <th scope="col">Expires</th>
              <th scope="col">Days left</th>
            </tr>
          </thead>
          <tbody>
            {expiring.data.items.map((c) => (
              <tr key={`${c.kind}-${c.serial}`}>
                <td>{c.kind}</td>
                <td>{c.subject}</td>
                <td>{c.serial}</td>
                <td>{when(c.notAfter)}</td>
                <td>{c.daysLeft}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
