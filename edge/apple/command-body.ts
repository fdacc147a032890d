// An Apple queue row's body at rest (edge/queued-command-body.ts): the plist, sealed, opened to answer the device.
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { QueuedCommand } from '../../core/db/edge/command-queue.table.js';
import { openQueuedBody, sealQueuedBody } from '../queued-command-body.js';

export function sealCommandBody(
  ring: KeyRing,
  command: { enrollmentId: string; commandUuid: string; body: Buffer },
): { body: Buffer; body_key_id: string } {
  const { data, keyId } = sealQueuedBody(ring, { table: 'command_queue', ...command }, command.body);
  return { body: data, body_key_id: keyId };
}

export function openCommandBody(
  ring: KeyRing,
  command: Pick<QueuedCommand, 'enrollment_id' | 'command_uuid' | 'body' | 'body_key_id'>,
): Buffer {
  const row = {
    table: 'command_queue',
    enrollmentId: command.enrollment_id,
    commandUuid: command.command_uuid,
  } as const;
  return openQueuedBody(ring, row, command.body, command.body_key_id);
}
