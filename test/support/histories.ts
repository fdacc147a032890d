// Recorded workflow histories for replay tests, stored as protobuf with their payloads decrypted, so they
// replay under any key ring (each test run's payload key is random).
import type { Payload } from '@temporalio/common';
import proto from '@temporalio/proto';
import { EncryptionCodec } from '../../core/temporal/payload-codec.js';
import { KeyRing } from '../../core/crypto/key-ring.js';

const { temporal } = proto;
type History = proto.temporal.api.history.v1.IHistory;

async function decodeIn(node: unknown, codec: EncryptionCodec): Promise<void> {
  if (node === null || typeof node !== 'object' || node instanceof Uint8Array) return;
  if (Array.isArray(node)) {
    for (const item of node) await decodeIn(item, codec);
    return;
  }
  for (const [key, value] of Object.entries(node)) {
    if (key === 'payloads' && Array.isArray(value)) {
      const decoded = await codec.decode(value as Payload[]);
      value.splice(0, value.length, ...decoded);
    } else {
      await decodeIn(value, codec);
    }
  }
}

/** The history in protobuf binary form, with every payload decrypted with `payloadKeys`. */
export async function recordableHistory(history: History, payloadKeys: string): Promise<Uint8Array> {
  await decodeIn(history, new EncryptionCodec(KeyRing.parse(payloadKeys)));
  return temporal.api.history.v1.History.encode(history).finish();
}

export function readRecordedHistory(bytes: Uint8Array): History {
  return temporal.api.history.v1.History.decode(bytes);
}
