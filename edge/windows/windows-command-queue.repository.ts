// The OMA-DM command queue of one Windows enrolment: queue, hand out numbered in a session, record answers.
import { sql, type Kysely, type Transaction } from 'kysely';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { WindowsCommand } from '../../core/db/edge/windows.table.js';
import { openQueuedBody, sealQueuedBody } from '../queued-command-body.js';

type Db = Kysely<EdgeDatabase> | Transaction<EdgeDatabase>;

const bodyRow = (enrollmentId: string, commandUuid: string) =>
  ({ table: 'windows_commands', enrollmentId, commandUuid }) as const;

/** Idempotent by (enrolment, command UUID): a retried activity does not queue twice. The body is sealed here. */
export async function enqueueWindowsCommand(
  db: Db,
  ring: KeyRing,
  command: { enrollmentId: string; commandUuid: string; requestType: string; body: string },
): Promise<void> {
  const { data, keyId } = sealQueuedBody(
    ring,
    bodyRow(command.enrollmentId, command.commandUuid),
    Buffer.from(command.body, 'utf8'),
  );
  await db
    .insertInto('windows_commands')
    .values({
      enrollment_id: command.enrollmentId,
      command_uuid: command.commandUuid,
      request_type: command.requestType,
      body: data.toString('base64'),
      body_key_id: keyId,
      result: null,
      session_id: null,
      msg_id: null,
      first_cmd_id: null,
      last_cmd_id: null,
      sent_at: null,
      finished_at: null,
    })
    .onConflict((oc) => oc.columns(['enrollment_id', 'command_uuid']).doNothing())
    .execute();
}

/** The command's JSON, opened from its sealed body: only to send it to its PC. */
export function openWindowsCommandBody(ring: KeyRing, row: WindowsCommand): string {
  if (row.body_key_id === null) return row.body;
  const sealed = Buffer.from(row.body, 'base64');
  return openQueuedBody(ring, bodyRow(row.enrollment_id, row.command_uuid), sealed, row.body_key_id).toString(
    'utf8',
  );
}

/** A new session: what was sent in an earlier one and never answered is sent again. */
export async function requeueUnanswered(db: Db, enrollmentId: string, sessionId: string): Promise<void> {
  await db
    .updateTable('windows_commands')
    .set({ status: 'queued', session_id: null, msg_id: null, first_cmd_id: null, last_cmd_id: null })
    .where('enrollment_id', '=', enrollmentId)
    .where('status', '=', 'sent')
    .where((eb) => eb.or([eb('session_id', '<>', sessionId), eb('session_id', 'is', null)]))
    .execute();
}

/** The next queued commands, oldest first, locked so two concurrent sessions of one PC never take the same. */
export function nextQueued(db: Db, enrollmentId: string, limit: number): Promise<WindowsCommand[]> {
  return db
    .selectFrom('windows_commands')
    .selectAll()
    .where('enrollment_id', '=', enrollmentId)
    .where('status', '=', 'queued')
    .orderBy('id')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function markSent(
  db: Db,
  id: string,
  at: { sessionId: string; msgId: number; firstCmdId: number; lastCmdId: number },
): Promise<void> {
  await db
    .updateTable('windows_commands')
    .set({
      status: 'sent',
      sent_at: new Date(),
      session_id: at.sessionId,
      msg_id: at.msgId,
      first_cmd_id: at.firstCmdId,
      last_cmd_id: at.lastCmdId,
    })
    .where('id', '=', id)
    .execute();
}

/** The command a Status or Results of this session refers to (by MsgRef and CmdRef, an Atomic's inner ones too). */
export function sentCommandAt(
  db: Db,
  enrollmentId: string,
  ref: { sessionId: string; msgRef: number; cmdRef: number },
): Promise<WindowsCommand | undefined> {
  return db
    .selectFrom('windows_commands')
    .selectAll()
    .where('enrollment_id', '=', enrollmentId)
    .where('session_id', '=', ref.sessionId)
    .where('msg_id', '=', ref.msgRef)
    .where('first_cmd_id', '<=', ref.cmdRef)
    .where('last_cmd_id', '>=', ref.cmdRef)
    .forUpdate()
    .executeTakeFirst();
}

/** Commands of this session still open whose own status has arrived (in `result.status`). */
export function answeredInSession(
  db: Db,
  enrollmentId: string,
  sessionId: string,
): Promise<WindowsCommand[]> {
  return db
    .selectFrom('windows_commands')
    .selectAll()
    .where('enrollment_id', '=', enrollmentId)
    .where('session_id', '=', sessionId)
    .where('status', '=', 'sent')
    .where(sql<boolean>`result ->> 'status' is not null`)
    .orderBy('id')
    .execute();
}

export async function saveAnswer(
  db: Db,
  id: string,
  answer: { status?: 'acknowledged' | 'error'; result: { values?: unknown } },
): Promise<void> {
  // A final status purges the body and the nodes' values (a Get may read a secret: a LAPS password, a recovery
  // key), which the outbox event carries to the core; retention keeps the type, status codes and times.
  const { values: _values, ...kept } = answer.result;
  await db
    .updateTable('windows_commands')
    .set({
      result: JSON.stringify(answer.status ? kept : answer.result),
      ...(answer.status
        ? { status: answer.status, finished_at: new Date(), body: '', body_key_id: null }
        : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** Retention (`edge.commandRetentionHours`): finished commands older than the cut-off go. */
export async function pruneFinishedWindowsCommands(db: Db, olderThan: Date): Promise<number> {
  const deleted = await db
    .deleteFrom('windows_commands')
    .where('finished_at', '<', olderThan)
    .executeTakeFirst();
  return Number(deleted.numDeletedRows);
}
