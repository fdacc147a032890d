import { describe, expect, it } from 'vitest';
import { coreSealingKey } from '../../../core/crypto/core-sealing-key.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { generateBoxKeyPair, openSealed, sealTo, SealedBoxError } from '../../../core/crypto/sealed-box.js';

const secret = Buffer.from('a bootstrap token');

/** Flips every bit of one byte inside the base64url body, so the test never "tampers" with nothing. */
function tamper(sealed: string): string {
  const [version, keyId, body] = sealed.split('.');
  const bytes = Buffer.from(body!, 'base64url');
  bytes[bytes.length - 1]! ^= 0xff;
  return `${version}.${keyId}.${bytes.toString('base64url')}`;
}

describe('sealed box', () => {
  it('opens for the recipient in the same context, and hides the value', () => {
    const recipient = generateBoxKeyPair();
    const sealed = sealTo(recipient.recipient, secret, 'ctx:1');
    expect(Buffer.from(sealed.split('.')[2]!, 'base64url').includes(secret)).toBe(false);
    expect(openSealed(recipient, sealed, 'ctx:1')).toEqual(secret);
  });

  it('refuses another key, another context and a tampered box', () => {
    const recipient = generateBoxKeyPair();
    const sealed = sealTo(recipient.recipient, secret, 'bootstrap-token:device-a');
    expect(() => openSealed(generateBoxKeyPair(), sealed, 'bootstrap-token:device-a')).toThrow(
      SealedBoxError,
    );
    expect(() => openSealed(recipient, sealed, 'bootstrap-token:device-b')).toThrow(SealedBoxError);
    expect(() => openSealed(recipient, tamper(sealed), 'bootstrap-token:device-a')).toThrow(SealedBoxError);
    expect(() => openSealed(recipient, 'not a box', 'bootstrap-token:device-a')).toThrow(SealedBoxError);
  });
});

describe('core sealing key', () => {
  it('opens what was sealed to its public half, also after the key ring rotates', () => {
    const old = KeyRing.generateSpec('old');
    const before = coreSealingKey(KeyRing.parse(old));
    const sealed = sealTo(before.recipient, secret, 'ctx');
    const rotated = coreSealingKey(KeyRing.parse(`${KeyRing.generateSpec('new')},${old}`));
    expect(rotated.recipient.keyId).toBe('new');
    expect(rotated.open(sealed, 'ctx')).toEqual(secret);
  });

  it('is another key for another core key ring', () => {
    const sealed = sealTo(coreSealingKey(KeyRing.parse(KeyRing.generateSpec('k'))).recipient, secret, 'ctx');
    expect(() => coreSealingKey(KeyRing.parse(KeyRing.generateSpec('k'))).open(sealed, 'ctx')).toThrow(
      SealedBoxError,
    );
  });
});
