import { describe, expect, it } from 'vitest';
import {
  enqueueWindowsCommand,
  pruneFinishedWindowsCommands,
} from '../../../edge/windows/windows-command-queue.repository.js';
import { useTestDatabase } from '../../support/test-context.js';

describe('the Windows command queue', () => {
  const database = useTestDatabase();

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
      await enqueueWindowsCommand(db, {
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
