// The MDM commands a device's policies send (app installs and removals, OS updates): which to send, once per
// content, what the device answered, and which installed apps its InstalledApplicationList proves.
import { createHash } from 'node:crypto';
import { buildRawCommand } from '../../core/apple/commands/index.js';
import { buildPlist } from '../../core/apple/plist-codec.js';
import {
  reportedApps,
  verifyApps,
  type PolicyCommand,
  type PolicyCommandState,
} from '../../core/apple/policy/index.js';
import type { Device } from '../../core/db/core/device.table.js';
import type { ManagedApp, Policy } from '../../core/policy/index.js';
import type { DesiredPolicy } from './device-policy.activities.js';
import type { Db } from './device-policy.store.js';

/** The commands the desired policies translate to, each with the hash that tells a changed one. */
export function wantedCommands(desired: DesiredPolicy[]) {
  return desired.flatMap((d) =>
    (d.translation?.commands ?? []).map((command: PolicyCommand) => ({
      command,
      policyId: d.policyId,
      version: d.version,
      hash: createHash('sha256').update(buildPlist(command.command)).digest('hex'),
    })),
  );
}

/**
 * Sent once per content: again only when it changed, when an app the device had installed is gone (drift), or
 * when the device answered Error and the policy has a new version since (the same one would fail the same way).
 */
function commandsToSend(
  wanted: ReturnType<typeof wantedCommands>,
  recorded: Awaited<ReturnType<typeof recordedCommands>>,
) {
  return wanted.filter((w) => {
    const r = recorded.find((c) => c.policy_id === w.policyId && c.setting === w.command.setting);
    if (!r || r.content_hash !== w.hash || r.status === 'missing') return true;
    return (r.outcome === 'error' || r.outcome === 'format-error') && r.version !== w.version;
  });
}

/** The policy commands Keep sent the device, each with the device's answer (none while queued). */
export function recordedCommands(tx: Db, deviceId: string) {
  return tx
    .selectFrom('device_policy_commands as pc')
    .leftJoin('device_commands as dc', 'dc.command_uuid', 'pc.command_uuid')
    .selectAll('pc')
    .select(['dc.status as outcome', 'dc.error_chain'])
    .where('pc.device_id', '=', deviceId)
    .execute();
}

export function commandState(row: Awaited<ReturnType<typeof recordedCommands>>[number]): PolicyCommandState {
  const first = (row.error_chain?.[0] ?? undefined) as Record<string, unknown> | undefined;
  const error = first?.USEnglishDescription ?? first?.LocalizedDescription;
  return {
    requestType: row.request_type,
    status: row.status,
    outcome: row.outcome ?? undefined,
    error: typeof error === 'string' ? error : undefined,
  };
}

/** Records which installed apps the device's list shows; says whether one it had is gone (drift). */
export async function verifyAppInstalls(
  tx: Db,
  device: Device,
  desired: DesiredPolicy[],
  now: Date,
): Promise<boolean> {
  const installed = installedApps(device);
  if (!installed) return false;
  const bundleIds = new Map<string, ManagedApp>(
    desired.flatMap((d) =>
      (d.policy.settings.apps ?? []).map((app, i) => [`${d.policyId}/apps[${i}]`, app] as const),
    ),
  );
  const recorded = (await recordedCommands(tx, device.id)).flatMap((r) => {
    const app = bundleIds.get(`${r.policy_id}/${r.setting}`);
    return app?.action === 'install' ? [{ ...r, bundleId: app.bundleId }] : [];
  });
  const { statuses, drift } = verifyApps(recorded, installed);
  for (const [i, { status }] of statuses.entries()) {
    const r = recorded[i]!;
    if (status === r.status && status !== 'installed') continue;
    await tx
      .updateTable('device_policy_commands')
      .set({ status, ...(status === 'installed' ? { verified_at: now } : {}) })
      .where('device_id', '=', device.id)
      .where('policy_id', '=', r.policy_id)
      .where('setting', '=', r.setting)
      .execute();
  }
  return drift;
}

export function installedApps(device: Device) {
  return reportedApps(device.facts.installedApplicationList, device.updated_at);
}

const APP_INSTALLS = new Set(['InstallApplication', 'InstallEnterpriseApplication']);

/**
 * Apps Keep installed for a policy that no desired policy names any more (the policy withdrawn, or the app taken
 * out of it): their bundle ids, to remove. Only Keep's own installs (the device did not refuse them); an app the
 * user installed, or one another policy still installs, stays.
 */
async function appsToRemove(
  tx: Db,
  recorded: Awaited<ReturnType<typeof recordedCommands>>,
  desired: DesiredPolicy[],
): Promise<string[]> {
  const installs = recorded.filter(
    (r) => APP_INSTALLS.has(r.request_type) && r.outcome !== 'error' && r.outcome !== 'format-error',
  );
  if (installs.length === 0) return [];
  // The bundle id is in the version the install was sent for, which the device may no longer desire.
  const documents = await tx
    .selectFrom('policy_versions')
    .select(['policy_id', 'version', 'document'])
    .where((eb) =>
      eb.or(installs.map((r) => eb.and([eb('policy_id', '=', r.policy_id), eb('version', '=', r.version)]))),
    )
    .execute();
  const named = new Set(desired.flatMap((d) => (d.policy.settings.apps ?? []).map((a) => a.bundleId)));
  const remove = new Set<string>();
  for (const r of installs) {
    const document = documents.find((d) => d.policy_id === r.policy_id && d.version === r.version);
    const index = /^apps\[(\d+)]$/.exec(r.setting)?.[1];
    const app =
      index === undefined
        ? undefined
        : (document?.document as Policy | undefined)?.settings.apps?.[Number(index)];
    if (app && !named.has(app.bundleId)) remove.add(app.bundleId);
  }
  return [...remove].sort();
}

/**
 * Records the commands to send now (see commandsToSend) and forgets those no longer wanted; returns both lists,
 * and a RemoveApplication for each app Keep installed that no desired policy names any more.
 */
export async function recordPolicyCommands(tx: Db, deviceId: string, desired: DesiredPolicy[], now: Date) {
  const sentCommands = await recordedCommands(tx, deviceId);
  const wantedCmds = wantedCommands(desired);
  const removeApps = (await appsToRemove(tx, sentCommands, desired)).map((bundleId) =>
    buildRawCommand({ RequestType: 'RemoveApplication', Identifier: bundleId }),
  );
  const send = commandsToSend(wantedCmds, sentCommands).map((w) => ({
    ...w,
    built: buildRawCommand(w.command.command),
  }));
  for (const w of send) {
    const row = {
      request_type: w.command.requestType,
      content_hash: w.hash,
      version: w.version,
      command_uuid: w.built.CommandUUID,
      status: 'sent' as const,
      sent_at: now,
      verified_at: null,
    };
    await tx
      .insertInto('device_policy_commands')
      .values({ device_id: deviceId, policy_id: w.policyId, setting: w.command.setting, ...row })
      .onConflict((oc) => oc.columns(['device_id', 'policy_id', 'setting']).doUpdateSet(row))
      .execute();
  }
  // An OS update the device has reached, or a policy withdrawn: nothing left to judge by that command.
  for (const r of sentCommands)
    if (!wantedCmds.some((w) => w.policyId === r.policy_id && w.command.setting === r.setting))
      await tx
        .deleteFrom('device_policy_commands')
        .where('device_id', '=', deviceId)
        .where('policy_id', '=', r.policy_id)
        .where('setting', '=', r.setting)
        .execute();
  return { send, wanted: wantedCmds, removeApps };
}
