// Waves written on a command line, `label:canary,10,50%,100%`: a canary by label, counts and shares of the target
// set, checked by the same schema the admin API checks them with.
import { rolloutPlanSchema, type RolloutPlan } from '../../core/rollout/rollout-plan.js';

export class WavesSpecError extends Error {
  override readonly name = 'WavesSpecError';
}

export function parseWaves(spec: string): RolloutPlan['waves'] {
  const waves = spec.split(',').map((part) => {
    const item = part.trim();
    if (item.startsWith('label:')) return { label: item.slice('label:'.length) };
    if (/^\d+$/.test(item)) return { count: Number(item) };
    if (/^\d+(\.\d+)?%$/.test(item)) return { percent: Number(item.slice(0, -1)) };
    throw new WavesSpecError(`"${item}" is not a count, a percentage (50%) or a label (label:canary)`);
  });
  const checked = rolloutPlanSchema.shape.waves.safeParse(waves);
  if (!checked.success)
    throw new WavesSpecError(
      checked.error.issues.map((i) => `waves[${i.path.join('.')}]: ${i.message}`).join('; '),
    );
  return checked.data;
}
