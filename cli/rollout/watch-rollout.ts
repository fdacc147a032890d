// `keep rollout watch`: the rollout's progress polled from the admin API until a person must decide or it ends;
// on a terminal the display is redrawn in place, elsewhere (CI logs) each change is printed once.
import { setTimeout as sleep } from 'node:timers/promises';
import type { AdminClient } from '../admin-client.js';
import { formatRollout, type RolloutView } from './format-rollout.js';

/** Clears the terminal and puts the cursor at its top (ANSI), so the display stays in place. */
const REDRAW = '\u001b[H\u001b[2J';

export async function watchRollout(
  client: AdminClient,
  id: string,
  options: { intervalMs: number; json: boolean; tty: boolean; out: (text: string) => void },
): Promise<RolloutView> {
  let shown = '';
  for (;;) {
    const rollout = await client.request<RolloutView>('GET', `/v1/rollouts/${encodeURIComponent(id)}`);
    const text = options.json ? JSON.stringify(rollout) : formatRollout(rollout);
    if (text !== shown) options.out(options.tty && !options.json ? `${REDRAW}${text}` : text);
    shown = text;
    if (rollout.status !== 'running') return rollout;
    await sleep(options.intervalMs);
  }
}
