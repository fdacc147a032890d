// A command payload sealed by the admin API to the edge's sealing key: it crosses Temporal (the device workflow's
// Update and activity inputs, a bulk command's template) as ciphertext and is opened only by the edge that queues it.
import type { RingSealingKey } from '../crypto/ring-sealing-key.js';
import { sealTo, type BoxRecipient } from '../crypto/sealed-box.js';

/** Bound to the command (or a bulk template's placeholder) UUID: a sealed payload cannot stand in for another. */
const context = (commandUuid: string) => `device-command:${commandUuid}`;
const SEALED_PREFIX = 'sb1.';

export function sealCommandPayload(recipient: BoxRecipient, payload: string, commandUuid: string): string {
  return sealTo(recipient, Buffer.from(payload, 'utf8'), context(commandUuid));
}

/** The payload in clear: opened when sealed, as is otherwise (commands the core builds carry no admin secret). */
export function openCommandPayload(key: RingSealingKey, payload: string, commandUuid: string): string {
  if (!payload.startsWith(SEALED_PREFIX)) return payload;
  return key.open(payload, context(commandUuid)).toString('utf8');
}
