// One command to many devices through the admin API, the bulk-command workflow, the real edge and core: Apple
// devices enrolled at the edge fetch it once each and answer; refusals are named; a core worker restart in the
// middle of the fan-out loses and duplicates nothing.
import { createPrivateKey, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parsePlistDict, type PlistValue } from '../../core/apple/plist-codec.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { loadOrCreateCa } from '../../activities/pki/ca-operations.js';
import { startCoreWorker } from '../../activities/core-worker.js';
import type { RunningWorker } from '../../runtime/run-worker.js';
import { issueIdentities } from '../bench/bench-identities.js';
import { eventually, signedRequest, type Identity } from '../support/apple-requests.js';
import { planesAdminApp } from '../support/planes-admin.js';
import { useTestPlanes } from '../support/test-context.js';
import { causes } from '../support/error-causes.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { BOOTSTRAP_TOKEN, call, insertDevice, tokenFor, type AdminApp } from './support.js';

const FLEET = 52;
const DOWN_EDGE = `edge-down-${randomUUID().slice(0, 8)}`;

interface EnrolledDevice {
  udid: string;
  identity: Identity;
  /** Every command UUID this device fetched, in order. */
  fetched: string[];
}

interface Progress {
  finishedAt: string | null;
  targets: { pending: number; queued: number; refused: number };
  results: Record<string, number>;
  refused: Array<{ deviceId: string; reason: string; detail?: string }>;
}

/** What a device answers: enough for Keep's inventory commands and the bulk one (ProfileList). */
function answerFor(command: Record<string, PlistValue>): Record<string, PlistValue> {
  switch ((command.Command as { RequestType: string }).RequestType) {
    case 'DeviceInformation':
      return { QueryResponses: { OSVersion: '15.1' } };
    case 'SecurityInfo':
      return { SecurityInfo: {} };
    case 'ProfileList':
      return { ProfileList: [] };
    default:
      return {};
  }
}

describe('one command to many devices', { timeout: 240_000 }, () => {
  // A further edge the core serves that is down: a page the first edge cannot place waits for it.
  const planes = useTestPlanes({ edgesDown: [DOWN_EDGE] });
  let admin: AdminApp;
  let operator: string;
  let devices: EnrolledDevice[];
  let restartedWorker: RunningWorker | undefined;
  const send = (device: EnrolledDevice, path: string, message: Record<string, PlistValue>) =>
    planes.edgeApp.request(signedRequest(path, { UDID: device.udid, ...message }, device.identity));

  /** One session: Idle, then every command fetched is answered, until the queue is empty. */
  async function session(device: EnrolledDevice): Promise<void> {
    let response = await send(device, '/mdm/connect', { Status: 'Idle' });
    for (;;) {
      expect(response.status).toBe(200);
      const text = await response.text();
      if (!text) return;
      const command = parsePlistDict(text);
      const commandUuid = command.CommandUUID as string;
      device.fetched.push(commandUuid);
      response = await send(device, '/mdm/connect', {
        Status: 'Acknowledged',
        CommandUUID: commandUuid,
        ...answerFor(command),
      });
    }
  }

  async function coreIds(): Promise<string[]> {
    const rows = await planes.database.core.db
      .selectFrom('devices')
      .select(['id', 'udid'])
      .where(
        'udid',
        'in',
        devices.map((d) => d.udid),
      )
      .where('enrollment_status', '=', 'enrolled')
      .execute();
    return rows.map((r) => r.id);
  }

  const progressOf = async (id: string): Promise<Progress> => {
    const response = await call(admin, 'GET', `/v1/commands/${id}`, { token: operator });
    expect(response.status).toBe(200);
    return (await response.json()) as Progress;
  };

  beforeAll(async () => {
    admin = planesAdminApp(planes, BOOTSTRAP_TOKEN);
    operator = await tokenFor(planes.database.core.db, 'operator');
    // Keep's own CA, which the edge already trusts: its identities survive the core re-provisioning the edge.
    const ca = await loadOrCreateCa(
      planes.database.core.db,
      KeyRing.parse(planes.coreConfig.core.secretKeys),
      {
        organization: planes.coreConfig.core.organization,
      },
    );
    const issued = await issueIdentities(ca.issuing, planes.database.edge.db, FLEET, 4);
    devices = issued.certificates.map((certificate, i) => ({
      udid: `BULK-${i}-${randomUUID()}`,
      identity: {
        cert: Buffer.from(certificate, 'base64'),
        key: createPrivateKey(issued.keysPem[i % issued.keysPem.length]!),
      },
      fetched: [],
    }));
    for (const device of devices) {
      const auth = await send(device, '/mdm/checkin', {
        MessageType: 'Authenticate',
        Topic: 'com.apple.mgmt.External.bulk',
        SerialNumber: device.udid.slice(0, 12),
        Model: 'Mac14,2',
        OSVersion: '15.1',
      });
      expect(auth.status).toBe(200);
      const token = await send(device, '/mdm/checkin', {
        MessageType: 'TokenUpdate',
        Topic: 'com.apple.mgmt.External.bulk',
        Token: Buffer.alloc(32, 7),
        PushMagic: `magic-${device.udid}`,
        AwaitingConfiguration: false,
      });
      expect(token.status).toBe(200);
    }
    await eventually(async () => ((await coreIds()).length === FLEET ? true : undefined), 120_000);
  }, 200_000);

  afterAll(async () => {
    await restartedWorker?.close();
  });

  it('queues it to 50+ devices with one call: each fetches it once, and every result reaches the core', async () => {
    const ids = await coreIds();
    const unknown = randomUUID();
    const pending = await insertDevice(planes.database.core.db, { enrollment_status: 'authenticated' });
    const response = await call(admin, 'POST', '/v1/commands', {
      token: operator,
      body: {
        idempotencyKey: 'profile-list-1',
        platform: 'apple',
        devices: [...ids, unknown, 'not-an-id', pending],
        command: { requestType: 'ProfileList' },
      },
    });
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as { id: string; accepted: number; refused: unknown[] };
    expect(accepted.accepted).toBe(FLEET);
    expect(accepted.refused).toEqual([
      { deviceId: unknown, reason: 'unknown' },
      { deviceId: 'not-an-id', reason: 'unknown' },
      { deviceId: pending, reason: 'not-enrolled' },
    ]);

    const queued = await eventually(async () => {
      const progress = await progressOf(accepted.id);
      return progress.finishedAt ? progress : undefined;
    }, 60_000);
    expect(queued.targets).toEqual({ pending: 0, queued: FLEET, refused: 3 });

    const commandUuids = new Set(
      (
        await planes.database.core.db
          .selectFrom('bulk_command_targets')
          .select('command_uuid')
          .where('bulk_id', '=', accepted.id)
          .where('state', '=', 'queued')
          .execute()
      ).map((row) => row.command_uuid!),
    );
    expect(commandUuids.size).toBe(FLEET);
    // Two sessions each: the second finds nothing of the bulk command left.
    for (const device of devices) await session(device);
    for (const device of devices) await session(device);
    for (const device of devices) {
      expect(device.fetched.filter((uuid) => commandUuids.has(uuid))).toHaveLength(1);
    }

    const answered = await eventually(async () => {
      const progress = await progressOf(accepted.id);
      return progress.results.acknowledged === FLEET ? progress : undefined;
    }, 60_000);
    expect(answered.results).toMatchObject({ queued: 0, acknowledged: FLEET });

    const [audit] = await planes.database.core.db
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'device.command.send-bulk')
      .where('target_id', '=', accepted.id)
      .execute();
    expect(audit?.details).toMatchObject({ requestType: 'ProfileList', accepted: FLEET, refused: 3 });
  });

  it('carries a lock PIN sealed to the edge: the core and Temporal hold ciphertext, the device gets its PIN', async () => {
    const [device] = devices;
    const { id } = await planes.database.core.db
      .selectFrom('devices')
      .select('id')
      .where('udid', '=', device!.udid)
      .executeTakeFirstOrThrow();
    const response = await call(admin, 'POST', '/v1/commands', {
      token: operator,
      body: {
        idempotencyKey: 'lock-with-pin',
        platform: 'apple',
        devices: [id],
        command: { requestType: 'DeviceLock', parameters: { pin: '482913' } },
      },
    });
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as { id: string };
    await eventually(async () => ((await progressOf(accepted.id)).finishedAt ? true : undefined), 60_000);
    const stored = await planes.database.core.db
      .selectFrom('bulk_commands')
      .select('payload')
      .where('id', '=', accepted.id)
      .executeTakeFirstOrThrow();
    expect(stored.payload).not.toContain('482913');
    const delivered = await send(device!, '/mdm/connect', { Status: 'Idle' });
    expect(await delivered.text()).toMatch(/<key>PIN<\/key>\s*<string>482913<\/string>/);
    await session(device!);
  });

  it('takes the key from the Idempotency-Key header, and answers 400 naming the field without one or with two that differ', async () => {
    const ids = (await coreIds()).slice(0, 2);
    const body = { platform: 'apple', devices: ids, command: { requestType: 'ProfileList' } };
    const send = (headers: Record<string, string>, extra: Record<string, unknown> = {}) =>
      call(admin, 'POST', '/v1/commands', { token: operator, body: { ...body, ...extra }, headers });
    const first = await send({ 'idempotency-key': 'from-header' });
    expect(first.status).toBe(202);
    const { id } = (await first.json()) as { id: string };
    const again = await send({}, { idempotencyKey: 'from-header' });
    expect(((await again.json()) as { id: string }).id).toBe(id);
    for (const res of [await send({}), await send({ 'idempotency-key': 'a' }, { idempotencyKey: 'b' })]) {
      expect(res.status).toBe(400);
      expect(((await res.json()) as { error: string }).error).toMatch(/^idempotencyKey: /);
    }
  });

  it('answers the same bulk command for the same key, and 409 for the key reused for another command', async () => {
    const ids = (await coreIds()).slice(0, 3);
    const body = {
      idempotencyKey: 'once',
      platform: 'apple',
      devices: ids,
      command: { requestType: 'ProfileList' },
    };
    const first = (await (await call(admin, 'POST', '/v1/commands', { token: operator, body })).json()) as {
      id: string;
    };
    const again = await call(admin, 'POST', '/v1/commands', { token: operator, body });
    expect(again.status).toBe(202);
    expect(((await again.json()) as { id: string }).id).toBe(first.id);
    const other = await call(admin, 'POST', '/v1/commands', {
      token: operator,
      body: { ...body, command: { requestType: 'SecurityInfo' } },
    });
    expect(other.status).toBe(409);
    expect(((await other.json()) as { error: string }).error).toMatch(/^idempotencyKey:/);
    const rows = await planes.database.core.db
      .selectFrom('bulk_commands')
      .select('id')
      .where('idempotency_key', '=', 'once')
      .execute();
    expect(rows).toHaveLength(1);
    for (const device of devices) await session(device);
  });

  it('refuses a recorded bulk command started again, or under another id, as a compromised edge would', async () => {
    const ids = (await coreIds()).slice(0, 2);
    const response = await call(admin, 'POST', '/v1/commands', {
      token: operator,
      body: {
        idempotencyKey: 'started-once',
        platform: 'apple',
        devices: ids,
        command: { requestType: 'ProfileList' },
      },
    });
    const { id } = (await response.json()) as { id: string };
    await eventually(async () => ((await progressOf(id)).finishedAt ? true : undefined), 60_000);
    // The edge holds Temporal credentials: it starts the finished bulk command again, and under an id of its own.
    for (const workflowId of [workflowIds.bulkCommand(id), workflowIds.bulkCommand(randomUUID())]) {
      const refused = await planes.temporal.workflow
        .execute('bulkCommandWorkflow', {
          workflowId,
          taskQueue: planes.coreConfig.core.taskQueue,
          args: [{ bulkId: id }],
        })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(causes(refused), workflowId).toMatch(/not authorised by an admin/);
    }
    for (const device of devices) await session(device);
  });

  it('names a device outside a team helpdesk’s scope as refused, and commands the rest of its team', async () => {
    const db = planes.database.core.db;
    const ids = await coreIds();
    const team = await db
      .insertInto('teams')
      .values({ name: `bulk-${randomUUID()}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('device_teams')
      .values(ids.slice(0, 5).map((device_id) => ({ device_id, team_id: team.id })))
      .execute();
    const helpdesk = await tokenFor(db, 'helpdesk', { teamId: team.id });
    const outside = ids[10]!;
    const response = await call(admin, 'POST', '/v1/commands', {
      token: helpdesk,
      body: {
        idempotencyKey: 'team',
        platform: 'apple',
        devices: [...ids.slice(0, 5), outside],
        command: { requestType: 'ProfileList' },
      },
    });
    expect(response.status).toBe(202);
    expect(await response.json()).toMatchObject({
      accepted: 5,
      refused: [{ deviceId: outside, reason: 'out-of-scope' }],
    });
    // What a help desk may not send at all is refused before anything is recorded.
    const erase = await call(admin, 'POST', '/v1/commands', {
      token: helpdesk,
      body: {
        idempotencyKey: 'erase',
        platform: 'apple',
        teamId: team.id,
        command: { requestType: 'ShutDownDevice' },
      },
    });
    expect(erase.status).toBe(403);
    for (const device of devices) await session(device);
  });

  it('refuses a device-wide command to a User Enrollment per device, saying why, and sends it to the rest', async () => {
    const db = planes.database.core.db;
    const [company] = await coreIds();
    const byod = await insertDevice(db, {
      facts: { authenticate: { udid: 'E-BULK-BYOD', userEnrollment: true } },
    });
    await db.updateTable('devices').set({ enrollment_id: randomUUID() }).where('id', '=', byod).execute();
    const bulk = (idempotencyKey: string, requestType: string) =>
      call(admin, 'POST', '/v1/commands', {
        token: operator,
        body: { idempotencyKey, platform: 'apple', devices: [company!, byod], command: { requestType } },
      });
    const restart = await bulk('byod-restart', 'RestartDevice');
    expect(restart.status).toBe(202);
    const refused = [
      {
        deviceId: byod,
        reason: 'not-for-device',
        detail: expect.stringMatching(/^RestartDevice acts on the whole device, which a User Enrollment/),
      },
    ];
    const accepted = (await restart.json()) as { id: string };
    expect(accepted).toMatchObject({ accepted: 1, refused });
    const done = await eventually(async () => {
      const progress = await progressOf(accepted.id);
      return progress.finishedAt ? progress : undefined;
    }, 60_000);
    expect(done).toMatchObject({ targets: { pending: 0, queued: 1, refused: 1 }, refused });
    expect(
      await db.selectFrom('device_commands').select('command_uuid').where('device_id', '=', byod).execute(),
    ).toEqual([]);
    // What a personal device takes is not refused for it.
    const inventory = await bulk('byod-profiles', 'ProfileList');
    expect(await inventory.json()).toMatchObject({ accepted: 2, refused: [] });
    for (const device of devices) await session(device);
  });

  it('answers 400 naming the field of a bad command or target list', async () => {
    for (const [body, field] of [
      [{ idempotencyKey: 'x', platform: 'apple', command: { requestType: 'ProfileList' } }, 'devices'],
      [
        { idempotencyKey: 'x', platform: 'apple', devices: [randomUUID()], command: { requestType: 'Nope' } },
        'command.requestType',
      ],
      [{ idempotencyKey: '', platform: 'apple', devices: [randomUUID()], command: {} }, 'idempotencyKey'],
    ] as const) {
      const response = await call(admin, 'POST', '/v1/commands', { token: operator, body });
      expect(response.status, field).toBe(400);
      expect(((await response.json()) as { error: string }).error, field).toMatch(new RegExp(`^${field}:`));
    }
  });

  it('loses and duplicates nothing when the core worker restarts in the middle of the fan-out', async () => {
    const db = planes.database.core.db;
    const ids = await coreIds();
    // Enrolled in the core but held by no running edge: the page waits on the edge that is down.
    const ghost = await insertDevice(db, { enrollment_status: 'enrolled' });
    await db.updateTable('devices').set({ enrollment_id: randomUUID() }).where('id', '=', ghost).execute();
    const response = await call(admin, 'POST', '/v1/commands', {
      token: operator,
      body: {
        idempotencyKey: 'restart',
        platform: 'apple',
        devices: [...ids, ghost],
        command: { requestType: 'ProfileList' },
      },
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: string };
    const bulkUuids = new Set(
      (
        await db
          .selectFrom('bulk_command_targets')
          .select('command_uuid')
          .where('bulk_id', '=', id)
          .where('device_id', '!=', ghost)
          .execute()
      ).map((row) => row.command_uuid!),
    );
    // The first edge has queued the page; the fan-out now waits for the second edge.
    await eventually(async () => {
      const rows = await planes.database.edge.db
        .selectFrom('command_queue')
        .select('command_uuid')
        .where('command_uuid', 'in', [...bulkUuids])
        .execute();
      return rows.length === FLEET ? rows : undefined;
    });
    expect((await progressOf(id)).targets.pending).toBe(FLEET + 1);

    // Stopped, not closed: the planes close its connection at the end.
    planes.coreWorker.worker.shutdown();
    await planes.coreWorker.done;
    restartedWorker = await startCoreWorker(planes.coreConfig, planes.coreConfig.core.workflowBundle);
    await planes.startEdge(DOWN_EDGE);

    const done = await eventually(async () => {
      const progress = await progressOf(id);
      return progress.finishedAt ? progress : undefined;
    }, 60_000);
    expect(done.targets).toEqual({ pending: 0, queued: FLEET, refused: 1 });
    expect(done.refused).toEqual([{ deviceId: ghost, reason: 'not-at-edge' }]);
    // The ghost's command is not kept half-done in the core.
    expect(
      await db.selectFrom('device_commands').select('command_uuid').where('device_id', '=', ghost).execute(),
    ).toEqual([]);
    for (const device of devices) device.fetched = [];
    for (const device of devices) await session(device);
    for (const device of devices) await session(device);
    for (const device of devices)
      expect(device.fetched.filter((uuid) => bulkUuids.has(uuid))).toHaveLength(1);
    const answered = await eventually(async () => {
      const progress = await progressOf(id);
      return progress.results.acknowledged === FLEET ? progress : undefined;
    }, 60_000);
    expect(answered.results.queued).toBe(0);
  });
});
