// The edge's Apple activities and command queue, used by workflows in the core.
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type {
  EnqueueBulkInput,
  EnqueueBulkResult,
  EnqueueCommandsInput,
  EnqueueCommandsResult,
} from '../platform.js';
import { enqueueCommand, enqueueCommandBatch } from './command-queue.repository.js';
import { installDeclarations, type InstallDeclarationsInput } from './declaration-set.js';
import type { PushService } from './push-service.js';

interface AppleEdgeDeps {
  db: Kysely<EdgeDatabase>;
  push: PushService;
  /** Seals command bodies at rest. */
  keyRing: KeyRing;
}

/**
 * Queues commands for one enrollment (idempotent by command UUID), then wakes the device once for all
 * of them. A push that fails is not a failed enqueue: the device collects its queue at its next check-in.
 */
export async function enqueueAppleCommands(
  deps: AppleEdgeDeps,
  input: EnqueueCommandsInput,
): Promise<EnqueueCommandsResult> {
  const exists = await deps.db
    .selectFrom('apple_enrollments')
    .select('id')
    .where('id', '=', input.enrollmentId)
    .executeTakeFirst();
  if (!exists)
    throw ApplicationFailure.nonRetryable(
      `no enrollment ${input.enrollmentId} at this edge`,
      'UnknownEnrollment',
    );
  await deps.db.transaction().execute(async (tx) => {
    for (const command of input.commands) {
      await enqueueCommand(tx, deps.keyRing, {
        enrollmentId: input.enrollmentId,
        commandUuid: command.commandUuid,
        requestType: command.requestType,
        body: Buffer.from(command.payload, 'utf8'),
        ...(command.priority === undefined ? {} : { priority: command.priority }),
        ...(command.userId === undefined ? {} : { userId: command.userId }),
      });
    }
  });
  // Each channel with a command is woken on its own token: the device's, and each macOS user's.
  const users = [...new Set(input.commands.flatMap((c) => (c.userId === undefined ? [] : [c.userId])))];
  const forDevice = input.commands.some((c) => c.userId === undefined);
  const outcomes = await Promise.all([
    ...(forDevice ? [deps.push.wake([input.enrollmentId]).then(([o = 'skipped']) => o)] : []),
    ...users.map((user) => deps.push.wakeUser(input.enrollmentId, user)),
  ]).catch(() => ['failed' as const]);
  const outcome = outcomes[0] ?? 'skipped';
  return { pushed: outcomes.length > 0 && outcomes.every((o) => o === 'sent'), outcome };
}

/**
 * A bulk command's page: one insert for every enrollment this edge holds, then one push per device whose command
 * was queued now (the push coalescer sends them per topic), so a retried page does not wake devices twice.
 */
export async function enqueueAppleBulk(
  deps: AppleEdgeDeps,
  input: EnqueueBulkInput,
): Promise<EnqueueBulkResult> {
  const ids = [...new Set(input.commands.map((command) => command.enrollmentId))];
  const held = new Set(
    ids.length === 0
      ? []
      : (await deps.db.selectFrom('apple_enrollments').select('id').where('id', 'in', ids).execute()).map(
          (row) => row.id,
        ),
  );
  const queued = await enqueueCommandBatch(
    deps.db,
    deps.keyRing,
    input.commands
      .filter((command) => held.has(command.enrollmentId))
      .map((command) => ({
        enrollmentId: command.enrollmentId,
        commandUuid: command.commandUuid,
        requestType: command.requestType,
        body: Buffer.from(command.payload, 'utf8'),
      })),
  );
  const outcomes = await deps.push.wake(queued).catch(() => []);
  return {
    unknown: ids.filter((id) => !held.has(id)),
    pushed: outcomes.filter((outcome) => outcome === 'sent').length,
  };
}

export function createAppleEdgeActivities(deps: AppleEdgeDeps) {
  return {
    async installPushCertificate(input: {
      topic: string;
      certPem: string;
      keyPem: string;
      notAfter: string;
    }): Promise<void> {
      await deps.push.installCertificate({ ...input, notAfter: new Date(input.notAfter) });
    },

    /**
     * The enrollment's whole DDM declaration set (and the signed profiles its legacy declarations point at), from
     * the core's policies; `changed` says whether to sync.
     */
    installAppleDeclarations(input: InstallDeclarationsInput) {
      return installDeclarations(deps.db, deps.keyRing, input);
    },
  };
}

export type AppleEdgeActivities = ReturnType<typeof createAppleEdgeActivities>;
