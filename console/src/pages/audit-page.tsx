// The audit log: filters, pages from the server, and an export of what the filters select as CSV or JSON.
import { useState, type FormEvent } from 'react';
import { api, query } from '../api';
import { when } from '../format';
import type { AuditEntry, Page } from '../types';
import { useApi } from '../use-api';

/** An export reads at most this many entries (pages of 200). */
const EXPORT_MAX = 10_000;

function csvCell(value: string): string {
  // A leading = + - @ would make a spreadsheet run the cell as a formula.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function download(name: string, type: string, content: string) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

export function AuditPage() {
  const [filters, setFilters] = useState({ action: '', targetKind: '', targetId: '' });
  const [draft, setDraft] = useState(filters);
  const [cursors, setCursors] = useState<string[]>([]);
  const page = useApi<Page<AuditEntry>>(`/v1/audit${query({ ...filters, cursor: cursors.at(-1) })}`);
  const [exporting, setExporting] = useState<string>();

  function submit(event: FormEvent) {
    event.preventDefault();
    setCursors([]);
    setFilters(draft);
  }
  async function exportAs(format: 'csv' | 'json') {
    setExporting(`Exporting ${format.toUpperCase()}…`);
    const entries: AuditEntry[] = [];
    let cursor: string | undefined;
    do {
      const next = await api<Page<AuditEntry>>(
        'GET',
        `/v1/audit${query({ ...filters, cursor, limit: '200' })}`,
      );
      entries.push(...next.items);
      cursor = next.nextCursor ?? undefined;
    } while (cursor && entries.length < EXPORT_MAX);
    if (format === 'json') download('keep-audit.json', 'application/json', JSON.stringify(entries, null, 2));
    else {
      const header = ['id', 'at', 'actor', 'action', 'targetKind', 'targetId', 'details'];
      const rows = entries.map((e) =>
        [e.id, e.at, e.actor, e.action, e.targetKind, e.targetId ?? '', JSON.stringify(e.details)]
          .map(csvCell)
          .join(','),
      );
      download('keep-audit.csv', 'text/csv', [header.join(','), ...rows].join('\n'));
    }
    setExporting(`Exported ${entries.length} entries.`);
  }

  const field = (name: keyof typeof draft, label: string) => (
    <>
      <label htmlFor={`audit-${name}`}>{label}</label>
      <input
        id={`audit-${name}`}
        value={draft[name]}
        onChange={(e) => setDraft({ ...draft, [name]: e.target.value })}
      />
    </>
  );
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <form className="filters" onSubmit={submit}>
        {field('action', 'Action')}
        {field('targetKind', 'Target kind')}
        {field('targetId', 'Target id')}
        <button type="submit">Filter</button>
        <button type="button" onClick={() => void exportAs('csv')}>
          Export CSV
        </button>
        <button type="button" onClick={() => void exportAs('json')}>
          Export JSON
        </button>
      </form>
      {exporting && <p role="status">{exporting}</p>}
      {page.error && <p role="alert">{page.error}</p>}
      <table>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Actor</th>
            <th scope="col">Action</th>
            <th scope="col">Target</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {page.data?.items.map((e) => (
            <tr key={e.id}>
              <td>{when(e.at)}</td>
              <td>{e.actor}</td>
              <td>{e.action}</td>
              <td>
                {e.targetKind} {e.targetId ?? ''}
              </td>
              <td>
                <code>{JSON.stringify(e.details)}</code>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav className="pager" aria-label="Pages">
        <button
          type="button"
          disabled={cursors.length === 0}
          onClick={() => setCursors(cursors.slice(0, -1))}
        >
          Newer
        </button>
        <button
          type="button"
          disabled={!page.data?.nextCursor}
          onClick={() => page.data?.nextCursor && setCursors([...cursors, page.data.nextCursor])}
        >
          Older
        </button>
      </nav>
    </section>
  );
}
