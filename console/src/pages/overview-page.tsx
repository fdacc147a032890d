// The fleet at a glance: devices by platform and enrolment state, devices gone quiet, compliance by setting.
import { useCan } from '../session';
import { useApi } from '../use-api';

interface FleetSummary {
  total: number;
  byPlatform: { platform: string; count: number }[];
  byStatus: { status: string; count: number }[];
  quiet: number;
}

interface ComplianceSummary {
  items: {
    policyId: string;
    policyName: string;
    setting: string;
    compliant: number;
    failing: number;
    unknown: number;
    notApplicable: number;
  }[];
}

/** The compliant share of the devices a setting was judged on: green when all are, amber then red below. */
function CompliantShare(props: { compliant: number; judged: number }) {
  const judged = Math.max(props.judged, 1);
  const percent = Math.round((props.compliant / judged) * 100);
  return (
    <meter
      min={0}
      max={judged}
      low={judged * 0.8}
      high={judged * 0.99}
      optimum={judged}
      value={props.compliant}
      aria-label={`${percent}% compliant`}
      title={`${percent}% compliant`}
    />
  );
}

export function OverviewPage() {
  const can = useCan();
  const fleet = useApi<FleetSummary>('/v1/fleet/summary');
  const compliance = useApi<ComplianceSummary>(can('policies:read') ? '/v1/compliance/summary' : undefined);
  return (
    <>
      <h1>Fleet overview</h1>
      {fleet.error && <p role="alert">{fleet.error}</p>}
      {fleet.data && (
        <div className="cards">
          <section className="card" aria-labelledby="total-title">
            <h2 id="total-title">Devices</h2>
            <p className="big">{fleet.data.total}</p>
            <p>{fleet.data.quiet} enrolled but not seen for 7 days</p>
          </section>
          <section className="card" aria-labelledby="platform-title">
            <h2 id="platform-title">By platform</h2>
            <ul>
              {fleet.data.byPlatform.map((p) => (
                <li key={p.platform}>
                  {p.platform}: {p.count}
                </li>
              ))}
            </ul>
          </section>
          <section className="card" aria-labelledby="status-title">
            <h2 id="status-title">By enrolment</h2>
            <ul>
              {fleet.data.byStatus.map((s) => (
                <li key={s.status}>
                  {s.status}: {s.count}
                </li>
              ))}
            </ul>
          </section>
        </div>
      )}
      {compliance.data && (
        <section aria-labelledby="compliance-title">
          <h2 id="compliance-title">Compliance by setting</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Policy</th>
                <th scope="col">Setting</th>
                <th scope="col">Compliant</th>
                <th scope="col">Failing</th>
                <th scope="col">Unknown</th>
                <th scope="col">Not applicable</th>
                <th scope="col">Compliant share</th>
              </tr>
            </thead>
            <tbody>
              {compliance.data.items.map((row) => (
                <tr key={`${row.policyId}/${row.setting}`}>
                  <td>{row.policyName}</td>
                  <td>{row.setting}</td>
                  <td>{row.compliant}</td>
                  <td>{row.failing}</td>
                  <td>{row.unknown}</td>
                  <td>{row.notApplicable}</td>
                  <td>
                    <CompliantShare
                      compliant={row.compliant}
                      judged={row.compliant + row.failing + row.unknown}
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </>
  );
}
