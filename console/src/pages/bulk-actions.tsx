// Lock or ask for inventory on the devices selected in the list: one POST /v1/commands per platform in the
// selection, with the same permissions, team scope and audit as a single device's command. The API says which
// devices it refused and why; the console shows it.
import { useState } from 'react';
import { api } from '../api';
import { useCan } from '../session';
import { ACTIONS, type PlatformActions } from './device-actions';

interface BulkAnswer {
  id: string;
  accepted: number;
  refused: { deviceId: string; reason: string }[];
}

type Action = 'lock' | 'inventory';

export function BulkActions(props: { selected: ReadonlyMap<string, string>; onSent: () => void }) {
  const can = useCan();
  const [pin, setPin] = useState('');
  const [status, setStatus] = useState<string[]>([]);
  if (!can('commands:send') || props.selected.size === 0) return null;

  async function send(action: Action) {
    const byPlatform = new Map<string, string[]>();
    for (const [id, platform] of props.selected)
      byPlatform.set(platform, [...(byPlatform.get(platform) ?? []), id]);
    const lines: string[] = [];
    for (const [platform, devices] of byPlatform) {
      const body = commandFor(ACTIONS[platform], action, pin);
      if (!body) {
        lines.push(`${platform}: ${devices.length} skipped (no ${action} for this platform)`);
        continue;
      }
      try {
        const answer = await api<BulkAnswer>('POST', '/v1/commands', {
          idempotencyKey: crypto.randomUUID(),
          platform,
          devices,
          command: body,
        });
        const refused = answer.refused.map((r) => r.reason).join(', ');
        lines.push(
          `${platform}: ${answer.accepted} accepted, ${answer.refused.length} refused${refused ? ` (${refused})` : ''}`,
        );
      } catch (error) {
        lines.push(`${platform}: refused: ${(error as Error).message}`);
      }
    }
    setStatus(lines);
    props.onSent();
  }

  return (
    <section aria-labelledby="bulk-title" className="bulk">
      <h2 id="bulk-title">{props.selected.size} selected</h2>
      <label htmlFor="bulk-pin">PIN for Macs (6 digits)</label>
      <input
        id="bulk-pin"
        inputMode="numeric"
        autoComplete="off"
        pattern="[0-9]{6}"
        value={pin}
        onChange={(e) => setPin(e.target.value)}
      />
      <button type="button" onClick={() => void send('lock')}>
        Lock selected
      </button>
      <button type="button" onClick={() => void send('inventory')}>
        Send inventory to selected
      </button>
      {status.length > 0 && (
        <ul role="status">
          {status.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

function commandFor(
  actions: PlatformActions | undefined,
  action: Action,
  pin: string,
): Record<string, unknown> | undefined {
  switch (action) {
    case 'lock':
      return actions?.lock?.(pin);
    case 'inventory':
      return actions?.inventory();
  }
}
