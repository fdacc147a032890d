// The directory: each source (LDAP sync, SCIM, OIDC sign-ins) with the users and groups it holds and its last sync.
import { text, when } from '../format';
import { useApi } from '../use-api';

interface DirectoryStatus {
  sources: {
    source: string;
    users: number;
    groups: number;
    lastSuccessAt: string | null;
    lastError: string | null;
  }[];
}

export function DirectoryPanel() {
  const status = useApi<DirectoryStatus>('/v1/directory/status');
  const sources = status.data?.sources;
  return (
    <section aria-labelledby="directory-title" className="card">
      <h2 id="directory-title">Directory</h2>
      {status.error && <p>{status.error}</p>}
      {sources?.length === 0 && <p>No directory source has users yet.</p>}
      {sources && sources.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Source</th>
              <th scope="col">Users</th>
              <th scope="col">Groups</th>
              <th scope="col">Last sync</th>
              <th scope="col">Last error</th>
            </tr>
          </thead>
          <tbody>
            {sources.map((source) => (
              <tr key={source.source}>
                <td>{source.source}</td>
                <td>{source.users}</td>
                <td>{source.groups}</td>
                <td>{when(source.lastSuccessAt)}</td>
                <td>{text(source.lastError)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
