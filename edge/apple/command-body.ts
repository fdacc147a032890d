// A queued command's body at rest: sealed with the edge key ring, bound to its enrollment and command UUID (a body
// copied to another row does not open), opened only to answer the device that fetches it.
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { QueuedCommand } from '../../core/db/edge/command-queue.table.js';

const aad = (enrollmentId: string, commandUuid: string) =>
  Buffer.from(`edge.command_queue:${enrollmentId}:${commandUuid}`, 'utf8');

export function sealCommandBody(
  ring: KeyRing,
  command: { enrollmentId: string; commandUuid: string; body: Buffer },
): { body: Buffer; body_key_id: string } {
  const { keyId, data } = ring.seal(command.body, aad(command.enrollmentId, command.commandUuid));
  return { body: data, body_key_id: keyId };
}

/** The plist to send; a body without a key id was queued in clear before bodies were sealed. */
export function openCommandBody(
  ring: KeyRing,
  command: Pick<QueuedCommand, 'enrollment_id' | 'command_uuid' | 'body' | 'body_key_id'>,
): Buffer {
  if (command.body_key_id === null) return command.body;
  return ring.open(command.body_key_id, command.body, aad(command.enrollment_id, command.command_uuid));
}
