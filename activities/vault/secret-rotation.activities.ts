// The core side of secretRotationWorkflow: a new secret for a device, sent sealed to the edge, and the vault told
// what the device answered. A secret Keep generates (a Recovery Lock or managed admin password) is vaulted as a pending version
// before the command leaves, so a worker dying after the send loses nothing; it becomes current only when the
// device acknowledges (and, for Recovery Lock, verifies) it. A refusal leaves the version before current and
// flagged with the device's error, and the workflow tries again later.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import { sql, type Kysely } from 'kysely';
import { buildCommand, type MdmCommand } from '../../core/apple/commands/index.js';
import { localAdminPasswordHash } from '../../core/apple/local-admin-password-hash.js';
import type { BoxRecipient } from '../../core/crypto/sealed-box.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { generateDevicePassword } from '../../core/vault/device-password.js';
import type { Kms } from '../../core/vault/kms.js';
import {
  isRotatableSecretKind,
  type RotatableSecretKind,
  type SecretRotationInput,
} from '../../core/vault/secret-rotation.js';
import { recordAdminStart } from '../../core/device/admin-start.repository.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { buildFileVaultRotation } from '../apple/filevault-rotation.activities.js';
import { queueKeepCommand, stableCommandUuid } from '../device/queue-keep-command.js';
import type { CaLoader } from '../pki/ca-loader.js';
import { createVault } from './vault.js';
import { appendAudit } from '../../core/audit/append-audit.js';

export type RotationOutcome =
  { acknowledged: true; result: Record<string, unknown> } | { acknowledged: false; error: string };

/** The device workflow's query for its edge (`deviceEdgeQuery` in workflows/device.messages.ts). */
const DEVICE_EDGE_QUERY = 'deviceEdge';

/** Who asked, in device_commands and the admin-command proof: Keep itself, for this rotation. */
const requester = (rotationId: string) => `keep:secret-rotation:${rotationId}`;

/** Apple's name for each refusal (core.device_commands keeps the protocol's answer, not its ErrorChain). */
const REFUSALS: Record<string, string> = { error: 'Error', 'format-error': 'CommandFormatError' };

export interface SecretRotationSettings {
  /** Keep sets a Recovery Lock password on every enrolled Apple silicon Mac. */
  recoveryLock: boolean;
  /** A Recovery Lock password older than this is rotated. */
  rotationDays: number;
  /** The first retry after a refusal (then doubling, up to a day). */
  rotationRetrySeconds: number;
  /** The managed admin account on zero-touch Macs, and how old its password may get. */
  localAdminShortName: string;
  localAdminRotationDays: number;
  /** A FileVault personal recovery key older than this is rotated (RotateFileVaultKey); 0: only after a reveal. */
  fileVaultRotationDays: number;
}

/** Kinds whose new value Keep makes (vaulted pending before the send); a FileVault key is made by the Mac. */
const generated = (kind: RotatableSecretKind) => kind !== 'filevault-prk';

/** Devices started per sweep: the next sweep takes the rest. */
const SWEEP_PAGE = 500;

/** The rotation id of a scheduled rotation begins with this (a Recovery Lock's kept its first form). */
const scheduleTag: Record<RotatableSecretKind, string> = {
  'recovery-lock': 'schedule',
  'filevault-prk': 'schedule-filevault-prk',
  'local-admin': 'schedule-local-admin',
};

export function createSecretRotationActivities(deps: {
  db: Kysely<CoreDatabase>;
  kms: Kms;
  ca: CaLoader;
  settings: SecretRotationSettings;
}) {
  const { db, settings } = deps;
  const vault = createVault(deps);

  const audit = (deviceId: string, action: string, details: Record<string, unknown>) =>
    appendAudit(db, 'keep', { action, targetKind: 'device', targetId: deviceId, details });

  /** The GUID of the managed admin, from the Mac's last AutoSetupAdminAccounts answer (kept in its facts). */
  async function localAdminGuid(deviceId: string): Promise<string | undefined> {
    const row = await db
      .selectFrom('devices')
      .select(sql<unknown>`facts->'deviceInformation'->'AutoSetupAdminAccounts'`.as('accounts'))
      .where('id', '=', deviceId)
      .executeTakeFirst();
    const accounts = Array.isArray(row?.accounts) ? (row.accounts as Record<string, unknown>[]) : [];
    const account = accounts.find((a) => a?.shortName === settings.localAdminShortName);
    return typeof account?.GUID === 'string' ? account.GUID : undefined;
  }

  async function dueRecoveryLocks() {
    const rows = await db
      .selectFrom('devices as d')
      .leftJoin('vault_secrets as v', (join) =>
        join
          .onRef('v.device_id', '=', 'd.id')
          .on('v.kind', '=', 'recovery-lock')
          .on('v.state', '=', 'current'),
      )
      .select(['d.id', 'v.version'])
      .where('d.platform', '=', 'apple')
      .where('d.enrollment_status', '=', 'enrolled')
      .where(sql<boolean>`d.facts->'deviceInformation'->'IsAppleSilicon' = 'true'::jsonb`)
      .where((eb) =>
        eb.or([
          eb('v.id', 'is', null),
          eb('v.created_at', '<', new Date(Date.now() - settings.rotationDays * 86_400_000)),
        ]),
      )
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('vault_secrets as p')
              .select('p.id')
              .whereRef('p.device_id', '=', 'd.id')
              .where('p.kind', '=', 'recovery-lock')
              .where('p.state', '=', 'pending'),
          ),
        ),
      )
      .orderBy('d.id')
      .limit(SWEEP_PAGE)
      .execute();
    return rows.map((row) => ({ ...row, kind: 'recovery-lock' as const }));
  }

  /**
   * Devices whose current secret of a kind is older than `days`: a secret Keep never escrowed is not rotated here
   * (a managed admin is only made in Setup Assistant; a FileVault key only the Mac can report).
   */
  async function dueByAge(kind: 'local-admin' | 'filevault-prk', days: number) {
    const rows = await db
      .selectFrom('devices as d')
      .innerJoin('vault_secrets as v', (join) =>
        join.onRef('v.device_id', '=', 'd.id').on('v.kind', '=', kind).on('v.state', '=', 'current'),
      )
      .select(['d.id', 'v.version'])
      .where('d.enrollment_status', '=', 'enrolled')
      .where('v.created_at', '<', new Date(Date.now() - days * 86_400_000))
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('vault_secrets as p')
              .select('p.id')
              .whereRef('p.device_id', '=', 'd.id')
              .where('p.kind', '=', kind)
              .where('p.state', '=', 'pending'),
          ),
        ),
      )
      .orderBy('d.id')
      .limit(SWEEP_PAGE)
      .execute();
    return rows.map((row) => ({ ...row, kind }));
  }

  /**
   * A pending version outlives its rotation when the workflow is terminated (or times out) before the device
   * answered, and would block every later rotation of that secret. Once its workflow no longer runs, the answer to
   * its command settles it: acknowledged → current (the device has it), refused or never queued → failed and the
   * current version flagged. A command still waiting is left pending: the device may yet carry it out, and the
   * vault must then hold what it set (a later sweep settles it once it answers).
   */
  async function settleAbandonedRotations(deviceId?: string): Promise<number> {
    const pending = await db
      .selectFrom('vault_secrets')
      .select(['device_id', 'kind', 'rotation_id'])
      .where('state', '=', 'pending')
      .where('rotation_id', 'is not', null)
      .$if(deviceId !== undefined, (q) => q.where('device_id', '=', deviceId!))
      .orderBy('created_at')
      .limit(SWEEP_PAGE)
      .execute();
    let settled = 0;
    for (const row of pending) {
      const rotationId = row.rotation_id!;
      if (!isRotatableSecretKind(row.kind) || (await rotationRunning(rotationId))) continue;
      const command = await db
        .selectFrom('device_commands')
        .select('status')
        .where('command_uuid', '=', stableCommandUuid(`rotate:${rotationId}`))
        .where('device_id', '=', row.device_id)
        .executeTakeFirst();
      if (command?.status === 'queued' || command?.status === 'not-now') continue;
      const details = { kind: row.kind, rotationId, command: command?.status ?? 'never queued' };
      await audit(row.device_id, 'secret.rotation-settled', details);
      if (command?.status === 'acknowledged')
        await vault.confirmRotation(row.device_id, row.kind, rotationId);
      else
        await vault.failRotation(
          row.device_id,
          row.kind,
          rotationId,
          command
            ? `the device answered ${REFUSALS[command.status] ?? command.status}`
            : 'the rotation stopped before its command was queued',
        );
      settled++;
    }
    return settled;
  }

  /** Whether the workflow of a rotation (its id is the rotation id's part before `:<attempt>`) still runs. */
  async function rotationRunning(rotationId: string): Promise<boolean> {
    const workflowId = rotationId.slice(0, rotationId.lastIndexOf(':'));
    try {
      const described = await Context.current().client.workflow.getHandle(workflowId).describe();
      return described.status.name === 'RUNNING';
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  /** The command that gives the device its next secret of each kind. */
  const rotations: {
    [K in RotatableSecretKind]: (input: {
      deviceId: string;
      rotationId: string;
      commandUuid: string;
    }) => Promise<MdmCommand | undefined>;
  } = {
    'recovery-lock': async ({ deviceId, rotationId, commandUuid }) => {
      const current = await vault.readCurrent(deviceId, 'recovery-lock');
      const pending = await vault.storePending(
        deviceId,
        'recovery-lock',
        rotationId,
        Buffer.from(generateDevicePassword(), 'utf8'),
      );
      return buildCommand(
        {
          requestType: 'SetRecoveryLock',
          ...(current ? { currentPassword: current.toString('utf8') } : {}),
          newPassword: pending.secret.toString('utf8'),
        },
        commandUuid,
      );
    },
    // SetAutoAdminPassword names the account by the GUID the Mac reported for it in DeviceInformation.
    'local-admin': async ({ deviceId, rotationId, commandUuid }) => {
      const guid = await localAdminGuid(deviceId);
      if (!guid || !(await vault.readCurrent(deviceId, 'local-admin'))) return undefined;
      const pending = await vault.storePending(
        deviceId,
        'local-admin',
        rotationId,
        Buffer.from(generateDevicePassword(), 'utf8'),
      );
      return buildCommand(
        {
          requestType: 'SetAutoAdminPassword',
          guid,
          passwordHash: localAdminPasswordHash(pending.secret.toString('utf8')),
        },
        commandUuid,
      );
    },
    // The Mac makes the new key and encrypts it to the escrow certificate; the ingest escrows it on the answer.
    'filevault-prk': ({ deviceId, commandUuid }) => buildFileVaultRotation(deps, deviceId, commandUuid),
  };

  /**
   * The edge that holds the device's command queue, as its device workflow knows it: the rotation's commands are
   * sealed to that edge's key (another edge could not open them). None when the device has no workflow.
   */
  async function deviceEdge(deviceId: string): Promise<string | undefined> {
    try {
      return await Context.current()
        .client.workflow.getHandle(workflowIds.device(deviceId))
        .query<string>(DEVICE_EDGE_QUERY);
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    }
  }

  /**
   * Starts a rotation recorded as Keep's own (after a reveal, from the sweep), through the device's own edge: the
   * start proof secretRotationWorkflow checks is written here, in the core database the edge cannot write. False
   * when that rotation ran already, or the device has no workflow to queue its commands.
   */
  async function startRotation(
    rotationId: string,
    target: { deviceId: string; kind: RotatableSecretKind; reason: string },
  ): Promise<boolean> {
    const edgeTaskQueue = await deviceEdge(target.deviceId);
    if (edgeTaskQueue === undefined) return false;
    const workflowId = workflowIds.secretRotation(rotationId);
    const input: SecretRotationInput = {
      ...target,
      edgeTaskQueue,
      retryAfterMs: settings.rotationRetrySeconds * 1000,
    };
    await recordAdminStart(db, {
      workflowId,
      workflowType: 'secretRotationWorkflow',
      input,
      requestedBy: 'keep',
    });
    try {
      await Context.current().client.workflow.start('secretRotationWorkflow', {
        workflowId,
        taskQueue: Context.current().info.taskQueue,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
      });
      return true;
    } catch (error) {
      // Started already: by this activity before a retry, or an earlier sweep whose rotation is still trying.
      if (error instanceof WorkflowExecutionAlreadyStartedError) return false;
      throw error;
    }
  }

  return {
    /** A revealed secret is no longer secret: the device gets a new one (one rotation per reveal). */
    async rotateAfterReveal({ requestId }: { requestId: string }): Promise<{ rotationId?: string }> {
      const row = await db
        .selectFrom('secret_reveal_requests')
        .select(['device_id', 'kind', 'status'])
        .where('id', '=', requestId)
        .executeTakeFirst();
      if (row?.status !== 'revealed' || !isRotatableSecretKind(row.kind)) return {};
      const rotationId = `reveal-${requestId}`;
      await startRotation(rotationId, {
        deviceId: row.device_id,
        kind: row.kind,
        reason: `reveal ${requestId}`,
      });
      return { rotationId };
    },

    /**
     * The rotation sweep: with `vault.recoveryLock`, every enrolled Apple silicon Mac without a Recovery Lock
     * password in the vault gets one, and one older than `vault.rotationDays` a new one; a managed admin's password
     * older than `vault.localAdminRotationDays` gets a new one (Keep only creates those in Setup Assistant); with
     * `vault.fileVaultRotationDays`, a Mac whose escrowed FileVault key is older asks the Mac for a new one. A Mac
     * whose rotation is still waiting or retrying is left to it (the rotation id names the version it replaces).
     */
    async startDueSecretRotations(): Promise<{ started: number; settled: number }> {
      const settled = await settleAbandonedRotations();
      const due = [
        ...(settings.recoveryLock ? await dueRecoveryLocks() : []),
        ...(await dueByAge('local-admin', settings.localAdminRotationDays)),
        ...(settings.fileVaultRotationDays > 0
          ? await dueByAge('filevault-prk', settings.fileVaultRotationDays)
          : []),
      ];
      let started = 0;
      for (const device of due)
        if (
          await startRotation(`${scheduleTag[device.kind]}-${device.id}-v${device.version ?? 0}`, {
            deviceId: device.id,
            kind: device.kind,
            reason: 'schedule',
          })
        )
          started++;
      return { started, settled };
    },

    /** Builds the rotation's command, vaults a secret Keep generated as pending, and queues it sealed to the edge. */
    async sendSecretRotation({
      deviceId,
      kind,
      rotationId,
      edgeRecipient,
    }: {
      deviceId: string;
      kind: RotatableSecretKind;
      rotationId: string;
      edgeRecipient: BoxRecipient;
    }): Promise<{ commandUuid: string }> {
      const commandUuid = stableCommandUuid(`rotate:${rotationId}`);
      // A rotation after a reveal need not wait for the sweep to clear what an earlier, stopped one left pending.
      if (generated(kind)) await settleAbandonedRotations(deviceId);
      const plist = await rotations[kind]({ deviceId, rotationId, commandUuid });
      if (!plist)
        throw ApplicationFailure.nonRetryable(
          `the device has no escrowed ${kind} to rotate`,
          'NothingToRotate',
        );
      await queueKeepCommand(db, {
        deviceId,
        plist,
        commandUuid,
        requestType: plist.Command.RequestType,
        requestedBy: requester(rotationId),
        edgeRecipient,
      });
      await audit(deviceId, 'secret.rotation-sent', { kind, rotationId, commandUuid });
      return { commandUuid };
    },

    /** Asks a Mac to check its new Recovery Lock password against the pending version. */
    async sendRecoveryLockCheck({
      deviceId,
      rotationId,
      edgeRecipient,
    }: {
      deviceId: string;
      rotationId: string;
      edgeRecipient: BoxRecipient;
    }): Promise<{ commandUuid: string }> {
      const commandUuid = stableCommandUuid(`verify:${rotationId}`);
      const secret = await vault.readRotation(deviceId, 'recovery-lock', rotationId);
      if (!secret)
        throw ApplicationFailure.nonRetryable('the rotation vaulted no password', 'NothingToVerify');
      await queueKeepCommand(db, {
        deviceId,
        plist: buildCommand(
          { requestType: 'VerifyRecoveryLock', password: secret.toString('utf8') },
          commandUuid,
        ),
        commandUuid,
        requestType: 'VerifyRecoveryLock',
        requestedBy: requester(rotationId),
        edgeRecipient,
      });
      return { commandUuid };
    },

    /**
     * The device's answer to a command, once it has one: retried (with the workflow's backoff) while the command
     * waits in the queue or the device said NotNow, so a device that is offline for days costs no history.
     */
    async rotationCommandOutcome({
      deviceId,
      commandUuid,
    }: {
      deviceId: string;
      commandUuid: string;
    }): Promise<RotationOutcome> {
      const row = await db
        .selectFrom('device_commands')
        .select(['status', 'result'])
        .where('command_uuid', '=', commandUuid)
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
      if (!row || row.status === 'queued' || row.status === 'not-now')
        throw ApplicationFailure.retryable('the device has not answered yet', 'NoAnswerYet');
      if (row.status === 'acknowledged') return { acknowledged: true, result: row.result ?? {} };
      return { acknowledged: false, error: `the device answered ${REFUSALS[row.status] ?? row.status}` };
    },

    /** Tells the vault what the device answered: the new version current, or the old one flagged. */
    async finishSecretRotation({
      deviceId,
      kind,
      rotationId,
      error,
    }: {
      deviceId: string;
      kind: RotatableSecretKind;
      rotationId: string;
      error?: string;
    }): Promise<void> {
      // The audit entry is written first: the vault never shows a change its trail does not.
      if (error === undefined) {
        await audit(deviceId, 'secret.rotated', { kind, rotationId });
        // A FileVault key is vaulted when the Mac's answer is escrowed; a password Keep made was vaulted pending.
        if (generated(kind)) await vault.confirmRotation(deviceId, kind, rotationId);
        return;
      }
      await audit(deviceId, 'secret.rotation-failed', { kind, rotationId, error });
      await vault.failRotation(deviceId, kind, rotationId, error);
    },
  };
}

export type SecretRotationActivities = ReturnType<typeof createSecretRotationActivities>;
