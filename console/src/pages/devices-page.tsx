// Devices: search by serial number, name or UDID, filter by platform, team, OS version, compliance and owner,
// paged by the server; rows selected (on any page) take a bulk Lock or Send inventory.
import { useState, type FormEvent } from 'react';
import { query } from '../api';
import { text, when } from '../format';
import { Link } from '../link';
import { navigate } from '../router';
import { useCan } from '../session';
import type { DeviceSummary, Page, Team } from '../types';
import { useApi } from '../use-api';
import { BulkActions } from './bulk-actions';

const PAGE_SIZE = '50';

export function DevicesPage(props: { search: URLSearchParams }) {
  const can = useCan();
  const q = props.search.get('q') ?? '';
  const platform = props.search.get('platform') ?? '';
  const teamId = props.search.get('teamId') ?? '';
  const osVersion = props.search.get('osVersion') ?? '';
  const compliance = props.search.get('compliance') ?? '';
  const owner = props.search.get('owner') ?? '';
  const filters = { q, platform, teamId, osVersion, compliance, owner };
  // The cursors of the pages before this one, so "Previous" goes back without the server keeping state.
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const devices = useApi<Page<DeviceSummary>>(
    `/v1/devices${query({ ...filters, cursor, limit: PAGE_SIZE })}`,
  );
  const teams = useApi<{ items: Team[] }>(can('teams:manage') ? '/v1/teams' : undefined);
  const [draft, setDraft] = useState({ q, osVersion, owner });
  // Selected device ids with their platform (a bulk command goes to one platform at a time), kept across pages.
  const [selected, setSelected] = useState<ReadonlyMap<string, string>>(new Map());
  const items = devices.data?.items ?? [];
  const allOnPage = items.length > 0 && items.every((device) => selected.has(device.id));

  function apply(changes: Record<string, string>) {
    setCursors([]);
    navigate(`/devices${query({ ...filters, ...changes })}`);
  }
  function submit(event: FormEvent) {
    event.preventDefault();
    apply({ q: draft.q.trim(), osVersion: draft.osVersion.trim(), owner: draft.owner.trim() });
  }
  function select(rows: readonly DeviceSummary[], on: boolean) {
    const next = new Map(selected);
    for (const device of rows) {
      if (on) next.set(device.id, device.platform);
      else next.delete(device.id);
    }
    setSelected(next);
  }

  return (
    <section aria-labelledby="devices-title">
      <h1 id="devices-title">Devices</h1>
      <form className="filters" role="search" onSubmit={submit}>
        <label htmlFor="device-search">Search serial number, name or UDID</label>
        <input
          id="device-search"
          type="search"
          value={draft.q}
          onChange={(e) => setDraft({ ...draft, q: e.target.value })}
        />
        <label htmlFor="device-owner">Owner</label>
        <input
          id="device-owner"
          type="search"
          value={draft.owner}
          onChange={(e) => setDraft({ ...draft, owner: e.target.value })}
        />
        <label htmlFor="device-os">OS version</label>
        <input
          id="device-os"
          size={8}
          placeholder="17.4"
          value={draft.osVersion}
          onChange={(e) => setDraft({ ...draft, osVersion: e.target.value })}
        />
        <button type="submit">Search</button>
        <label htmlFor="device-compliance">Compliance</label>
        <select
          id="device-compliance"
          value={compliance}
          onChange={(e) => apply({ compliance: e.target.value })}
        >
          <option value="">All</option>
          <option value="failing">Failing</option>
          <option value="unknown">Unknown</option>
          <option value="compliant">Compliant</option>
        </select>
        <label htmlFor="device-platform">Platform</label>
        <select id="device-platform" value={platform} onChange={(e) => apply({ platform: e.target.value })}>
          <option value="">All</option>
          <option value="apple">Apple</option>
          <option value="windows">Windows</option>
          <option value="android">Android</option>
          <option value="linux">Linux</option>
        </select>
        {teams.data && (
          <>
            <label htmlFor="device-team">Team</label>
            <select id="device-team" value={teamId} onChange={(e) => apply({ teamId: e.target.value })}>
              <option value="">All</option>
              {teams.data.items.map((team) => (
                <option key={team.id} value={team.id}>
                  {team.name}
                </option>
              ))}
            </select>
          </>
        )}
      </form>
      {devices.error && <p role="alert">{devices.error}</p>}
      <BulkActions selected={selected} onSent={devices.reload} />
      <table>
        <thead>
          <tr>
            <th scope="col">
              <input
                type="checkbox"
                aria-label="Select every device on this page"
                checked={allOnPage}
                onChange={(e) => select(items, e.target.checked)}
              />
            </th>
            <th scope="col">Serial number</th>
            <th scope="col">Name</th>
            <th scope="col">Model</th>
            <th scope="col">OS</th>
            <th scope="col">Platform</th>
            <th scope="col">Enrolment</th>
            <th scope="col">Last seen</th>
          </tr>
        </thead>
        <tbody>
          {items.map((device) => (
            <tr key={device.id}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Select ${device.serialNumber ?? device.id}`}
                  checked={selected.has(device.id)}
                  onChange={(e) => select([device], e.target.checked)}
                />
              </td>
              <td>
                <Link to={`/devices/${device.id}`}>{text(device.serialNumber ?? device.id)}</Link>
              </td>
              <td>{text(device.name)}</td>
              <td>{text(device.model)}</td>
              <td>{text(device.osVersion)}</td>
              <td>{device.platform}</td>
              <td>{device.enrollmentStatus}</td>
              <td>{when(device.lastSeenAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {devices.data?.items.length === 0 && <p>No device matches.</p>}
      <nav className="pager" aria-label="Pages">
        <button
          type="button"
          disabled={cursors.length === 0}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Previous
        </button>
        <button
          type="button"
          disabled={!devices.data?.nextCursor}
          onClick={() => devices.data?.nextCursor && setCursors([...cursors, devices.data.nextCursor])}
        >
          Next
        </button>
      </nav>
    </section>
  );
}
