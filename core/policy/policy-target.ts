// Whom a policy is assigned to: a team, a label, platforms and an OS version range; every filter set must hold.
import { z } from 'zod';
import { POLICY_PLATFORMS } from './policy.schema.js';
import { labelSchema } from '../device/device-label.js';

const osVersion = z.string().regex(/^\d+(\.\d+){0,2}$/, 'must be a version such as 17.5 or 14.6.1');

export const policyTargetSchema = z
  .strictObject({
    teamId: z.uuid().optional().describe('Only devices in this team.'),
    label: labelSchema.optional().describe('Only devices carrying this label.'),
    platforms: z
      .array(z.enum(POLICY_PLATFORMS))
      .min(1)
      .optional()
      .describe('Only devices of these platforms.'),
    minOsVersion: osVersion.optional().describe('Only devices at this OS version or later.'),
    maxOsVersion: osVersion.optional().describe('Only devices at this OS version or earlier.'),
  })
  .describe('Devices that meet every filter given; with none, every device.');

export type PolicyTarget = z.infer<typeof policyTargetSchema>;

/** A stored assignment's filters as a target (columns are null where a filter is unset). */
export function targetOf(row: {
  team_id: string | null;
  label: string | null;
  platforms: readonly string[] | null;
  min_os_version: string | null;
  max_os_version: string | null;
}): PolicyTarget {
  return {
    ...(row.team_id ? { teamId: row.team_id } : {}),
    ...(row.label ? { label: row.label } : {}),
    ...(row.platforms ? { platforms: row.platforms as PolicyTarget['platforms'] } : {}),
    ...(row.min_os_version ? { minOsVersion: row.min_os_version } : {}),
    ...(row.max_os_version ? { maxOsVersion: row.max_os_version } : {}),
  };
}
