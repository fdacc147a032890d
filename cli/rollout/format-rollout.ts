// How `keep rollout` prints rollouts on a terminal: one line each in a list, a table of waves for one.

/** A rollout as the admin API answers it (`GET /v1/rollouts/{id}`; a list item has no `waves`). */
export interface RolloutView {
  id: string;
  policyId: string;
  fromVersion: number;
  toVersion: number;
  /** A removal withdraws version `fromVersion` instead of rolling out `toVersion`. */
  removal?: boolean;
  status: 'running' | 'paused' | 'awaiting-approval' | 'completed' | 'aborted';
  reason: string | null;
  currentWave: number;
  waveCount: number;
  waves?: WaveView[];
}

export interface WaveView {
  wave: number;
  targeted: number;
  sent: number;
  acknowledged: number;
  verified: number;
  failed: number;
  notApplicable: number;
}

function summary(r: RolloutView): string {
  const wave = r.waveCount > 0 ? `, wave ${Math.min(r.currentWave + 1, r.waveCount)} of ${r.waveCount}` : '';
  const change = r.removal ? `v${r.fromVersion} -> removed` : `v${r.fromVersion} -> v${r.toVersion}`;
  return `${r.id}  ${r.status}${wave}  policy ${r.policyId} ${change}`;
}

export function formatRolloutList(items: RolloutView[]): string {
  return items.length === 0 ? 'No rollouts.' : items.map(summary).join('\n');
}

const COLUMNS: Array<[string, keyof WaveView]> = [
  ['targeted', 'targeted'],
  ['sent', 'sent'],
  ['acknowledged', 'acknowledged'],
  ['verified', 'verified'],
  ['failed', 'failed'],
  ['n/a', 'notApplicable'],
];

export function formatRollout(r: RolloutView): string {
  const lines = [summary(r)];
  if (r.reason) lines.push(`  reason: ${r.reason}`);
  const rows = [
    ['wave', ...COLUMNS.map(([title]) => title)],
    ...(r.waves ?? []).map((w) => [String(w.wave + 1), ...COLUMNS.map(([, key]) => String(w[key]))]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  if (rows.length > 1)
    for (const row of rows) lines.push(`  ${row.map((cell, i) => cell.padStart(widths[i]!)).join('  ')}`);
  return lines.join('\n');
}
