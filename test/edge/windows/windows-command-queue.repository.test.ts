import { describe, expect, it } from 'vitest';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import {
  enqueueWindowsCommand,
  nextQueued,
  openWindowsCommandBody,
  pruneFinishedWindowsCommands,
  saveAnswer,
} from '../../../edge/windows/windows-command-queue.repository.js';
import { useTestDatabase } from '../../support/test-context.js';

describe('the Windows command queue', () => {
  const database = useTestDatabase();
  const ring = KeyRing.parse(KeyRing.generateSpec('windows'));

  it('keeps a body sealed at rest, opens it for its PC only, and purges it and the answer’s values at the final status', async () => {
    const db = database.edge.db;
    const enrollmentId = globalThis.crypto.randomUUID();
    await db
      .insertInto('windows_enrollments')
      .values({
        id: enrollmentId,
        device_id: globalThis.crypto.randomUUID(),
        hardware_id: 'PC-SEALED',
        cert_fingerprint: 'cd'.repeat(32),
        status: 'enrolled',
        first_session_at: null,
        last_seen_at: null,
        push_channel_uri: null,
        push_expired_at: null,
      })
      .execute();
    const body = '{"command":"Replace","items":[{"target":"./Vendor/Secret","data":"hunter2-secret"}]}';
    await enqueueWindowsCommand(db, ring, { enrollmentId, commandUuid: 'w1', requestType: 'Replace', body });
    const [row] = await nextQueued(db, enrollmentId, 5);
    expect(row!.body).not.toContain('hunter2');
    expect(Buffer.from(row!.body, 'base64').toString('latin1')).not.toContain('hunter2');
    expect(openWindowsCommandBody(ring, row!)).toBe(body);
    expect(() => openWindowsCommandBody(ring, { ...row!, command_uuid: 'w2' })).toThrow(/authentication/);
    // A Get that read a secret node: its value waits with the package, and is gone at the final status.
    const answer = { status: '200', values: { './Vendor/MSFT/LAPS/Password': 'laps-secret' } };
    await saveAnswer(db, row!.id, { result: answer });
    expect(openWindowsCommandBody(ring, (await nextQueued(db, enrollmentId, 5))[0]!)).toBe(body);
    await saveAnswer(db, row!.id, { status: 'acknowledged', result: answer });
    const purged = await db
      .selectFrom('windows_commands')
      .select(['body', 'body_key_id', 'status', 'result'])
      .where('id', '=', row!.id)
      .executeTakeFirstOrThrow();
    expect(purged).toEqual({
      body: '',
      body_key_id: null,
      status: 'acknowledged',
      result: { status: '200' },
    });
    await db.deleteFrom('windows_commands').where('enrollment_id', '=', enrollmentId).execute();
  });

  it('prunes finished commands past retention and keeps open and recent ones', async () => {
    const db = database.edge.db;
    const enrollmentId = globalThis.crypto.randomUUID();
    await db
      .insertInto('windows_enrollments')
      .values({
        id: enrollmentId,
        device_id: globalThis.crypto.randomUUID(),
        hardware_id: 'PC-RETENTION',
        cert_fingerprint: 'ab'.repeat(32),
        status: 'enrolled',
        first_session_at: null,
        last_seen_at: null,
        push_channel_uri: null,
        push_expired_at: null,
      })
      .execute();
    for (const uuid of ['old', 'recent', 'open'])
      await enqueueWindowsCommand(db, ring, {
        enrollmentId,
        commandUuid: uuid,
        requestType: 'Get',
        body: '{"command":"Get","items":[]}',
      });
    const day = 86_400_000;
    await db
      .updateTable('windows_commands')
      .set({ status: 'acknowledged', finished_at: new Date(Date.now() - 10 * day) })
      .where('command_uuid', '=', 'old')
      .execute();
    await db
      .updateTable('windows_commands')
      .set({ status: 'error', finished_at: new Date() })
      .where('command_uuid', '=', 'recent')
      .execute();
    expect(await pruneFinishedWindowsCommands(db, new Date(Date.now() - 7 * day))).toBe(1);
    const left = await db
      .selectFrom('windows_commands')
      .select('command_uuid')
      .orderBy('command_uuid')
      .execute();
    expect(left.map((r) => r.command_uuid)).toEqual(['open', 'recent']);
  });
});
