// Apple Business Manager: each server entry's token expiry, last sync and last error (never the token); an admin
// adds an entry (its certificate goes to ABM) and uploads the server token (.p7m) ABM gives back.
import { useState } from 'react';
import { api } from '../api';
import { text, when } from '../format';
import { useCan } from '../session';
import { useApi } from '../use-api';

interface AbmServer {
  id: string;
  certificatePem: string;
  tokenExpiresAt: string | null;
  profileUuid: string | null;
  lastSyncAt: string | null;
  lastError: string | null;
}

/** The .p7m as base64, as PUT /v1/apple/dep/servers/{id}/token takes it. */
async function base64Of(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function AbmPanel() {
  const can = useCan();
  const servers = useApi<{ items: AbmServer[] }>('/v1/apple/dep/servers');
  const [status, setStatus] = useState<string>();
  async function create() {
    try {
      await api('POST', '/v1/apple/dep/servers');
      setStatus('Entry added: upload its certificate to Apple Business Manager, then its token here.');
      servers.reload();
    } catch (error) {
      setStatus(`Refused: ${(error as Error).message}`);
    }
  }
  async function upload(id: string, file: File | undefined) {
    if (!file) return;
    try {
      await api('PUT', `/v1/apple/dep/servers/${id}/token`, { p7m: await base64Of(file) });
      setStatus('Token imported.');
      servers.reload();
    } catch (error) {
      setStatus(`Token refused: ${(error as Error).message}`);
    }
  }
  return (
    <section aria-labelledby="abm-title" className="card">
      <h2 id="abm-title">Apple Business Manager</h2>
      {servers.error && <p>{servers.error}</p>}
      {servers.data?.items.length === 0 && <p>No ABM server entry yet.</p>}
      {servers.data && servers.data.items.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Entry</th>
              <th scope="col">Token expires</th>
              <th scope="col">Last sync</th>
              <th scope="col">Last error</th>
              {can('dep:write') && <th scope="col">Server token (.p7m)</th>}
            </tr>
          </thead>
          <tbody>
            {servers.data.items.map((server) => (
              <tr key={server.id}>
                <td>
                  <code>{server.id}</code>
                </td>
                <td>{server.tokenExpiresAt ? when(server.tokenExpiresAt) : 'no token yet'}</td>
                <td>{when(server.lastSyncAt)}</td>
                <td>{text(server.lastError)}</td>
                {can('dep:write') && (
                  <td>
                    <label htmlFor={`abm-token-${server.id}`}>Upload the token for {server.id}</label>
                    <input
                      id={`abm-token-${server.id}`}
                      type="file"
                      accept=".p7m"
                      onChange={(e) => void upload(server.id, e.target.files?.[0])}
                    />
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {can('dep:write') && (
        <button type="button" onClick={() => void create()}>
          Add an ABM server entry
        </button>
      )}
      {status && <p role="status">{status}</p>}
    </section>
  );
}
