// The core's record of a device's policies, shared by every platform's plan and verification: the desired
// versions, the items Keep put on the device (Apple profiles, Windows CSP nodes) and per-setting compliance.
import type { Kysely, Transaction } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { PolicyProfileStatus } from '../../core/db/core/policy.table.js';
import type { Policy, SettingCompliance } from '../../core/policy/index.js';

export type Db = Kysely<CoreDatabase> | Transaction<CoreDatabase>;

export interface DesiredPolicyRow {
  policyId: string;
  version: number;
  policy: Policy;
}

/** The policy versions the device should hold now (withdrawn ones, version null, are left out). */
export async function desiredPolicyRows(tx: Db, deviceId: string): Promise<DesiredPolicyRow[]> {
  const rows = await tx
    .selectFrom('device_policies')
    .innerJoin('policy_versions', (j) =>
      j
        .onRef('policy_versions.policy_id', '=', 'device_policies.policy_id')
        .onRef('policy_versions.version', '=', 'device_policies.version'),
    )
    .innerJoin('policies', 'policies.id', 'device_policies.policy_id')
    .select(['device_policies.policy_id', 'device_policies.version', 'policy_versions.document'])
    .where('device_policies.device_id', '=', deviceId)
    // Oldest policy first: where two set one thing, the order decides which wins, so it must not vary.
    .orderBy('policies.created_at')
    .orderBy('policies.id')
    .execute();
  return rows.map((row) => ({
    policyId: row.policy_id,
    version: row.version!,
    policy: row.document as Policy,
  }));
}

/** What Keep put on the device (an Apple profile, a Windows node), locked for the plan or verification. */
export function recordedItems(tx: Db, deviceId: string) {
  return tx
    .selectFrom('device_policy_profiles')
    .selectAll()
    .where('device_id', '=', deviceId)
    .forUpdate()
    .execute();
}

export interface SentItem {
  identifier: string;
  policyId: string;
  setting: string;
  hash: string;
}

/** Items queued for the device, `sent` until its answer proves them. */
export async function recordSent(
  tx: Db,
  deviceId: string,
  items: readonly SentItem[],
  at: Date,
): Promise<void> {
  for (const item of items)
    await tx
      .insertInto('device_policy_profiles')
      .values({
        device_id: deviceId,
        identifier: item.identifier,
        policy_id: item.policyId,
        setting: item.setting,
        content_hash: item.hash,
        status: 'sent',
        sent_at: at,
        verified_at: null,
      })
      .onConflict((oc) =>
        oc.columns(['device_id', 'identifier']).doUpdateSet({
          policy_id: item.policyId,
          setting: item.setting,
          content_hash: item.hash,
          status: 'sent',
          sent_at: at,
        }),
      )
      .execute();
}

/** Items whose removal is queued, and withdrawn policies, which are done once that is. */
export async function forgetRemoved(tx: Db, deviceId: string, identifiers: readonly string[]): Promise<void> {
  if (identifiers.length > 0)
    await tx
      .deleteFrom('device_policy_profiles')
      .where('device_id', '=', deviceId)
      .where('identifier', 'in', identifiers)
      .execute();
  await tx
    .deleteFrom('device_policies')
    .where('device_id', '=', deviceId)
    .where('version', 'is', null)
    .execute();
}

/** The statuses a device answer proved. */
export async function saveVerified(
  tx: Db,
  deviceId: string,
  statuses: ReadonlyArray<{ identifier: string; status: PolicyProfileStatus }>,
  at: Date,
): Promise<void> {
  for (const { identifier, status } of statuses)
    await tx
      .updateTable('device_policy_profiles')
      .set({ status, ...(status === 'installed' ? { verified_at: at } : {}) })
      .where('device_id', '=', deviceId)
      .where('identifier', '=', identifier)
      .execute();
}

/** Replaces the device's per-setting compliance with what its last answers prove. */
export async function replaceCompliance(
  tx: Db,
  deviceId: string,
  policies: ReadonlyArray<{ policyId: string; version: number; settings: SettingCompliance[] }>,
  at: Date,
): Promise<void> {
  await tx.deleteFrom('device_policy_compliance').where('device_id', '=', deviceId).execute();
  const rows = policies.flatMap((p) =>
    p.settings.map((s) => ({
      device_id: deviceId,
      policy_id: p.policyId,
      version: p.version,
      setting: s.setting,
      status: s.status,
      reason: s.reason ?? null,
      proven_at: s.provenAt ?? null,
      updated_at: at,
    })),
  );
  if (rows.length > 0) await tx.insertInto('device_policy_compliance').values(rows).execute();
}

/** A policy Keep could not translate for the device: every setting fails with why (a bug or missing fact). */
export function untranslated(policy: Policy, error: string): SettingCompliance[] {
  return Object.keys(policy.settings).map((setting) => ({ setting, status: 'failing', reason: error }));
}
