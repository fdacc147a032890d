// A rollout's progress per wave, aggregated in Postgres from what the devices answered: the workflow judges its
// gates on it and the admin API shows it, so both read the same numbers, whatever the fleet size.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { CoreDatabase } from '../db/core-database.js';
import type { WaveProgress } from './rollout-gate.js';

/**
 * Per device of the rollout: its compliance rows for the new version (written from its own ProfileList), or for a
 * removal whether the policy is gone from it, and whether it answered Error to a profile or app removal command
 * queued since its wave was released.
 */
export async function rolloutProgress(
  db: Kysely<CoreDatabase> | Transaction<CoreDatabase>,
  rolloutId: string,
): Promise<WaveProgress[]> {
  const { rows } = await sql<{
    wave: number;
    targeted: string;
    sent: string;
    acknowledged: string;
    verified: string;
    failed: string;
    not_applicable: string;
  }>`
    select rd.wave,
      count(*) as targeted,
      count(rd.released_at) as sent,
      count(*) filter (where case when r.removal then x.removed else c.proven end) as acknowledged,
      count(*) filter (where e.errored is null and case when r.removal then x.removed and x.listed
        else c.verified and not c.failing end) as verified,
      count(*) filter (where (not r.removal and c.failing) or e.errored) as failed,
      count(*) filter (where not r.removal and c.not_applicable and e.errored is null) as not_applicable
    from rollout_devices rd
    join rollouts r on r.id = rd.rollout_id
    left join lateral (
      select bool_or(dc.proven_at is not null) as proven,
        bool_and(dc.status in ('compliant', 'not-applicable')) and bool_or(dc.status = 'compliant') as verified,
        coalesce(bool_or(dc.status = 'failing'), false) as failing,
        bool_and(dc.status = 'not-applicable') as not_applicable
      from device_policy_compliance dc
      where rd.released_at is not null and not r.removal and dc.device_id = rd.device_id
        and dc.policy_id = r.policy_id and dc.version = r.to_version
    ) c on true
    left join lateral (
      -- A removal: the device's plan withdrew the policy (no desired row, no compliance left), the device
      -- answered every removal sent since its release, and a list it answered since proves the result.
      select not exists (
          select 1 from device_policies dp where dp.device_id = rd.device_id and dp.policy_id = r.policy_id
        ) and not exists (
          select 1 from device_policy_compliance dc where dc.device_id = rd.device_id and dc.policy_id = r.policy_id
        ) and not exists (
          select 1 from device_commands cmd where cmd.device_id = rd.device_id
            and cmd.request_type in ('RemoveProfile', 'RemoveApplication')
            and cmd.status in ('queued', 'not-now') and cmd.created_at >= rd.released_at
        ) as removed,
        exists (
          select 1 from device_commands cmd where cmd.device_id = rd.device_id
            and cmd.request_type in ('ProfileList', 'InstalledApplicationList')
            and cmd.status = 'acknowledged' and cmd.created_at >= rd.released_at
        ) as listed
      where rd.released_at is not null and r.removal
    ) x on true
    left join lateral (
      select true as errored from device_commands cmd
      where rd.released_at is not null and cmd.device_id = rd.device_id
        and cmd.request_type in ('InstallProfile', 'RemoveProfile', 'RemoveApplication')
        and cmd.status in ('error', 'format-error') and cmd.created_at >= rd.released_at
      limit 1
    ) e on true
    where rd.rollout_id = ${rolloutId}
    group by rd.wave
    order by rd.wave`.execute(db);
  return rows.map((r) => ({
    wave: r.wave,
    targeted: Number(r.targeted),
    sent: Number(r.sent),
    acknowledged: Number(r.acknowledged),
    verified: Number(r.verified),
    failed: Number(r.failed),
    notApplicable: Number(r.not_applicable),
  }));
}
