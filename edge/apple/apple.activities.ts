// The edge's activities for Apple devices, run by the edge worker for workflows in the core.
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import { enqueueCommand } from './command-queue.repository.js';
import type { PushService } from './push-service.js';

export interface EnqueueCommandInput {
  enrollmentId: string;
  commandUuid: string;
  requestType: string;
  plist: string;
  priority?: number;
}

export function createAppleEdgeActivities(deps: { db: Kysely<EdgeDatabase>; push: PushService }) {
  return {
    /** Idempotent by (enrollment, command UUID). */
    async enqueueCommand(input: EnqueueCommandInput): Promise<void> {
      const exists = await deps.db
        .selectFrom('enrollments')
        .select('id')
        .where('id', '=', input.enrollmentId)
        .executeTakeFirst();
      if (!exists)
        throw ApplicationFailure.nonRetryable(
          `no enrollment ${input.enrollmentId} at this edge`,
          'UnknownEnrollment',
        );
      await enqueueCommand(deps.db, {
        enrollmentId: input.enrollmentId,
        commandUuid: input.commandUuid,
        requestType: input.requestType,
        body: Buffer.from(input.plist, 'utf8'),
        priority: input.priority,
      });
    },

    /** Sends at most one push per device however many commands were queued together. */
    async pushEnrollment(input: { enrollmentId: string }): Promise<{ pushed: boolean; outcome: string }> {
      const [outcome] = await deps.push.wake([input.enrollmentId]);
      if (outcome === 'retry-later')
        throw ApplicationFailure.retryable('APNs asked to retry later', 'PushRetryLater');
      return { pushed: outcome === 'sent', outcome: outcome ?? 'skipped' };
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
