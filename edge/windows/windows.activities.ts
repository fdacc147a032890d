// Queues OMA-DM commands for a Windows enrolment and wakes the PC through WNS; it collects them in its next session.
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
import { enqueueWindowsCommand } from './windows-command-queue.repository.js';
import type { WnsClient } from './push/wns-client.js';
import { lockWindowsEnrollment, savePushChannel } from './windows-enrollment.repository.js';

export async function enqueueWindowsCommands(
  db: Kysely<EdgeDatabase>,
  ring: KeyRing,
  wns: WnsClient | undefined,
  input: EnqueueCommandsInput,
): Promise<EnqueueCommandsResult> {
  const channel = await db.transaction().execute(async (tx) => {
    const enrollment = await lockWindowsEnrollment(tx, input.enrollmentId);
    if (!enrollment)
      throw ApplicationFailure.nonRetryable(
        `no enrollment ${input.enrollmentId} at this edge`,
        'UnknownEnrollment',
      );
    for (const command of input.commands)
      await enqueueWindowsCommand(tx, ring, {
        enrollmentId: input.enrollmentId,
        commandUuid: command.commandUuid,
        requestType: command.requestType,
        body: command.payload,
      });
    return enrollment.push_channel_uri;
  });
  // Without WNS, or before the PC reported a channel, its poll schedule (from its provisioning document) brings it back.
  if (!wns || !channel) return { pushed: false, outcome: 'polling' };
  const outcome = await wns.push(channel);
  if (outcome === 'expired') await savePushChannel(db, input.enrollmentId, null);
  return { pushed: outcome === 'sent', outcome };
}

/**
 * A bulk command's page for Windows PCs: each PC's command queued (idempotent by UUID) and the PC woken once.
 * Windows PCs are fewer per edge than Macs and each wake is its own WNS request, so this goes PC by PC.
 */
export async function enqueueWindowsBulk(
  db: Kysely<EdgeDatabase>,
  ring: KeyRing,
  wns: WnsClient | undefined,
  input: EnqueueBulkInput,
): Promise<EnqueueBulkResult> {
  const unknown: string[] = [];
  let pushed = 0;
  for (const { enrollmentId, ...command } of input.commands) {
    try {
      const result = await enqueueWindowsCommands(db, ring, wns, { enrollmentId, commands: [command] });
      if (result.pushed) pushed += 1;
    } catch (error) {
      if (error instanceof ApplicationFailure && error.type === 'UnknownEnrollment')
        unknown.push(enrollmentId);
      else throw error;
    }
  }
  return { unknown, pushed };
}
