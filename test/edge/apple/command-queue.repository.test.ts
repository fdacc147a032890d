import { beforeAll, describe, expect, it } from 'vitest';
import {
  enqueueCommand,
  pruneFinishedCommands,
  recordReport,
  takeNextCommand,
} from '../../../edge/apple/command-queue.repository.js';
import { bindOnAuthenticate } from '../../../edge/apple/enrollment.repository.js';
import { useTestDatabase } from '../../support/test-context.js';

describe('the edge command queue', () => {
  const database = useTestDatabase();
  const enrollmentId = '0b7e5f0e-1d2c-4b3a-9f8e-7d6c5b4a3921';
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
      await enqueueCommand(db, {
        enrollmentId,
        commandUuid: 'b',
        requestType: 'ProfileList',
        body: body('b'),
      }),
    ).toBe(true);
    expect(
      await enqueueCommand(db, {
        enrollmentId,
        commandUuid: 'b',
        requestType: 'ProfileList',
        body: body('b'),
      }),
    ).toBe(false);
    await enqueueCommand(db, {
      enrollmentId,
      commandUuid: 'c',
      requestType: 'SecurityInfo',
      body: body('c'),
    });
    await enqueueCommand(db, {
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
    await recordReport(db, { enrollmentId, commandUuid: 'a', status: 'NotNow', body: body('a') });
    await recordReport(db, { enrollmentId, commandUuid: 'b', status: 'Acknowledged', body: body('b') });
    expect(await takeNextCommand(db, enrollmentId, false)).toBeUndefined();
    // The next session starts with Idle: the NotNow'd command comes back first (its priority is lower).
    expect((await takeNextCommand(db, enrollmentId, true))?.command_uuid).toBe('a');
    await recordReport(db, { enrollmentId, commandUuid: 'a', status: 'NotNow', body: body('a') });
    expect(await takeNextCommand(db, enrollmentId, false)).toBeUndefined();
    // 'c' was sent but never answered (a lost response): the next Idle sends it again.
    expect((await takeNextCommand(db, enrollmentId, true))?.command_uuid).toBe('a');
    await recordReport(db, { enrollmentId, commandUuid: 'a', status: 'Acknowledged', body: body('a') });
    expect(await takeNextCommand(db, enrollmentId, false)).toBeUndefined();
    expect((await takeNextCommand(db, enrollmentId, true))?.command_uuid).toBe('c');
  });

  it('stores a final answer once: a repeated report is not new, and never overwrites the first', async () => {
    const db = database.edge.db;
    expect(
      await recordReport(db, { enrollmentId, commandUuid: 'c', status: 'Error', body: Buffer.from('first') }),
    ).toBe(true);
    expect(
      await recordReport(db, {
        enrollmentId,
        commandUuid: 'c',
        status: 'Acknowledged',
        body: Buffer.from('second'),
      }),
    ).toBe(false);
    const stored = await db
      .selectFrom('command_results')
      .select(['status', 'body'])
      .where('command_uuid', '=', 'c')
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe('Error');
    expect(stored.body.toString()).toBe('first');
    // 'a' was answered NotNow, then Acknowledged: the answer replaced the NotNow and stays.
    const a = await db
      .selectFrom('command_results')
      .select('status')
      .where('command_uuid', '=', 'a')
      .executeTakeFirstOrThrow();
    expect(a.status).toBe('Acknowledged');
  });

  it('prunes finished commands and their results after the retention period, keeping open ones', async () => {
    const db = database.edge.db;
    await enqueueCommand(db, {
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
