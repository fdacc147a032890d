// The edge's activities for Apple devices, run by the edge worker for workflows in the core.
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import { enqueueCommand } from './command-queue.repository.js';
import type { PushService } from './push-service.js';

export interface CommandForDevice {
  commandUuid: string;
  requestType: string;
  plist: string;
  priority?: number;
}

export function createAppleEdgeActivities(deps: { db: Kysely<EdgeDatabase>; push: PushService }) {
  return {
    /**
     * Queues commands for one enrollment (idempotent by command UUID), then wakes the device once for all
     * of them. A push that fails is not a failed enqueue: the device collects its queue at its next check-in.
     */
    async enqueueCommands(input: {
      enrollmentId: string;
      commands: CommandForDevice[];
    }): Promise<{ pushed: boolean; outcome: string }> {
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
          await enqueueCommand(tx, {
            enrollmentId: input.enrollmentId,
            commandUuid: command.commandUuid,
            requestType: command.requestType,
            body: Buffer.from(command.plist, 'utf8'),
            ...(command.priority === undefined ? {} : { priority: command.priority }),
          });
        }
      });
      const [outcome = 'skipped'] = await deps.push
        .wake([input.enrollmentId])
        .catch(() => ['failed' as const]);
      return { pushed: outcome === 'sent', outcome };
    },

    async installPushCertificate(input: {
      topic: string;
      certPem: string;
      keyPem: string;
      notAfter: string;
    }): Promise<void> {
      await deps.push.installCertificate({ ...input, notAfter: new Date(input.notAfter) });
    },
  };
}

export type AppleEdgeActivities = ReturnType<typeof createAppleEdgeActivities>;
