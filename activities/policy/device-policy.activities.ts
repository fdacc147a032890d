// A device's policies on the core side: plan what to send (sign missing profiles, remove withdrawn ones, send
// app and OS update commands once, ask for proof), and verify the device's answers into per-setting compliance.
// The device workflow calls these.
import { createHash, X509Certificate } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { buildCommand, serializeCommand, type CommandSpec } from '../../core/apple/commands/index.js';
import { buildPlist } from '../../core/apple/plist-codec.js';
import {
  applePolicyCompliance,
  appleTargetOf,
  AppleTranslationError,
  buildPolicyProfile,
  declarationDrift,
  reportedDeclarations,
  reportedProfileIdentifiers,
  takesDeclarativeManagement,
  translatePolicy,
  type AppleTarget,
  type AppleTranslation,
  type AppleTranslationContext,
  type DeclarationProfile,
  type PolicyDeclaration,
  type ProfileState,
} from '../../core/apple/policy/index.js';
import { signProfile } from '../../core/apple/profile-signer.js';
import { canEncryptTo, encryptProfilePayloads } from '../../core/apple/encrypted-profile.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { Device } from '../../core/db/core/device.table.js';
import type { DeviceCommand } from '../../core/device/device-command.js';
import { targetOf, verifyApplied, type Policy } from '../../core/policy/index.js';
import { desiredVersion } from '../../core/policy/desired-version.query.js';
import { devicesMatching } from '../../core/policy/policy-target.query.js';
import { INVENTORY_QUERIES } from '../apple/apple-platform.js';
import {
  commandState,
  installedApps,
  recordedCommands,
  recordPolicyCommands,
  verifyAppInstalls,
} from './device-policy-commands.js';
import type { CaLoader } from '../pki/ca-loader.js';
import type { PkiSettings } from '../pki/pki.activities.js';
import {
  desiredPolicyRows,
  forgetRemoved,
  recordedItems,
  recordSent,
  replaceCompliance,
  saveVerified,
  untranslated,
  type Db,
} from './device-policy.store.js';
import { planWindowsPolicies, verifyWindowsPolicies } from './windows-device-policy.js';
import { findCurrentIdentity } from '../pki/certificate.repository.js';

/** Every profile Keep installs for a policy is `keep.policy.<policy name>.…`, like `keep.enrollment.…`. */
const IDENTIFIER_PREFIX = 'keep';

export interface DesiredPolicy {
  policyId: string;
  version: number;
  policy: Policy;
  /** Undefined when Keep could not translate it (a bug or missing deployment fact, reported as failing). */
  translation?: AppleTranslation;
  error?: string;
}

export interface DevicePolicyPlan {
  commands: DeviceCommand[];
  proofCommandUuid?: string;
  /**
   * For a device served DDM: its whole declaration set, to install at its edge, the DeclarativeManagement
   * command that has it sync, whether its last full status report disagrees with the set (drift), and the signed
   * profiles its `com.apple.configuration.legacy` declarations point at.
   */
  ddm?: {
    declarations: PolicyDeclaration[];
    drift: boolean;
    sync: DeviceCommand;
    /** Absent from a plan recorded before profiles went by declaration. */
    profiles?: DeclarationProfile[];
  };
}

export function createDevicePolicyActivities(deps: {
  db: Kysely<CoreDatabase>;
  pki: Pick<PkiSettings, 'organization' | 'edgePublicUrl'>;
  ca: CaLoader;
  /** `declaration`: a device served DDM fetches its profiles through legacy declarations (core.appleProfileDelivery). */
  profileDelivery: 'declaration' | 'command';
  now?: () => Date;
}) {
  const { db } = deps;
  const now = deps.now ?? (() => new Date());

  /** The device's own desired set against every policy's assignments (the fan-out does the same in bulk). */
  async function recomputeDevice(tx: Db, deviceId: string): Promise<void> {
    const assignments = await tx.selectFrom('policy_assignments').selectAll().execute();
    const byPolicy = new Map<string, typeof assignments>();
    for (const a of assignments) byPolicy.set(a.policy_id, [...(byPolicy.get(a.policy_id) ?? []), a]);
    const current = await tx
      .selectFrom('device_policies')
      .selectAll()
      .where('device_id', '=', deviceId)
      .execute();
    for (const policyId of new Set([...byPolicy.keys(), ...current.map((c) => c.policy_id)])) {
      const targets = (byPolicy.get(policyId) ?? []).map(targetOf);
      const selected = await devicesMatching(tx, targets)
        .select((eb) => desiredVersion(eb, policyId).as('version'))
        .where('devices.id', '=', deviceId)
        .executeTakeFirst();
      const held = current.find((c) => c.policy_id === policyId);
      const version = selected ? selected.version : null;
      if (held?.version === version || (!held && version === null)) continue;
      await tx
        .insertInto('device_policies')
        .values({ device_id: deviceId, policy_id: policyId, version, fanout_id: deviceId })
        .onConflict((oc) =>
          oc.columns(['device_id', 'policy_id']).doUpdateSet({ version, updated_at: now() }),
        )
        .execute();
    }
  }

  async function loadDevice(tx: Db, deviceId: string): Promise<{ device: Device; target?: AppleTarget }> {
    const device = await tx.selectFrom('devices').selectAll().where('id', '=', deviceId).executeTakeFirst();
    if (!device) throw ApplicationFailure.nonRetryable('no such device', 'NoSuchDevice');
    const target = device.platform === 'apple' ? appleTargetOf(device) : undefined;
    return target ? { device, target } : { device };
  }

  async function translationContext(target: AppleTarget): Promise<AppleTranslationContext> {
    const { escrow } = await deps.ca();
    return {
      identifierPrefix: IDENTIFIER_PREFIX,
      organization: deps.pki.organization,
      profileBaseUrl: `${deps.pki.edgePublicUrl.replace(/\/$/, '')}/mdm/profiles/`,
      escrowCertificateDer: new X509Certificate(escrow.certificatePem).raw,
      declarativeManagement: takesDeclarativeManagement(target),
      profilesByDeclaration: deps.profileDelivery === 'declaration',
    };
  }

  async function desiredPolicies(
    tx: Db,
    deviceId: string,
    target: AppleTarget,
    context: AppleTranslationContext,
  ): Promise<DesiredPolicy[]> {
    return (await desiredPolicyRows(tx, deviceId)).map((base) => {
      const { policy } = base;
      try {
        return { ...base, translation: translatePolicy(policy, target, context) };
      } catch (error) {
        if (!(error instanceof AppleTranslationError)) throw error;
        return { ...base, error: `Keep could not translate the policy: ${error.message}` };
      }
    });
  }

  async function writeCompliance(
    tx: Db,
    device: Device,
    target: AppleTarget,
    desired: DesiredPolicy[],
  ): Promise<void> {
    const profiles = new Map<string, ProfileState>(
      (
        await tx.selectFrom('device_policy_profiles').selectAll().where('device_id', '=', device.id).execute()
      ).map((p) => [p.identifier, { status: p.status, verifiedAt: p.verified_at }]),
    );
    const securityInfo = device.facts.securityInfo as Record<string, unknown> | undefined;
    const commands = await recordedCommands(tx, device.id);
    const policies = desired.map((d) => ({
      ...d,
      settings: d.translation
        ? applePolicyCompliance({
            policy: d.policy,
            target,
            translation: d.translation,
            profiles,
            securityInfo: securityInfo && { info: securityInfo, at: device.updated_at },
            declarationReport: declarationReport(device),
            commands: new Map(
              commands.filter((c) => c.policy_id === d.policyId).map((c) => [c.setting, commandState(c)]),
            ),
            installedApps: installedApps(device),
            osVersionAt: device.updated_at,
            now: now(),
          })
        : untranslated(d.policy, d.error!),
    }));
    await replaceCompliance(tx, device.id, policies, now());
  }

  /** The profiles the desired policies translate to, each with the hash that tells a changed profile. */
  function wantedProfiles(desired: DesiredPolicy[], context: AppleTranslationContext) {
    return desired.flatMap((d) =>
      (d.translation?.profiles ?? [])
        .filter((p) => p.delivery === 'command')
        .map((set) => {
          const profile = buildPolicyProfile(set, context);
          const plist = buildPlist(profile);
          return {
            set,
            policyId: d.policyId,
            profile,
            plist,
            hash: createHash('sha256').update(plist).digest('hex'),
          };
        }),
    );
  }

  /** The profiles a device fetches through their legacy declarations, by identifier, unsigned. */
  function declaredProfiles(desired: DesiredPolicy[], context: AppleTranslationContext) {
    return desired.flatMap((d) =>
      (d.translation?.profiles ?? [])
        .filter((p) => p.delivery === 'declaration')
        .map((set) => ({ identifier: set.identifier, plist: buildPlist(buildPolicyProfile(set, context)) })),
    );
  }

  /** New, changed, or removed by someone since it was proven installed. */
  function toInstall(
    wanted: ReturnType<typeof wantedProfiles>,
    recorded: ReadonlyArray<{ identifier: string; content_hash: string; status: string }>,
  ) {
    return wanted.filter((w) => {
      const r = recorded.find((p) => p.identifier === w.set.identifier);
      return !r || r.content_hash !== w.hash || r.status === 'missing';
    });
  }

  function desiredDeclarations(desired: DesiredPolicy[]): PolicyDeclaration[] {
    return desired.flatMap((d) => d.translation?.declarations ?? []);
  }

  function declarationReport(device: Device) {
    return reportedDeclarations(device.facts.declarativeStatus, device.updated_at);
  }

  function command(spec: CommandSpec): DeviceCommand {
    const built = buildCommand(spec);
    return {
      commandUuid: built.CommandUUID,
      requestType: built.Command.RequestType,
      payload: serializeCommand(built),
    };
  }

  return {
    /**
     * What the device must be sent to hold its desired policies: InstallProfile for each profile it lacks (new,
     * changed, or removed by someone), RemoveProfile for each it should no longer have, then ProfileList and
     * SecurityInfo as proof. The device's own desired set is first derived from the assignments again, so a
     * device that enrolled, moved team or reported a new OS version is judged by what selects it now.
     */
    async planDevicePolicies(input: { deviceId: string }): Promise<DevicePolicyPlan> {
      const { deviceId } = input;
      const { signer, encryptTo, plan, windows } = await db.transaction().execute(async (tx) => {
        await recomputeDevice(tx, deviceId);
        // Most devices of a fleet without policies stop here, before the CA is loaded.
        const holds = await tx
          .selectFrom('device_policies')
          .select('policy_id')
          .where('device_id', '=', deviceId)
          .union(
            tx.selectFrom('device_policy_profiles').select('policy_id').where('device_id', '=', deviceId),
          )
          .limit(1)
          .executeTakeFirst();
        if (!holds) return { signer: undefined, plan: undefined };
        const { device, target } = await loadDevice(tx, deviceId);
        // Windows: CSP nodes instead of profiles, on the same records (its own module).
        if (device.platform === 'windows')
          return {
            signer: undefined,
            plan: undefined,
            windows: await planWindowsPolicies(tx, device, now()),
          };
        if (!target) return { signer: undefined, plan: undefined };
        const context = await translationContext(target);
        const desired = await desiredPolicies(tx, deviceId, target, context);
        const recorded = await recordedItems(tx, deviceId);
        const wanted = wantedProfiles(desired, context);
        const declared = context.declarativeManagement ? declaredProfiles(desired, context) : [];
        const install = toInstall(wanted, recorded);
        const unwanted = recorded.filter((r) => !wanted.some((w) => w.set.identifier === r.identifier));
        // A legacy declaration takes over the installed profile of its identifier (Apple: no RemoveProfile
        // first), so a profile now delivered by declaration is only forgotten here.
        const remove = unwanted.filter((r) => !declared.some((d) => d.identifier === r.identifier));
        await recordSent(
          tx,
          deviceId,
          install.map((w) => ({
            identifier: w.set.identifier,
            policyId: w.policyId,
            setting: w.set.setting,
            hash: w.hash,
          })),
          now(),
        );
        const {
          send,
          wanted: wantedCmds,
          removeApps,
        } = await recordPolicyCommands(tx, deviceId, desired, now());
        await forgetRemoved(
          tx,
          deviceId,
          unwanted.map((r) => r.identifier),
        );
        await writeCompliance(tx, device, target, desired);
        const proof = desired.length > 0 || recorded.length > 0;
        const declarations = context.declarativeManagement ? desiredDeclarations(desired) : undefined;
        const drift = declarations !== undefined && declarationDrift(declarations, declarationReport(device));
        // A profile with a secret (a Wi-Fi password, a SCEP challenge) is encrypted to the device's identity, so
        // Temporal and the edge carry it readable by that device only (an elliptic-curve identity cannot receive it).
        const identity =
          install.some((w) => w.set.containsSecrets) && device.enrollment_id
            ? (await findCurrentIdentity(tx, device.enrollment_id))?.der
            : undefined;
        return {
          signer: install.length > 0 || declared.length > 0 ? await deps.ca() : undefined,
          encryptTo: identity && canEncryptTo(identity) ? identity : undefined,
          plan: {
            install,
            declared,
            remove,
            send,
            removeApps,
            proof,
            // Apps (installed or removed) are proven by the device's list, an OS update by the version it reports.
            proveApps: removeApps.length > 0 || wantedCmds.some((w) => w.command.setting.startsWith('apps[')),
            proveOsVersion: wantedCmds.some((w) => w.command.requestType === 'ScheduleOSUpdate'),
            declarations,
            drift,
          },
        };
      });
      if (windows) return windows;
      if (!plan) return { commands: [] };
      // The whole set goes to the edge every time (even empty, once policies are withdrawn); the edge says
      // whether it changed, and the workflow sends the sync command only then or on drift.
      // Signed here in the core worker: the signing key never travels through Temporal.
      const sign = (plist: string) =>
        signProfile(Buffer.from(plist), {
          certPem: signer!.profileSigning.certificatePem,
          keyPem: signer!.profileSigning.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
          chainPem: [signer!.issuing.certificatePem],
        });
      const ddm = plan.declarations && {
        declarations: plan.declarations,
        drift: plan.drift,
        sync: command({ requestType: 'DeclarativeManagement' }),
        profiles: plan.declared.map((d) => ({
          identifier: d.identifier,
          profile: Buffer.from(sign(d.plist)).toString('base64'),
        })),
      };
      const commands: DeviceCommand[] = [];
      for (const w of plan.install) {
        const body =
          w.set.containsSecrets && encryptTo
            ? buildPlist(encryptProfilePayloads(w.profile, encryptTo))
            : w.plist;
        commands.push(command({ requestType: 'InstallProfile', payload: sign(body) }));
      }
      for (const r of plan.remove)
        commands.push(command({ requestType: 'RemoveProfile', identifier: r.identifier }));
      for (const w of plan.send)
        commands.push({
          commandUuid: w.built.CommandUUID,
          requestType: w.command.requestType,
          payload: serializeCommand(w.built),
        });
      for (const built of plan.removeApps)
        commands.push({
          commandUuid: built.CommandUUID,
          requestType: 'RemoveApplication',
          payload: serializeCommand(built),
        });
      // Before the ProfileList, whose answer wakes the workflow to verify: their answers are in the facts by then.
      if (plan.proveApps) commands.push(command({ requestType: 'InstalledApplicationList' }));
      if (!plan.proof) return { commands, ...(ddm && { ddm }) };
      if (plan.proveOsVersion)
        commands.push(command({ requestType: 'DeviceInformation', queries: INVENTORY_QUERIES }));
      const proof = command({ requestType: 'ProfileList' });
      commands.push(proof, command({ requestType: 'SecurityInfo' }));
      return { commands, proofCommandUuid: proof.commandUuid, ...(ddm && { ddm }) };
    },

    /**
     * Reads the device's last ProfileList (already in its facts) against the profiles Keep installed, records
     * per-setting compliance, and says whether the device needs a reconcile: a profile proven installed has
     * gone (drift), or what it reported since (e.g. supervision) changes what it should have.
     */
    async verifyDevicePolicies(input: { deviceId: string }): Promise<{ drift: boolean; reconcile: boolean }> {
      return db.transaction().execute(async (tx) => {
        const { device, target } = await loadDevice(tx, input.deviceId);
        if (device.platform === 'windows') return verifyWindowsPolicies(tx, device, now());
        if (!target) return { drift: false, reconcile: false };
        const recorded = await tx
          .selectFrom('device_policy_profiles')
          .select(['identifier', 'status', 'content_hash'])
          .where('device_id', '=', device.id)
          .forUpdate()
          .execute();
        const { statuses, drift } = verifyApplied(
          recorded,
          reportedProfileIdentifiers(device.facts.profileList),
        );
        await saveVerified(tx, device.id, statuses, now());
        const context = await translationContext(target);
        const desired = await desiredPolicies(tx, device.id, target, context);
        const appsDrifted = await verifyAppInstalls(tx, device, desired, now());
        await writeCompliance(tx, device, target, desired);
        const changed = toInstall(wantedProfiles(desired, context), recorded).length > 0;
        const declarationsDrifted =
          context.declarativeManagement === true &&
          declarationDrift(desiredDeclarations(desired), declarationReport(device));
        const anyDrift = drift || declarationsDrifted || appsDrifted;
        return { drift: anyDrift, reconcile: anyDrift || changed };
      });
    },
  };
}

export type DevicePolicyActivities = ReturnType<typeof createDevicePolicyActivities>;
