import { beforeAll, describe, expect, it } from 'vitest';
import {
  enqueueCommand,
  pruneFinishedCommands,
  recordReport,
  takeNextCommand,
} from '../../../edge/apple/command-queue.repository.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { openCommandBody } from '../../../edge/apple/command-body.js';
import { bindOnAuthenticate } from '../../../edge/apple/enrollment.repository.js';
import { useTestDatabase } from '../../support/test-context.js';

describe('the edge command queue', () => {
  const database = useTestDatabase();
  const enrollmentId = '0b7e5f0e-1d2c-4b3a-9f8e-7d6c5b4a3921';
  const ring = KeyRing.parse(KeyRing.generateSpec('queue'));
  const body = (uuid: string) =>
    Buffer.from(`<plist><dict><key>CommandUUID</key><string>${uuid}</string></dict></plist>`);

  beforeAll(async () => {
    await bindOnAuthenticate(database.edge.db, {
      udid: 'QUEUE-TEST',
      kind: 'device',
      fingerprint: 'f'.repeat(64),
      topic: 'com.apple.mgmt.External.q',
      enrollmentId,
      newDeviceId: '1b7e5f0e-1d2c-4b3a-9f8e-7d6c5b4a3921',
    });
  });

  it('queues a command once per UUID and hands out lower priorities first, then in order queued', async () => {
    const db = database.edge.db;
    expect(
      await enqueueCommand(db, ring, {
        enrollmentId,
        commandUuid: 'b',
        requestType: 'ProfileList',
        body: body('b'),
      }),
    ).toBe(true);
    expect(
      await enqueueCommand(db, ring, {
        enrollmentId,
        commandUuid: 'b',
        requestType: 'ProfileList',
        body: body('b'),
      }),
    ).toBe(false);
    await enqueueCommand(db, ring, {
      enrollmentId,
      commandUuid: 'c',
      requestType: 'SecurityInfo',
      body: body('c'),
    });
    await enqueueCommand(db, ring, {
      enrollmentId,
      commandUuid: 'a',
      requestType: 'DeviceLock',
      body: body('a'),
      priority: 10,
    });
    const order: string[] = [];
    for (
      let next = await takeNextCommand(db, enrollmentId, false);
      next;
      next = await takeNextCommand(db, enrollmentId, false)
    ) {
      order.push(next.command_uuid);
    }
    expect(order).toEqual(['a', 'b', 'c']);
  });

  it('holds a NotNow command back until the next Idle, and sends an unanswered one again on Idle', async () => {
    const db = database.edge.db;
    await recordReport(db, { enrollmentId, commandUuid: 'a', status: 'NotNow' });
    await recordReport(db, { enrollmentId, commandUuid: 'b', status: 'Acknowledged' });
    expect(await takeNextCommand(db, enrollmentId, false)).toBeUndefined();
    // The next session starts with Idle: the NotNow'd command comes back first (its priority is lower).
    expect((await takeNextCommand(db, enrollmentId, true))?.command_uuid).toBe('a');
    await recordReport(db, { enrollmentId, commandUuid: 'a', status: 'NotNow' });
    expect(await takeNextCommand(db, enrollmentId, false)).toBeUndefined();
    // 'c' was sent but never answered (a lost response): the next Idle sends it again.
    expect((await takeNextCommand(db, enrollmentId, true))?.command_uuid).toBe('a');
    await recordReport(db, { enrollmentId, commandUuid: 'a', status: 'Acknowledged' });
    expect(await takeNextCommand(db, enrollmentId, false)).toBeUndefined();
    expect((await takeNextCommand(db, enrollmentId, true))?.command_uuid).toBe('c');
  });

  it('stores a final answer once: a repeated report is not new, and never overwrites the first', async () => {
    const db = database.edge.db;
    expect(await recordReport(db, { enrollmentId, commandUuid: 'c', status: 'Error' })).toBe(true);
    expect(
      await recordReport(db, {
        enrollmentId,
        commandUuid: 'c',
        status: 'Acknowledged',
      }),
    ).toBe(false);
    const stored = await db
      .selectFrom('command_results')
      .select(['status', 'body'])
      .where('command_uuid', '=', 'c')
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe('Error');
    expect(stored.body.length).toBe(0);
    // 'a' was answered NotNow, then Acknowledged: the answer replaced the NotNow and stays.
    const a = await db
      .selectFrom('command_results')
      .select('status')
      .where('command_uuid', '=', 'a')
      .executeTakeFirstOrThrow();
    expect(a.status).toBe('Acknowledged');
  });

  it('keeps a body sealed at rest, opened only with the edge key ring and only in its own row', async () => {
    const db = database.edge.db;
    const pin = '<key>PIN</key><string>482913</string>';
    await enqueueCommand(db, ring, {
      enrollmentId,
      commandUuid: 'sealed',
      requestType: 'DeviceLock',
      body: Buffer.from(`<plist><dict>${pin}</dict></plist>`),
    });
    const stored = await db
      .selectFrom('command_queue')
      .selectAll()
      .where('command_uuid', '=', 'sealed')
      .executeTakeFirstOrThrow();
    expect(stored.body.toString('latin1')).not.toContain('482913');
    expect(stored.body_key_id).toBe(ring.primary.id);
    expect(openCommandBody(ring, stored).toString()).toContain(pin);
    // Copied into another command's row, it does not open: the ciphertext is bound to its row.
    expect(() => openCommandBody(ring, { ...stored, command_uuid: 'other' })).toThrow(/authentication/);
    expect(() => openCommandBody(KeyRing.parse(KeyRing.generateSpec(ring.primary.id)), stored)).toThrow(
      /authentication/,
    );
    await db.deleteFrom('command_queue').where('command_uuid', '=', 'sealed').execute();
  });

  it('purges a body once the device gave its final answer, and keeps it while the device answers NotNow', async () => {
    const db = database.edge.db;
    await enqueueCommand(db, ring, {
      enrollmentId,
      commandUuid: 'purged',
      requestType: 'DeviceLock',
      body: Buffer.from('<plist><dict><key>PIN</key><string>482913</string></dict></plist>'),
      priority: 1,
    });
    const bodyOf = () =>
      db
        .selectFrom('command_queue')
        .select(['body', 'body_key_id', 'status'])
        .where('command_uuid', '=', 'purged')
        .executeTakeFirstOrThrow();
    await recordReport(db, { enrollmentId, commandUuid: 'purged', status: 'NotNow' });
    expect((await bodyOf()).body.length).toBeGreaterThan(0);
    const taken = await takeNextCommand(db, enrollmentId, true);
    expect(taken?.command_uuid).toBe('purged');
    expect(openCommandBody(ring, taken!).toString()).toContain('482913');
    await recordReport(db, {
      enrollmentId,
      commandUuid: 'purged',
      status: 'Acknowledged',
    });
    expect(await bodyOf()).toEqual({ body: Buffer.alloc(0), body_key_id: null, status: 'acknowledged' });
  });

  it('prunes finished commands and their results after the retention period, keeping open ones', async () => {
    const db = database.edge.db;
    await enqueueCommand(db, ring, {
      enrollmentId,
      commandUuid: 'open',
      requestType: 'ProfileList',
      body: body('open'),
    });
    expect(await pruneFinishedCommands(db, new Date(Date.now() - 3600_000))).toBe(0);
    const removed = await pruneFinishedCommands(db, new Date(Date.now() + 1000));
    expect(removed).toBeGreaterThanOrEqual(6);
    const left = await db.selectFrom('command_queue').select('command_uuid').execute();
    expect(left.map((r) => r.command_uuid)).toEqual(['open']);
  });
});
