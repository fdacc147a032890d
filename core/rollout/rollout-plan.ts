// What an admin asks of a rollout: its waves, the gates each wave must pass, and whether a person approves
// each next wave. Validated once here; the workflow and the admin API read the same shape.
import { z } from 'zod';
import { labelSchema } from '../device/device-label.js';

export const rolloutWaveSchema = z.union([
  z.strictObject({
    label: labelSchema.describe('The devices carrying this label: a canary by label (first wave only).'),
  }),
  z.strictObject({ count: z.number().int().positive().describe('This many more devices.') }),
  z.strictObject({
    percent: z
      .number()
      .positive()
      .max(100)
      .describe('Up to this share of the whole target set, counting earlier waves.'),
  }),
]);

export const rolloutGatesSchema = z.strictObject({
  maxFailedPercent: z
    .number()
    .min(0)
    .max(100)
    .default(0)
    .describe('Pause when more than this share of the wave failed (answered Error, or a setting failing).'),
  minVerifiedPercent: z
    .number()
    .min(0)
    .max(100)
    .default(100)
    .describe('The share of the wave proven compliant (or not applicable) before the next wave.'),
  timeLimitSeconds: z
    .number()
    .int()
    .positive()
    .default(3600)
    .describe('Pause when the wave is not verified this long after it was released.'),
});

export const rolloutPlanSchema = z.strictObject({
  waves: z
    .array(rolloutWaveSchema)
    .min(1)
    .max(20)
    .superRefine((waves, ctx) => {
      for (const [i, wave] of waves.entries())
        if ('label' in wave && i > 0)
          ctx.addIssue({ code: 'custom', path: [i, 'label'], message: 'only the first wave may be a label' });
      if (waves.length === 1 && 'label' in waves[0]!)
        ctx.addIssue({
          code: 'custom',
          path: [0, 'label'],
          message: 'a canary by label needs a wave after it',
        });
    })
    .describe(
      'In order, e.g. [{count: 10}, {percent: 50}, {percent: 100}] or [{label: "canary"}, {percent: 100}]; the last wave takes every device left.',
    ),
  minSoakSeconds: z
    .number()
    .int()
    .min(0)
    .default(0)
    .describe('A wave passes its gates no sooner than this after it was released.'),
  gates: rolloutGatesSchema.default({ maxFailedPercent: 0, minVerifiedPercent: 100, timeLimitSeconds: 3600 }),
  requireApproval: z
    .boolean()
    .default(false)
    .describe('Wait for an approval before each wave after the first.'),
  checkIntervalSeconds: z
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(30)
    .describe("How often a wave's health is read from the core DB."),
});

export type RolloutPlan = z.infer<typeof rolloutPlanSchema>;
export type RolloutGates = z.infer<typeof rolloutGatesSchema>;

export type RolloutStatus = 'running' | 'paused' | 'awaiting-approval' | 'completed' | 'aborted';
export const ACTIVE_ROLLOUT_STATUSES = ['running', 'paused', 'awaiting-approval'] as const;

/**
 * The cumulative number of devices reached at the end of each wave, for `total` devices: a count adds that
 * many, a percentage reaches that share (rounded up, so a small fleet still gets its canary), a label the
 * `labelled` devices carrying it (placed first); the last wave reaches all. Waves that would reach no new device
 * are dropped.
 */
export function waveEnds(total: number, waves: RolloutPlan['waves'], labelled = 0): number[] {
  const ends: number[] = [];
  let reached = 0;
  for (const [i, wave] of waves.entries()) {
    const end =
      i === waves.length - 1
        ? total
        : Math.min(
            total,
            'label' in wave
              ? reached + labelled
              : 'count' in wave
                ? reached + wave.count
                : Math.ceil((total * wave.percent) / 100),
          );
    if (end > reached) ends.push(end);
    reached = Math.max(reached, end);
  }
  return ends;
}
