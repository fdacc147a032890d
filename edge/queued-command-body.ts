// A queued command's body at rest, for every platform's queue: sealed with the edge key ring, bound to its table,
// enrollment and command UUID (a body copied to another row does not open), opened only to answer the device
// that fetches it.
import type { KeyRing } from '../core/crypto/key-ring.js';

export interface QueuedBodyRow {
  table: 'command_queue' | 'windows_commands';
  enrollmentId: string;
  commandUuid: string;
}

const aad = (row: QueuedBodyRow) =>
  Buffer.from(`edge.${row.table}:${row.enrollmentId}:${row.commandUuid}`, 'utf8');

export function sealQueuedBody(
  ring: KeyRing,
  row: QueuedBodyRow,
  body: Buffer,
): { data: Buffer; keyId: string } {
  return ring.seal(body, aad(row));
}

/** The body to send; one without a key id was queued in clear before bodies were sealed. */
export function openQueuedBody(
  ring: KeyRing,
  row: QueuedBodyRow,
  data: Buffer,
  keyId: string | null,
): Buffer {
  if (keyId === null) return data;
  return ring.open(keyId, data, aad(row));
}
