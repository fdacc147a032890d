// Nothing a device reports is lost: results are stored with their outbox event in one transaction, and a
// relay that crashed, or a Temporal that was down, only delays the event until a relay runs again.
import { Client, Connection } from '@temporalio/client';
import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../core/log/logger.js';
import { workflowIds } from '../../../core/temporal/task-queues.js';
import { startOutboxRelay } from '../../../edge/outbox/outbox-relay.js';
import { eventually, identityFrom, signedRequest, type Identity } from '../../support/apple-requests.js';
import { createTestCa } from '../../support/test-ca.js';
import { useTestPlanes } from '../../support/test-context.js';

const UDID = '00008020-0000CRASH0000001';

describe('the edge outbox', () => {
  const planes = useTestPlanes({ relay: false });
  let device: Identity;
  const send = (path: string, message: Record<string, unknown>) =>
    planes.edgeApp.request(signedRequest(path, message as never, device));
  const pending = async () =>
    Number(
      (
        await planes.database.edge.db
          .selectFrom('outbox')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('relayed_at', 'is', null)
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    // No relay runs on its own: the test decides when the "restarted" edge relays.
    const ca = createTestCa('Keep Test Device CA');
    await planes.trust.installChain([
      {
        der: Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(ca.cert)).getBytes(), 'binary'),
        role: 'issuing',
      },
    ]);
    device = identityFrom(ca, 'crash test device');
  }, 120_000);

  it('keeps events that were stored but never relayed, and a restarted relay delivers them', async () => {
    expect(
      (
        await send('/mdm/checkin', {
          MessageType: 'Authenticate',
          UDID,
          Topic: 'com.apple.mgmt.External.t',
          SerialNumber: 'CRASH1',
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await send('/mdm/checkin', {
          MessageType: 'TokenUpdate',
          UDID,
          Topic: 'com.apple.mgmt.External.t',
          Token: Buffer.alloc(32, 3),
          PushMagic: 'm',
          AwaitingConfiguration: false,
        })
      ).status,
    ).toBe(200);
    // The edge "crashed" after answering the device: nothing reached the core.
    expect(await pending()).toBe(2);
    expect(
      await planes.database.core.db.selectFrom('devices').select('id').executeTakeFirst(),
    ).toBeUndefined();

    // A Temporal outage: the relay fails, records why, and loses nothing.
    const deadConnection = Connection.lazy({ address: '127.0.0.1:1', connectTimeout: 200 });
    const unreachable = startOutboxRelay(
      {
        db: planes.database.edge.db,
        temporal: new Client({ connection: deadConnection }),
        coreTaskQueue: 'x',
        edgeTaskQueue: 'y',
        log: createLogger('test', 'silent'),
      },
      false,
    );
    await unreachable.drainOnce().catch(() => 0);
    await unreachable.stop();
    expect(await pending()).toBe(2);
    const failed = await planes.database.edge.db
      .selectFrom('outbox')
      .select(['attempts', 'last_error'])
      .execute();
    expect(failed.every((row) => row.attempts >= 1 && row.last_error)).toBe(true);

    // The restarted edge relays everything, in order, to the device workflow.
    expect(await planes.relay.drainOnce()).toBe(2);
    expect(await pending()).toBe(0);
    const row = await eventually(async () => {
      const r = await planes.database.core.db
        .selectFrom('devices')
        .selectAll()
        .where('udid', '=', UDID)
        .executeTakeFirst();
      return r?.enrollment_status === 'enrolled' ? r : undefined;
    });
    expect(row.serial_number).toBe('CRASH1');

    // A command result stored just before a crash reaches the core after the restart.
    const command = await eventually(async () => {
      const text = await (await send('/mdm/connect', { Status: 'Idle', UDID })).text();
      return text ? text : undefined;
    });
    const uuid = /<key>CommandUUID<\/key>\s*<string>([^<]+)<\/string>/.exec(command)![1]!;
    await send('/mdm/connect', {
      Status: 'Acknowledged',
      UDID,
      CommandUUID: uuid,
      QueryResponses: { OSVersion: '15.3' },
    });
    expect(await pending()).toBe(1);
    await planes.relay.drainOnce();
    await eventually(async () => {
      const r = await planes.database.core.db
        .selectFrom('device_commands')
        .select('status')
        .where('command_uuid', '=', uuid)
        .executeTakeFirst();
      return r?.status === 'acknowledged' ? r : undefined;
    });
  });

  it('never relays a device event ahead of an older one another relayer holds', async () => {
    const udid = '00008020-0000ORDER000001';
    const sendAs = (message: Record<string, unknown>) =>
      planes.edgeApp.request(signedRequest('/mdm/checkin', message as never, second));
    const second = identityFrom(createTestCa('Order CA'), 'order device');
    await planes.trust.installChain([
      ...planes.trust.chain().map((der) => ({ der, role: 'issuing' as const })),
      { der: second.cert, role: 'issuing' as const },
    ]);
    // The device certificate itself is trusted as an anchor here: the test is about ordering, not chains.
    expect(
      (await sendAs({ MessageType: 'Authenticate', UDID: udid, Topic: 'com.apple.mgmt.External.t' })).status,
    ).toBe(200);
    expect(
      (
        await sendAs({
          MessageType: 'TokenUpdate',
          UDID: udid,
          Topic: 'com.apple.mgmt.External.t',
          Token: Buffer.alloc(32, 5),
          PushMagic: 'm',
          AwaitingConfiguration: false,
        })
      ).status,
    ).toBe(200);
    const rows = await planes.database.edge.db
      .selectFrom('outbox')
      .select(['id', 'device_id'])
      .where('relayed_at', 'is', null)
      .orderBy('id')
      .execute();
    expect(rows).toHaveLength(2);
    // Another relayer holds the older event (a row lock in an open transaction)…
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    const other = planes.database.edge.db.transaction().execute(async (tx) => {
      await tx.selectFrom('outbox').select('id').where('id', '=', rows[0]!.id).forUpdate().execute();
      locked();
      await held;
    });
    await isLocked;
    // …so this relayer must not send the newer one first.
    expect(await planes.relay.drainOnce()).toBe(0);
    release();
    await other;
    expect(await planes.relay.drainOnce()).toBe(2);
  });

  it('relays to a new device-events workflow when the one it used has ended', async () => {
    // A run the server terminated (a history limit) or an operator ended must not stop an edge's events for good.
    const udid = '00008020-0000ENDED000001';
    const ended = identityFrom(createTestCa('Ended CA'), 'ended device');
    await planes.trust.installChain([
      ...planes.trust.chain().map((der) => ({ der, role: 'issuing' as const })),
      { der: ended.cert, role: 'issuing' as const },
    ]);
    const sendAs = (message: Record<string, unknown>) =>
      planes.edgeApp.request(signedRequest('/mdm/checkin', message as never, ended));
    const authenticate = { MessageType: 'Authenticate', UDID: udid, Topic: 'com.apple.mgmt.External.t' };
    expect((await sendAs(authenticate)).status).toBe(200);
    expect(await planes.relay.drainOnce()).toBe(1);
    await planes.temporal.workflow
      .getHandle(workflowIds.deviceEvents(planes.edgeConfig.edge.taskQueue))
      .terminate('ended by the test');
    expect((await sendAs(authenticate)).status).toBe(200);
    expect(await planes.relay.drainOnce()).toBe(1);
    expect(await pending()).toBe(0);
    const { id } = await planes.database.core.db
      .selectFrom('devices')
      .select('id')
      .where('udid', '=', udid)
      .executeTakeFirstOrThrow();
    const ingested = await planes.database.core.db
      .selectFrom('device_events')
      .select('kind')
      .where('device_id', '=', id)
      .execute();
    expect(ingested.map((row) => row.kind)).toEqual(['authenticated', 'authenticated']);
  });
});
