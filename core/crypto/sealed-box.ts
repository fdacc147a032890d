// Seals a value to one recipient's X25519 public key (ECDH with a fresh sender key, HKDF-SHA256, AES-256-GCM), so
// a value crossing Temporal is readable only by the process holding the private key, not by every payload-key holder.
import {
  createCipheriv,
  createDecipheriv,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  randomBytes,
  type KeyObject,
} from 'node:crypto';

/** Thrown when a sealed value cannot be opened: wrong recipient, wrong context, tampering, or a malformed string. */
export class SealedBoxError extends Error {
  override name = 'SealedBoxError';
}

/** A recipient as it travels: its key id and raw 32-byte X25519 public key, base64. */
export interface BoxRecipient {
  keyId: string;
  publicKey: string;
}

export interface BoxKeyPair {
  recipient: BoxRecipient;
  privateKey: KeyObject;
}

const VERSION = 'sb1';
const IV_LENGTH = 12;
const TAG_LENGTH = 16;
// DER prefixes of an X25519 key (RFC 8410), followed by the raw 32 bytes.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

const rawPublic = (key: KeyObject) =>
  key.export({ type: 'spki', format: 'der' }).subarray(SPKI_PREFIX.length);
const publicFromRaw = (raw: Buffer) =>
  createPublicKey({ key: Buffer.concat([SPKI_PREFIX, raw]), format: 'der', type: 'spki' });

/** A key pair held only in memory: for a reply that only this request may read. */
export function generateBoxKeyPair(keyId = 'ephemeral'): BoxKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  return { recipient: { keyId, publicKey: rawPublic(publicKey).toString('base64') }, privateKey };
}

/** A key pair derived from 32 secret bytes (e.g. from a key ring), so it needs no storage of its own. */
export function boxKeyPairFrom(keyId: string, secret: Buffer): BoxKeyPair {
  if (secret.length !== 32) throw new SealedBoxError('an X25519 private key is 32 bytes');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_PREFIX, secret]),
    format: 'der',
    type: 'pkcs8',
  });
  return {
    recipient: { keyId, publicKey: rawPublic(createPublicKey(privateKey)).toString('base64') },
    privateKey,
  };
}

function contentKey(shared: Buffer, senderPublic: Buffer, recipientPublic: Buffer, context: string): Buffer {
  const salt = Buffer.concat([senderPublic, recipientPublic]);
  return Buffer.from(hkdfSync('sha256', shared, salt, `keep sealed box:${context}`, 32));
}

/** `context` names what the value is and for whom (e.g. `bootstrap-token:<device>`): it must match on opening. */
export function sealTo(recipient: BoxRecipient, plaintext: Uint8Array, context: string): string {
  const recipientPublic = Buffer.from(recipient.publicKey, 'base64');
  if (recipientPublic.length !== 32) throw new SealedBoxError('recipient public key is not 32 bytes');
  const sender = generateKeyPairSync('x25519');
  const senderPublic = rawPublic(sender.publicKey);
  const shared = diffieHellman({ privateKey: sender.privateKey, publicKey: publicFromRaw(recipientPublic) });
  const iv = randomBytes(IV_LENGTH);
  const cipher = createCipheriv(
    'aes-256-gcm',
    contentKey(shared, senderPublic, recipientPublic, context),
    iv,
  );
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const sealed = Buffer.concat([senderPublic, iv, cipher.getAuthTag(), body]);
  return `${VERSION}.${recipient.keyId}.${sealed.toString('base64url')}`;
}

/** The recipient key id a sealed value names, to pick the private key (e.g. after a key-ring rotation). */
export function sealedKeyId(sealed: string): string {
  const [version, keyId] = sealed.split('.');
  if (version !== VERSION || !keyId) throw new SealedBoxError('not a sealed box');
  return keyId;
}

export function openSealed(keyPair: BoxKeyPair, sealed: string, context: string): Buffer {
  const parts = sealed.split('.');
  if (parts.length !== 3 || parts[0] !== VERSION) throw new SealedBoxError('not a sealed box');
  if (parts[1] !== keyPair.recipient.keyId)
    throw new SealedBoxError(`sealed to key "${parts[1]}", not "${keyPair.recipient.keyId}"`);
  const raw = Buffer.from(parts[2]!, 'base64url');
  if (raw.length < 32 + IV_LENGTH + TAG_LENGTH) throw new SealedBoxError('sealed box is truncated');
  const senderPublic = raw.subarray(0, 32);
  const recipientPublic = Buffer.from(keyPair.recipient.publicKey, 'base64');
  const shared = diffieHellman({ privateKey: keyPair.privateKey, publicKey: publicFromRaw(senderPublic) });
  const decipher = createDecipheriv(
    'aes-256-gcm',
    contentKey(shared, senderPublic, recipientPublic, context),
    raw.subarray(32, 32 + IV_LENGTH),
  );
  decipher.setAuthTag(raw.subarray(32 + IV_LENGTH, 32 + IV_LENGTH + TAG_LENGTH));
  try {
    return Buffer.concat([decipher.update(raw.subarray(32 + IV_LENGTH + TAG_LENGTH)), decipher.final()]);
  } catch (cause) {
    throw new SealedBoxError('sealed box failed authentication (wrong key, wrong context or tampered)', {
      cause,
    });
  }
}
