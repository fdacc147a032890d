// The per-enrollment command queue: enqueue, hand out the next command, store the device's report.
import { sql, type ExpressionBuilder, type Kysely, type Expression, type Transaction } from 'kysely';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { CommandQueueStatus, QueuedCommand } from '../../core/db/edge/command-queue.table.js';
import { sealCommandBody } from './command-body.js';

type Db = Kysely<EdgeDatabase> | Transaction<EdgeDatabase>;

export interface EnqueueCommand {
  enrollmentId: string;
  commandUuid: string;
  requestType: string;
  /** In clear: sealed with the ring here, so no caller can store a body in clear. */
  body: Buffer;
  priority?: number;
  /** The macOS user channel (UserID) that fetches it; absent: the device channel. */
  userId?: string;
}

const row = (ring: KeyRing, command: EnqueueCommand) => ({
  enrollment_id: command.enrollmentId,
  command_uuid: command.commandUuid,
  request_type: command.requestType,
  ...sealCommandBody(ring, command),
  priority: command.priority ?? 100,
  user_id: command.userId ?? null,
});

/** Idempotent by (enrollment, command UUID): a retried activity does not queue twice. */
export async function enqueueCommand(db: Db, ring: KeyRing, command: EnqueueCommand): Promise<boolean> {
  const inserted = await db
    .insertInto('command_queue')
    .values(row(ring, command))
    .onConflict((oc) => oc.columns(['enrollment_id', 'command_uuid']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

/** Statuses a session may be handed: at Idle (a new session) also what was sent or deferred before. */
const TAKEABLE = {
  idle: ['queued', 'sent', 'not-now'],
  session: ['queued'],
} as const satisfies Record<string, readonly CommandQueueStatus[]>;

/**
 * Many commands in one statement (a bulk command's page), idempotent as `enqueueCommand`; answers the enrollments
 * whose command it queued now.
 */
export async function enqueueCommandBatch(
  db: Db,
  ring: KeyRing,
  commands: readonly EnqueueCommand[],
): Promise<string[]> {
  if (commands.length === 0) return [];
  const rows = await db
    .insertInto('command_queue')
    .values(commands.map((command) => row(ring, command)))
    .onConflict((oc) => oc.columns(['enrollment_id', 'command_uuid']).doNothing())
    .returning('enrollment_id')
    .execute();
  return rows.map((row) => row.enrollment_id);
}

/**
 * The id of the next command for `enrollmentId` on one channel (`userId`, or null for the device's), locked;
 * SKIP LOCKED keeps two concurrent requests of one device from taking the same row.
 */
function nextCommandId(
  eb: ExpressionBuilder<EdgeDatabase, 'command_queue'>,
  enrollmentId: string | Expression<string>,
  idle: boolean,
  userId: string | null,
) {
  return eb
    .selectFrom('command_queue as next')
    .select('next.id')
    .where('next.enrollment_id', '=', enrollmentId)
    .where('next.user_id', userId === null ? 'is' : '=', userId)
    .where('next.status', 'in', idle ? TAKEABLE.idle : TAKEABLE.session)
    .orderBy('next.priority')
    .orderBy('next.id')
    .limit(1)
    .forUpdate()
    .skipLocked();
}

/**
 * The next command for the device, marked sent, in one statement; its body still sealed (`openCommandBody`). A command the device answered NotNow
 * waits for its next Idle (a new session), so it is skipped for the rest of this one; a command sent but
 * never answered is sent again.
 */
export function takeNextCommand(
  db: Db,
  enrollmentId: string,
  idle: boolean,
  /** The macOS user channel asking; null (the default): the device channel. */
  userId: string | null = null,
): Promise<QueuedCommand | undefined> {
  return db
    .updateTable('command_queue')
    .set({ status: 'sent', sent_at: new Date() })
    .where('id', '=', (eb) => nextCommandId(eb, enrollmentId, idle, userId))
    .returningAll()
    .executeTakeFirst();
}

/** How stale `last_seen_at` may get before an Idle check-in moves it: a write per Idle would be a write per request. */
const LAST_SEEN_RESOLUTION_SECONDS = 60;

/**
 * An Idle check-in in one statement, when the certificate is the one bound to the UDID's live enrollment
 * (exactly the case bound-enrollment.ts lets through unchanged): the enrollment's last-seen time moves
 * (at most every LAST_SEEN_RESOLUTION_SECONDS) and its next command is taken. Undefined when the binding is
 * anything else (not enrolled, checked out, a renewal to adopt, another certificate): the full path decides.
 */
export async function takeNextCommandIfBound(
  db: Kysely<EdgeDatabase>,
  claim: { udid: string; fingerprint: string },
): Promise<{ command: QueuedCommand | undefined } | undefined> {
  const row = await db
    .with('bound', (q) =>
      q
        .selectFrom('apple_enrollments')
        .select(['id', 'last_seen_at'])
        .where('udid', '=', claim.udid)
        .where('cert_fingerprint', '=', claim.fingerprint)
        .where('status', '<>', 'checked-out'),
    )
    .with('seen', (q) =>
      q
        .updateTable('apple_enrollments')
        .set({ last_seen_at: sql<Date>`now()` })
        .where('id', '=', (eb) => eb.selectFrom('bound').select('bound.id'))
        .where((eb) =>
          eb.or([
            eb('last_seen_at', 'is', null),
            eb(
              'last_seen_at',
              '<',
              sql<Date>`now() - make_interval(secs => ${LAST_SEEN_RESOLUTION_SECONDS})`,
            ),
          ]),
        )
        .returning('id'),
    )
    .with('taken', (q) =>
      q
        .updateTable('command_queue')
        .set({ status: 'sent', sent_at: sql<Date>`now()` })
        .where('id', '=', (eb) =>
          nextCommandId(eb, eb.selectFrom('bound').select('bound.id').$asScalar(), true, null),
        )
        .returningAll(),
    )
    .selectFrom('bound')
    .leftJoin('taken', (join) => join.onTrue())
    .select('bound.id as bound_enrollment_id')
    .selectAll('taken')
    .executeTakeFirst();
  if (!row) return undefined;
  const { bound_enrollment_id: _bound, ...command } = row;
  return { command: command.id === null ? undefined : (command as QueuedCommand) };
}

const FINAL: Record<string, CommandQueueStatus> = {
  Acknowledged: 'acknowledged',
  Error: 'error',
  CommandFormatError: 'format-error',
  NotNow: 'not-now',
};

/**
 * Stores a report once per (enrollment, command UUID, final status): a repeated report (the device
 * retrying after a lost response) changes nothing and returns false, so nothing is relayed twice. The answer
 * itself is not kept here: it may carry a secret (a bootstrap token, a recovery key) and it reaches the core
 * through the outbox, which drops it once relayed.
 */
export async function recordReport(
  db: Db,
  report: { enrollmentId: string; commandUuid: string; status: keyof typeof FINAL },
): Promise<boolean> {
  const queueStatus = FINAL[report.status]!;
  const stored = await db
    .insertInto('command_results')
    .values({
      enrollment_id: report.enrollmentId,
      command_uuid: report.commandUuid,
      status: report.status,
      body: Buffer.alloc(0),
    })
    .onConflict((oc) =>
      oc
        .columns(['enrollment_id', 'command_uuid'])
        .doUpdateSet({ status: report.status, received_at: new Date() })
        // NotNow may be followed by a final answer; a final answer is never overwritten.
        .where('command_results.status', '=', 'NotNow')
        .where(sql<boolean>`excluded.status <> 'NotNow'`),
    )
    .returning('status')
    .executeTakeFirst();
  if (!stored) return false;
  const final = queueStatus !== 'not-now';
  await db
    .updateTable('command_queue')
    // A final answer purges the body: what retention keeps (type, status, times) needs none of it.
    .set({
      status: queueStatus,
      finished_at: final ? new Date() : null,
      ...(final ? { body: Buffer.alloc(0), body_key_id: null } : {}),
    })
    .where('enrollment_id', '=', report.enrollmentId)
    .where('command_uuid', '=', report.commandUuid)
    .execute();
  return true;
}

/** Retention: finished commands and their results older than the cut-off go. */
export async function pruneFinishedCommands(db: Db, olderThan: Date): Promise<number> {
  const results = await db
    .deleteFrom('command_results')
    .where('received_at', '<', olderThan)
    .executeTakeFirst();
  const commands = await db
    .deleteFrom('command_queue')
    .where('finished_at', '<', olderThan)
    .executeTakeFirst();
  return Number(results.numDeletedRows) + Number(commands.numDeletedRows);
}
