// Chain validation of a signer certificate to configured trust anchors (a subset of RFC 5280 §6).
import type { CachedCertificate, CertificateCache } from './certificate-cache.js';
import { defaultCertificateCache } from './certificate-cache.js';
import { CmsError } from './cms-error.js';
import { LruMap } from './lru-map.js';

export interface TrustStoreOptions {
  /** The clock; injectable so tests can step past notAfter. */
  now?: () => Date;
  /** How many chain verdicts to remember (one per leaf certificate). */
  cacheCapacity?: number;
  certificateCache?: CertificateCache;
  maxChainLength?: number;
}

/** A validated path, leaf first, ending at the anchor. */
export interface TrustedChain {
  chain: CachedCertificate[];
  anchor: CachedCertificate;
}

interface Verdict extends TrustedChain {
  notBefore: number;
  notAfter: number;
}

/**
 * Verifies that a certificate chains to one of the anchors through intermediates that are CAs,
 * and that every certificate on the path is inside its validity period. Revocation is the
 * caller's business (the edge checks the enrollment binding instead).
 */
export class TrustStore {
  readonly #anchors: CachedCertificate[];
  readonly #now: () => Date;
  readonly #verdicts: LruMap<string, Verdict>;
  readonly #certificates: CertificateCache;
  readonly #maxChainLength: number;

  constructor(anchors: readonly Buffer[], options: TrustStoreOptions = {}) {
    this.#certificates = options.certificateCache ?? defaultCertificateCache;
    this.#anchors = anchors.map((der) => this.#certificates.get(der));
    this.#now = options.now ?? (() => new Date());
    this.#verdicts = new LruMap(options.cacheCapacity ?? 10_000);
    this.#maxChainLength = options.maxChainLength ?? 6;
  }

  /** Throws CmsError('untrusted') unless `leaf` chains to an anchor now. */
  verify(leaf: CachedCertificate, intermediates: readonly Buffer[] = []): TrustedChain {
    const now = this.#now().getTime();
    const cached = this.#verdicts.get(leaf.sha256);
    if (cached && now >= cached.notBefore && now <= cached.notAfter) return cached;
    const verdict = this.#build(leaf, intermediates);
    const stale = verdict.chain.find(
      (c) => now < Date.parse(c.x509.validFrom) || now > Date.parse(c.x509.validTo),
    );
    if (stale) {
      throw new CmsError('untrusted', `certificate ${stale.x509.subject} is outside its validity period`);
    }
    this.#verdicts.set(leaf.sha256, verdict);
    return verdict;
  }

  #build(leaf: CachedCertificate, intermediates: readonly Buffer[]): Verdict {
    const pool = intermediates.map((der) => this.#certificates.get(der));
    const chain = [leaf];
    let current = leaf;
    for (let length = 0; length < this.#maxChainLength; length++) {
      const anchor = this.#anchors.find((a) => a.sha256 === current.sha256 || issued(a, current));
      if (anchor) {
        if (anchor.sha256 !== current.sha256) chain.push(anchor);
        return { chain, anchor, ...window(chain) };
      }
      const parent = pool.find((p) => !chain.includes(p) && issued(p, current));
      if (!parent) throw new CmsError('untrusted', 'certificate does not chain to a trust anchor');
      if (!parent.x509.ca) {
        throw new CmsError('untrusted', 'an intermediate certificate is not a CA (basicConstraints)');
      }
      chain.push(parent);
      current = parent;
    }
    throw new CmsError('untrusted', 'certificate chain is too long');
  }
}

function issued(issuer: CachedCertificate, subject: CachedCertificate): boolean {
  return subject.x509.checkIssued(issuer.x509) && subject.x509.verify(issuer.publicKey);
}

function window(chain: CachedCertificate[]): { notBefore: number; notAfter: number } {
  return {
    notBefore: Math.max(...chain.map((c) => Date.parse(c.x509.validFrom))),
    notAfter: Math.min(...chain.map((c) => Date.parse(c.x509.validTo))),
  };
}
