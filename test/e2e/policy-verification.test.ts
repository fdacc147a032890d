// The scheduled proof of policies, through the real edge, Postgres, Temporal, the core and a fake APNs: a Mac that
// drifted while quiet (its user removed a profile, and it sent nothing since) is found by the policy-verification
// schedule's run, which asks it for its ProfileList in one bulk command; its answer re-applies the profile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { eventually } from '../support/apple-requests.js';
import { useAppleE2e } from '../support/apple-e2e.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { POLICY_REQUESTER } from '../../core/policy/policy-report.js';

/** A bound, not a speed claim: pushes, sessions and workflow tasks on a shared 2-core machine. */
const WAIT_MS = 90_000;
const FIREWALL = 'keep.policy.firewalled.profile.firewall';

describe('scheduled policy verification', { timeout: 300_000 }, () => {
  const { planes, api, enroll } = useAppleE2e({ waitMs: WAIT_MS });
  const mac = new SimulatedAppleDevice({ kind: 'mac' });
  const ids: { mac?: string; policy?: string } = {};

  const firewallStatus = async () => {
    const items = (await api('GET', `/v1/devices/${ids.mac}/compliance`)).body.items as Array<{
      policyId: string;
      settings: Array<{ setting: string; status: string }>;
    }>;
    return items.find((p) => p.policyId === ids.policy)?.settings.find((s) => s.setting === 'firewall')
      ?.status;
  };

  beforeAll(async () => {
    ids.mac = await enroll(mac);
    const stored = await api('POST', '/v1/policies', {
      schemaVersion: 1,
      name: 'firewalled',
      settings: { firewall: { enabled: true } },
    });
    expect(stored.status).toBe(201);
    ids.policy = stored.body.policyId as string;
    expect(
      (await api('POST', `/v1/policies/${ids.policy}/assignments`, { platforms: ['macOS'] })).status,
    ).toBe(201);
    await eventually(async () => ((await firewallStatus()) === 'compliant' ? true : undefined), WAIT_MS);
  }, 240_000);

  afterAll(() => mac.close());

  it("finds a quiet Mac's removed profile at the schedule's run, and re-applies it", async () => {
    expect(mac.drift.removeProfile(FIREWALL)).toBe(true);
    const schedule = planes.temporal.schedule.getHandle(
      workflowIds.policyVerification(planes.coreConfig.core.taskQueue),
    );
    await schedule.trigger();
    await eventually(async () => (mac.state.profiles.has(FIREWALL) ? true : undefined), WAIT_MS);
    await eventually(async () => ((await firewallStatus()) === 'compliant' ? true : undefined), WAIT_MS);

    // One bulk ProfileList for the run, requested by the policy engine, with the Mac among its targets; the
    // firewall needs no SecurityInfo, so none was asked for.
    const core = planes.database.core.db;
    const bulks = await core
      .selectFrom('bulk_commands')
      .select(['id', 'request_type', 'finished_at'])
      .where('requested_by', '=', POLICY_REQUESTER)
      .execute();
    expect(bulks.map((b) => b.request_type)).toEqual(['ProfileList']);
    expect(bulks[0]!.finished_at).not.toBeNull();
    const targets = await core
      .selectFrom('bulk_command_targets')
      .select(['device_id', 'state'])
      .where('bulk_id', '=', bulks[0]!.id)
      .execute();
    expect(targets).toEqual([{ device_id: ids.mac, state: 'queued' }]);
  });
});
