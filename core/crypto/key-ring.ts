// AES-256-GCM envelope encryption with a key ring, shared by the Temporal payload codec and secrets at rest.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

/** One 256-bit key and the id written beside every ciphertext it produced. */
export interface RingKey {
  id: string;
  key: Buffer;
}

/** Thrown when a ciphertext cannot be opened: unknown key id, tampering, or a truncated blob. */
export class KeyRingError extends Error {
  override name = 'KeyRingError';
}

const IV_LENGTH = 12;
const TAG_LENGTH = 16;
const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Keys are tried by id, so a rotated-out key stays readable for as long as it is in the ring,
 * while every new ciphertext uses the primary (first) key.
 */
export class KeyRing {
  readonly primary: RingKey;
  readonly #byId: Map<string, Buffer>;

  constructor(keys: readonly RingKey[]) {
    const [primary] = keys;
    if (!primary) throw new KeyRingError('a key ring needs at least one key');
    this.#byId = new Map();
    for (const { id, key } of keys) {
      if (!KEY_ID_PATTERN.test(id))
        throw new KeyRingError(`key id "${id}" must match ${KEY_ID_PATTERN.source}`);
      if (key.length !== 32)
        throw new KeyRingError(`key "${id}" must be 32 bytes (256 bits), got ${key.length}`);
      if (this.#byId.has(id)) throw new KeyRingError(`key id "${id}" appears twice`);
      this.#byId.set(id, key);
    }
    this.primary = primary;
  }

  /** Parses "id:base64key,id2:base64key" — the format of the KEEP_*_KEYS settings. */
  static parse(spec: string): KeyRing {
    const keys = spec
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean)
      .map((part) => {
        const at = part.indexOf(':');
        if (at <= 0) throw new KeyRingError('each key must be written as <id>:<base64 of 32 bytes>');
        return { id: part.slice(0, at), key: Buffer.from(part.slice(at + 1), 'base64') };
      });
    return new KeyRing(keys);
  }

  static generateSpec(id = `k${Date.now().toString(36)}`): string {
    return `${id}:${randomBytes(32).toString('base64')}`;
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /**
   * 32 bytes derived (HKDF-SHA256) from one key, for one `purpose`: other keys (e.g. a sealing key pair) follow
   * the ring's rotation without a setting of their own, and never reveal the ring key itself.
   */
  derive(purpose: string, keyId: string = this.primary.id): Buffer {
    const key = this.#byId.get(keyId);
    if (!key) throw new KeyRingError(`no key "${keyId}" in the key ring`);
    return Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `keep:${purpose}`, 32));
  }

  /** Encrypts with the primary key; `aad` binds the ciphertext to its context (e.g. a table and row). */
  seal(plaintext: Uint8Array, aad?: Uint8Array): { keyId: string; data: Buffer } {
    const iv = randomBytes(IV_LENGTH);
    const cipher = createCipheriv('aes-256-gcm', this.primary.key, iv);
    if (aad) cipher.setAAD(aad);
    const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return { keyId: this.primary.id, data: Buffer.concat([iv, cipher.getAuthTag(), body]) };
  }

  open(keyId: string, data: Uint8Array, aad?: Uint8Array): Buffer {
    const key = this.#byId.get(keyId);
    if (!key) throw new KeyRingError(`no key "${keyId}" in the key ring`);
    if (data.length < IV_LENGTH + TAG_LENGTH) throw new KeyRingError('ciphertext is truncated');
    const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    const decipher = createDecipheriv('aes-256-gcm', key, buf.subarray(0, IV_LENGTH));
    if (aad) decipher.setAAD(aad);
    decipher.setAuthTag(buf.subarray(IV_LENGTH, IV_LENGTH + TAG_LENGTH));
    try {
      return Buffer.concat([decipher.update(buf.subarray(IV_LENGTH + TAG_LENGTH)), decipher.final()]);
    } catch (cause) {
      throw new KeyRingError(`ciphertext under key "${keyId}" failed authentication`, { cause });
    }
  }

  /** A self-describing string form ("<keyId>.<base64>") for storing in a single text column. */
  sealToString(plaintext: Uint8Array, aad?: Uint8Array): string {
    const { keyId, data } = this.seal(plaintext, aad);
    return `${keyId}.${data.toString('base64')}`;
  }

  openString(sealed: string, aad?: Uint8Array): Buffer {
    const dot = sealed.indexOf('.');
    if (dot <= 0) throw new KeyRingError('sealed value has no key id');
    return this.open(sealed.slice(0, dot), Buffer.from(sealed.slice(dot + 1), 'base64'), aad);
  }
}
