// Encrypts every Temporal payload (AES-256-GCM, key id in metadata) so the Temporal service sees only ciphertext.
import { fileURLToPath } from 'node:url';
import type { Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';
import { KeyRing } from '../crypto/key-ring.js';

// @temporalio/proto is CommonJS: its namespace comes through the default export under ESM.
const { temporal } = proto;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The whole original payload (its metadata too, which names the encoding) is serialised and sealed,
 * so nothing about a value leaks except its size.
 */
export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keyRing: KeyRing) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const { keyId, data } = this.keyRing.seal(temporal.api.common.v1.Payload.encode(payload).finish());
      return {
        metadata: {
          encoding: encoder.encode(ENCRYPTED_ENCODING),
          'encryption-key-id': encoder.encode(keyId),
        },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const encoding = payload.metadata?.encoding;
      if (!encoding || decoder.decode(encoding) !== ENCRYPTED_ENCODING) return payload;
      const keyId = payload.metadata?.['encryption-key-id'];
      if (!keyId || !payload.data) throw new Error('encrypted payload lacks its key id or data');
      const plain = this.keyRing.open(decoder.decode(keyId), payload.data);
      return temporal.api.common.v1.Payload.decode(plain);
    });
  }
}

/** Encodes failure messages and stack traces as payloads, so that the codec encrypts them too. */
export const failureConverterPath = fileURLToPath(new URL('./failure-converter.cjs', import.meta.url));

/** The data converter every Keep client and worker uses; workflow bundles take `failureConverterPath`. */
export function keepDataConverter(payloadKeys: string | KeyRing): {
  payloadCodecs: PayloadCodec[];
  failureConverterPath: string;
} {
  const ring = typeof payloadKeys === 'string' ? KeyRing.parse(payloadKeys) : payloadKeys;
  return { payloadCodecs: [new EncryptionCodec(ring)], failureConverterPath };
}
