// Secret rotations in a fleet of two edges, through the real core, Temporal and both edges' databases: a Mac served
// by the second edge gets its Recovery Lock password through that edge (its key seals the command), and a rotation
// whose workflow was terminated before the Mac answered is settled by the Mac's answer instead of blocking the next.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { createAdminApp } from '../../../admin/app.js';
import { generateToken } from '../../../admin/auth/token-hash.js';
import { createVault } from '../../../activities/vault/vault.js';
import { parsePlistDict, type PlistDict, type PlistValue } from '../../../core/apple/plist-codec.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { workflowIds } from '../../../core/temporal/task-queues.js';
import { keyRingKms } from '../../../core/vault/key-ring-kms.js';
import { respondToCommand } from '../../sim/apple/command-responder.js';
import { SimulatedAppleDevice } from '../../sim/apple/simulated-device.js';
import { eventually, signedRequest } from '../../support/apple-requests.js';
import { keepIdentities, type KeepIdentity } from '../../support/keep-identity.js';
import type { TestEdge } from '../../support/planes.js';
import { planesAdminApp } from '../../support/planes-admin.js';
import { useTestPlanes } from '../../support/test-context.js';

const TOPIC = 'com.apple.mgmt.External.rotation';
/** A bound, not a speed claim: workflow tasks and activity retries on a shared 2-core machine. */
const WAIT_MS = 90_000;

describe('secret rotations across edges', { timeout: 300_000 }, () => {
  const planes = useTestPlanes({
    secondEdge: true,
    secondEdgeOwnKeys: true,
    coreEnv: { KEEP_VAULT_RECOVERY_LOCK: 'true', KEEP_VAULT_ROTATION_RETRY_SECONDS: '1' },
  });
  const token = generateToken();
  const mac = new SimulatedAppleDevice({ kind: 'mac' });
  const udid = mac.udid;
  let second: TestEdge;
  let identity: KeepIdentity;
  let admin: ReturnType<typeof createAdminApp>;
  let deviceId: string;
  /** Every RequestType the Mac was sent, in order. */
  const received: string[] = [];

  const vault = () =>
    createVault({
      db: planes.database.core.db,
      kms: keyRingKms(KeyRing.parse(planes.coreConfig.core.secretKeys)),
    });
  const current = async () => (await vault().readCurrent(deviceId, 'recovery-lock'))?.toString();
  const versions = () =>
    planes.database.core.db
      .selectFrom('vault_secrets')
      .select(['version', 'state'])
      .where('device_id', '=', deviceId)
      .where('kind', '=', 'recovery-lock')
      .orderBy('version')
      .execute();
  const send = (path: string, message: Record<string, PlistValue>) =>
    second.edgeApp.request(signedRequest(path, message, identity));
  const sweep = () =>
    planes.temporal.schedule
      .getHandle(workflowIds.secretRotationSweep(planes.coreConfig.core.taskQueue))
      .trigger();

  /** The Mac's MDM loop against the second edge, answering as the simulator does, until `done`. */
  async function serve(done: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + WAIT_MS;
    let report: Record<string, PlistValue> = { Status: 'Idle', UDID: udid };
    for (;;) {
      const res = await send('/mdm/connect', report);
      expect(res.status).toBe(200);
      const body = Buffer.from(await res.arrayBuffer());
      if (body.length > 0) {
        const dict = parsePlistDict(body);
        const command = dict.Command as PlistDict;
        const requestType = command.RequestType as string;
        received.push(requestType);
        const outcome = respondToCommand(command, mac.state);
        report = { UDID: udid, CommandUUID: dict.CommandUUID!, Status: outcome.status, ...outcome.result };
        continue;
      }
      report = { Status: 'Idle', UDID: udid };
      if (await done()) return;
      if (Date.now() > deadline) throw new Error('the Mac was not done in time');
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function reveal(reason: string): Promise<void> {
    const call = (method: string, path: string, body?: unknown) =>
      admin.request(path, {
        method,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    const asked = await call('POST', `/v1/devices/${deviceId}/secrets/recovery-lock/reveal-requests`, {
      reason,
    });
    expect(asked.status).toBe(201);
    const { id } = (await asked.json()) as { id: string };
    expect((await call('POST', `/v1/secret-reveal-requests/${id}/reveal`)).status).toBe(200);
  }

  beforeAll(async () => {
    second = planes.secondEdge!;
    admin = planesAdminApp(planes, token);
    identity = await keepIdentities(planes).enroll();
    expect(
      (await send('/mdm/checkin', { MessageType: 'Authenticate', UDID: udid, Topic: TOPIC })).status,
    ).toBe(200);
    const tokenUpdate = await send('/mdm/checkin', {
      MessageType: 'TokenUpdate',
      UDID: udid,
      Topic: TOPIC,
      Token: Buffer.alloc(32, 7),
      PushMagic: 'magic',
      AwaitingConfiguration: false,
    });
    expect(tokenUpdate.status).toBe(200);
    // The inventory the device workflow asks for tells the core it is an Apple silicon Mac.
    await serve(async () => {
      const row = await planes.database.core.db
        .selectFrom('devices')
        .select(['id', 'enrollment_status', 'facts'])
        .where('udid', '=', udid)
        .executeTakeFirst();
      const info = (row?.facts as { deviceInformation?: Record<string, unknown> } | undefined)
        ?.deviceInformation;
      if (row?.enrollment_status !== 'enrolled' || info?.IsAppleSilicon !== true) return false;
      deviceId = row.id;
      return true;
    });
  }, WAIT_MS * 2);

  it('sets a Recovery Lock password through the edge that serves the Mac, not the first edge', async () => {
    await sweep();
    await serve(async () => (await current()) !== undefined);
    expect(received).toContain('SetRecoveryLock');
    expect(await current()).toBe(mac.state.recoveryLockPassword);
    expect(await versions()).toEqual([{ version: 1, state: 'current' }]);
  });

  it('settles a pending version whose rotation was terminated by the Mac’s answer, and the next rotation runs', async () => {
    const before = await current();
    // A rotation after a reveal, terminated after it vaulted its pending version and queued the command.
    await reveal('terminated rotation');
    // Terminated once its command is queued for the Mac (not between vaulting and queueing).
    await eventually(async () => {
      const queued = await planes.database.core.db
        .selectFrom('device_commands')
        .select('command_uuid')
        .where('device_id', '=', deviceId)
        .where('request_type', '=', 'SetRecoveryLock')
        .where('status', '=', 'queued')
        .executeTakeFirst();
      return queued ? true : undefined;
    }, WAIT_MS);
    const { rotation_id: pending } = await planes.database.core.db
      .selectFrom('vault_secrets')
      .select('rotation_id')
      .where('device_id', '=', deviceId)
      .where('state', '=', 'pending')
      .executeTakeFirstOrThrow();
    const workflowId = pending!.slice(0, pending!.lastIndexOf(':'));
    await planes.temporal.workflow.getHandle(workflowId).terminate('test: an operator stopped the rotation');

    // The command is still waiting for the Mac: the sweep leaves the version pending (the Mac may carry it out).
    await planes.temporal.workflow.execute('secretRotationSweepWorkflow', {
      workflowId: `sweep-${randomUUID()}`,
      taskQueue: planes.coreConfig.core.taskQueue,
      args: [],
    });
    expect((await versions()).map((v) => v.state)).toEqual(['current', 'pending']);

    // The Mac carries it out; once its answer reached the core, the next sweep makes the version it set current.
    await serve(async () => {
      const answered = await planes.database.core.db
        .selectFrom('device_commands')
        .select('command_uuid')
        .where('device_id', '=', deviceId)
        .where('request_type', '=', 'SetRecoveryLock')
        .where('status', '=', 'queued')
        .executeTakeFirst();
      return mac.state.recoveryLockPassword !== before && answered === undefined;
    });
    const settled = await planes.temporal.workflow.execute('secretRotationSweepWorkflow', {
      workflowId: `sweep-${randomUUID()}`,
      taskQueue: planes.coreConfig.core.taskQueue,
      args: [],
    });
    expect(settled).toMatchObject({ settled: 1 });
    expect(await versions()).toEqual([
      { version: 1, state: 'superseded' },
      { version: 2, state: 'current' },
    ]);
    expect(await current()).toBe(mac.state.recoveryLockPassword);

    // Nothing blocks the next rotation.
    const set = mac.state.recoveryLockPassword;
    await reveal('after the settled one');
    await serve(async () => (await current()) !== set);
    expect(await current()).toBe(mac.state.recoveryLockPassword);
    expect((await versions()).map((v) => v.state)).toEqual(['superseded', 'superseded', 'current']);
  });

  it('fails a pending version whose rotation stopped before its command was queued', async () => {
    const kept = await current();
    await vault().storePending(
      deviceId,
      'recovery-lock',
      'secret-rotation-never-ran:1',
      Buffer.from('unused'),
    );
    await planes.temporal.workflow.execute('secretRotationSweepWorkflow', {
      workflowId: `sweep-${randomUUID()}`,
      taskQueue: planes.coreConfig.core.taskQueue,
      args: [],
    });
    expect((await versions()).map((v) => v.state)).toEqual(['superseded', 'superseded', 'current', 'failed']);
    expect(await current()).toBe(kept);
    const flagged = await planes.database.core.db
      .selectFrom('vault_secrets')
      .select('rotation_error')
      .where('device_id', '=', deviceId)
      .where('state', '=', 'current')
      .executeTakeFirstOrThrow();
    expect(flagged.rotation_error).toBe('the rotation stopped before its command was queued');
  });
});
