// The edge's SCEP registration authority: a key generated and kept here (sealed with the edge key ring),
// certified by the core; it decrypts requests and signs replies but cannot issue certificates.
import { createPrivateKey, generateKeyPairSync, X509Certificate, type KeyObject } from 'node:crypto';
import type { Kysely } from 'kysely';
import forge from 'node-forge';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';

export interface RaState {
  /** Undefined until the core has certified the RA key. */
  credentials: () => { certificate: Buffer; key: KeyObject } | undefined;
  /** Creates the key if missing; returns a CSR when the key still needs a certificate. */
  prepare: () => Promise<{ csrBase64?: string }>;
  install: (certificate: Buffer) => Promise<void>;
  reload: () => Promise<void>;
}

const AAD = Buffer.from('edge.scep_ra');

/** A PKCS#10 for the RA key; node-forge builds and signs it (off the hot path, once per edge). */
function certificationRequest(key: KeyObject): string {
  const csr = forge.pki.createCertificationRequest();
  const pem = key.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(pem);
  csr.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  csr.setSubject([{ name: 'commonName', value: 'Keep SCEP RA' }]);
  csr.sign(forgeKey, forge.md.sha256.create());
  return Buffer.from(
    forge.asn1.toDer(forge.pki.certificationRequestToAsn1(csr)).getBytes(),
    'binary',
  ).toString('base64');
}

export async function createRaState(db: Kysely<EdgeDatabase>, keyRing: KeyRing): Promise<RaState> {
  let current: { certificate: Buffer; key: KeyObject } | undefined;

  async function load() {
    return db.selectFrom('scep_ra').selectAll().where('id', '=', 1).executeTakeFirst();
  }

  async function reload(): Promise<void> {
    const row = await load();
    current = row?.certificate_der
      ? {
          certificate: row.certificate_der,
          key: createPrivateKey({
            key: keyRing.openString(row.sealed_key, AAD),
            format: 'der',
            type: 'pkcs8',
          }),
        }
      : undefined;
  }

  await reload();
  return {
    credentials: () => current,
    async prepare() {
      let row = await load();
      if (!row) {
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
        const sealed = keyRing.sealToString(privateKey.export({ type: 'pkcs8', format: 'der' }), AAD);
        await db
          .insertInto('scep_ra')
          .values({ id: 1, sealed_key: sealed })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        row = await load();
      }
      if (row!.certificate_der) {
        const remaining = Date.parse(new X509Certificate(row!.certificate_der).validTo) - Date.now();
        // Renew a month before expiry; until then nothing to do.
        if (remaining > 30 * 24 * 3600_000) return {};
      }
      const key = createPrivateKey({
        key: keyRing.openString(row!.sealed_key, AAD),
        format: 'der',
        type: 'pkcs8',
      });
      return { csrBase64: certificationRequest(key) };
    },
    async install(certificate) {
      await db
        .updateTable('scep_ra')
        .set({ certificate_der: certificate, updated_at: new Date() })
        .where('id', '=', 1)
        .execute();
      await reload();
    },
    reload,
  };
}
