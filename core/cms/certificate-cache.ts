// Parsed certificates keyed by the SHA-256 of their DER, so repeated requests from one device are cheap.
import { X509Certificate, createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { CmsError } from './cms-error.js';
import { LruMap } from './lru-map.js';

/** A certificate parsed once: its DER, fingerprint, Node's view of it and its public key. */
export interface CachedCertificate {
  der: Buffer;
  /** Lower-case hex SHA-256 of `der`; the cache key and the identity callers bind enrollments to. */
  sha256: string;
  x509: X509Certificate;
  publicKey: KeyObject;
}

const RSA_F4 = 65537n;

export class CertificateCache {
  readonly #entries: LruMap<string, CachedCertificate>;

  constructor(capacity = 10_000) {
    this.#entries = new LruMap(capacity);
  }

  /** Returns the cached parse of `der`, parsing (and vetting the key of) an unseen certificate. */
  get(der: Buffer): CachedCertificate {
    const sha256 = createHash('sha256').update(der).digest('hex');
    const hit = this.#entries.get(sha256);
    if (hit) return hit;
    const entry = parseCertificate(der, sha256);
    this.#entries.set(sha256, entry);
    return entry;
  }
}

/** A process-wide default, bounded; pass your own cache to isolate tests or tenants. */
export const defaultCertificateCache = new CertificateCache();

export function parseCertificate(
  der: Buffer,
  sha256 = createHash('sha256').update(der).digest('hex'),
): CachedCertificate {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(der);
  } catch (error) {
    throw new CmsError('malformed', 'unparseable certificate', { cause: error });
  }
  const publicKey = x509.publicKey;
  assertAcceptableKey(publicKey);
  return { der, sha256, x509, publicKey };
}

/**
 * Keep accepts RSA keys with e = 65537 only (small exponents invite forgery bugs, RFC 8017 §3.1
 * allows them but no sane issuer uses them) and EC keys; anything else is unsupported.
 */
export function assertAcceptableKey(key: KeyObject): void {
  const type = key.asymmetricKeyType;
  if (type === 'rsa') {
    if (key.asymmetricKeyDetails?.publicExponent !== RSA_F4) {
      throw new CmsError('unsupported', 'RSA public exponent must be 65537');
    }
    return;
  }
  if (type === 'ec') return;
  throw new CmsError('unsupported', `unsupported public key type ${String(type)}`);
}
