// A command's answer that holds a secret (a FileVault key's CMS, an unlock token, a bypass code) is sealed by the
// edge to the core's sealing key before it is written to the edge outbox, so it waits there, and crosses Temporal,
// as ciphertext the edge itself cannot open; the core opens it when it ingests the batch. The context binds it to
// its command: a sealed answer moved onto another command does not open.
import type { BoxRecipient } from '../crypto/sealed-box.js';
import { sealTo } from '../crypto/sealed-box.js';
import type { DeviceEvent } from './device-event.js';

export const commandResultContext = (commandUuid: string) => `command-result:${commandUuid}`;

export function sealCommandResult(
  recipient: BoxRecipient,
  commandUuid: string,
  result: Record<string, unknown>,
): string {
  return sealTo(recipient, Buffer.from(JSON.stringify(result), 'utf8'), commandResultContext(commandUuid));
}

/** Thrown when a sealed answer does not open (another key, another command, tampering); names the command only. */
export class SealedCommandResultError extends Error {
  override name = 'SealedCommandResultError';
}

/** The event with its sealed answer opened into `result`; other events as they are. */
export function openCommandResult(
  event: DeviceEvent,
  open: (sealed: string, context: string) => Buffer,
): DeviceEvent {
  if (event.kind !== 'command-report' || event.data.sealedResult === undefined) return event;
  const { sealedResult, ...data } = event.data;
  let result: Record<string, unknown>;
  try {
    result = JSON.parse(
      open(sealedResult, commandResultContext(data.commandUuid)).toString('utf8'),
    ) as Record<string, unknown>;
  } catch (cause) {
    throw new SealedCommandResultError(`the sealed answer to command ${data.commandUuid} does not open`, {
      cause,
    });
  }
  return { ...event, data: { ...data, result } };
}
