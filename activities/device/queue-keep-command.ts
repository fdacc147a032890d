// Keep sending a command of its own (not an admin's) through the device workflow's admin-only `queueCommand`
// Update: the command is sealed to the edge's sealing key (it may carry a secret), and the proof the Update checks
// is recorded first, in the core database the edge cannot write.
import { Context } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import { serializeCommand, type MdmCommand } from '../../core/apple/commands/index.js';
import type { BoxRecipient } from '../../core/crypto/sealed-box.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { payloadSha256 } from '../../core/device/admin-command-proof.js';
import { sealCommandPayload } from '../../core/device/sealed-command-payload.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import type { QueueCommandRequest, QueueCommandResult } from '../../workflows/device.messages.js';

/** The device workflow's Update that queues a command (`queueCommandUpdate` in workflows/device.messages.ts). */
const QUEUE_COMMAND_UPDATE = 'queueCommand';

/** A UUID that is the same for every retry of one step (the Update id is this UUID too, so it queues once). */
export function stableCommandUuid(seed: string): string {
  const hex = payloadSha256(seed);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export async function queueKeepCommand(
  db: Kysely<CoreDatabase>,
  command: {
    deviceId: string;
    /** The whole command dictionary (`CommandUUID` and `Command`), as buildCommand returns it. */
    plist: MdmCommand;
    commandUuid: string;
    requestType: string;
    requestedBy: string;
    edgeRecipient: BoxRecipient;
  },
): Promise<void> {
  const { deviceId, commandUuid, requestType, requestedBy } = command;
  const request: QueueCommandRequest = {
    commandUuid,
    requestType,
    payload: sealCommandPayload(command.edgeRecipient, serializeCommand(command.plist), commandUuid),
    requestedBy,
  };
  await db
    .insertInto('admin_command_requests')
    .values({
      command_uuid: commandUuid,
      device_id: deviceId,
      request_type: requestType,
      payload_sha256: payloadSha256(request.payload),
      requested_by: requestedBy,
    })
    // A retry seals again (a new ciphertext): the proof follows the payload that is sent.
    .onConflict((oc) =>
      oc.column('command_uuid').doUpdateSet({ payload_sha256: payloadSha256(request.payload) }),
    )
    .execute();
  await Context.current()
    .client.workflow.getHandle(workflowIds.device(deviceId))
    .executeUpdate<QueueCommandResult, [QueueCommandRequest]>(QUEUE_COMMAND_UPDATE, {
      args: [request],
      updateId: commandUuid,
    });
}
