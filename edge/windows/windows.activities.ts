// Queues OMA-DM commands for a Windows enrolment; the PC collects them at its next session (it polls).
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { EnqueueCommandsInput, EnqueueCommandsResult } from '../platform.js';
import { enqueueWindowsCommand } from './windows-command-queue.repository.js';
import { findWindowsEnrollment } from './windows-enrollment.repository.js';

export async function enqueueWindowsCommands(
  db: Kysely<EdgeDatabase>,
  input: EnqueueCommandsInput,
): Promise<EnqueueCommandsResult> {
  if (!(await findWindowsEnrollment(db, input.enrollmentId)))
    throw ApplicationFailure.nonRetryable(
      `no enrollment ${input.enrollmentId} at this edge`,
      'UnknownEnrollment',
    );
  await db.transaction().execute(async (tx) => {
    for (const command of input.commands)
      await enqueueWindowsCommand(tx, {
        enrollmentId: input.enrollmentId,
        commandUuid: command.commandUuid,
        requestType: command.requestType,
        body: command.payload,
      });
  });
  // No WNS yet: the PC's poll schedule (set in its provisioning document) brings it back.
  return { pushed: false, outcome: 'polling' };
}
