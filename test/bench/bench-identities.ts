// Device identities issued in bulk ahead of a run, so the steady-state figures do not pay SCEP or key generation.
import { generateKeyPair, randomUUID, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import type { Kysely } from 'kysely';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { CertificateAuthority } from '../../core/pki/certificate-authority.js';
import { enrollmentUri } from '../../core/pki/device-identity-profile.js';
import { issueCertificate, type IssuedCertificate } from '../../core/pki/issue-certificate.js';
import { generateSerialNumber } from '../../core/pki/serial-number.js';

const generateRsa = promisify(generateKeyPair);

/** What a fleet process needs to sign as its devices: one certificate each, keys from a small shared pool. */
export interface IssuedIdentities {
  /** PKCS#8 PEM of each pooled key. */
  keysPem: string[];
  /** Base64 DER of device i's certificate; its key is `keysPem[i % keysPem.length]`. */
  certificates: string[];
}

/**
 * Issues `count` device-identity certificates from `ca` (Keep's own issuing CA, as SCEP would) and, given the
 * edge's database, records them as its SCEP route does, unbound until each device's first Authenticate. Every device has a certificate
 * (and so a binding) of its own; the RSA keys are shared by a pool of `keyPool`, since making 10,000 keys
 * would cost minutes and the edge's work per request (one signature check) does not depend on it.
 */
export async function issueIdentities(
  ca: CertificateAuthority,
  edgeDb: Kysely<EdgeDatabase> | undefined,
  count: number,
  keyPool = 8,
): Promise<IssuedIdentities> {
  const keys: Array<{ publicKey: KeyObject; privateKey: KeyObject }> = await Promise.all(
    Array.from({ length: Math.min(keyPool, count) }, () => generateRsa('rsa', { modulusLength: 2048 })),
  );
  const issued: IssuedCertificate[] = [];
  // Each identity names an enrollment of its own, as SCEP issues it: the edge binds by that name.
  const enrollmentIds = Array.from({ length: count }, () => randomUUID());
  for (let i = 0; i < count; i++) {
    issued.push(
      issueCertificate({
        ca,
        profile: 'device-identity',
        template: {
          commonName: `bench device ${i}`,
          sans: [{ type: 'uri', value: enrollmentUri(enrollmentIds[i]!) }],
        },
        serial: generateSerialNumber(),
        now: new Date(),
        publicKey: keys[i % keys.length]!.publicKey,
      }),
    );
  }
  const rows = issued.map((c, i) => ({ fingerprint: c.sha256Fingerprint, enrollment_id: enrollmentIds[i]! }));
  for (let at = 0; edgeDb && at < rows.length; at += 1000) {
    await edgeDb
      .insertInto('issued_identities')
      .values(rows.slice(at, at + 1000))
      .execute();
  }
  return {
    keysPem: keys.map((k) => k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()),
    certificates: issued.map((c) => c.der.toString('base64')),
  };
}
