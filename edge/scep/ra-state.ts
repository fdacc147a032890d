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
  /** Older certificates of the same key, replaced by a rotation and not expired: still answered under. */
  previousCertificates: () => Buffer[];
  /**
   * Creates the key if missing; returns a CSR when the key still needs a certificate, or when its certificate
   * expires within `renewWithinDays` (default 30).
   */
  prepare: (options?: { renewWithinDays?: number }) => Promise<{ csrBase64?: string }>;
  install: (certificate: Buffer) => Promise<void>;
  reload: () => Promise<void>;
  close: () => void;
}

const AAD = Buffer.from('edge.scep_ra');
const UNPROVISIONED_RELOAD_MS = 1_000;

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

/**
 * `refreshMs`: edge replicas share the edge database, and the one whose worker installed a renewed RA certificate
 * is the only one told; the others read it from the database within this interval, without a restart.
 */
export async function createRaState(
  db: Kysely<EdgeDatabase>,
  keyRing: KeyRing,
  refreshMs = 60_000,
): Promise<RaState> {
  let current: { certificate: Buffer; key: KeyObject } | undefined;

  async function load() {
    return db.selectFrom('scep_ra').selectAll().where('id', '=', 1).executeTakeFirst();
  }

  let previous: Buffer | undefined;

  async function reload(): Promise<void> {
    const row = await load();
    previous = row?.previous_certificate_der ?? undefined;
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
  const timer = setInterval(() => void reload().catch(() => undefined), refreshMs);
  timer.unref();
  // A replica that started before the core certified the RA (the certificate went to another replica's worker)
  // refuses every enrolment with 503 until it has one: it looks every second until then, not once a refresh period.
  const unprovisioned = setInterval(() => {
    if (current) clearInterval(unprovisioned);
    else void reload().catch(() => undefined);
  }, UNPROVISIONED_RELOAD_MS);
  unprovisioned.unref();
  return {
    credentials: () => current,
    previousCertificates: () =>
      previous && Date.parse(new X509Certificate(previous).validTo) > Date.now() ? [previous] : [],
    async prepare(options = {}) {
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
        // The key stays and only its certificate is renewed, so a device that fetched the old RA certificate
        // (GetCACert) still encrypts to a key this edge holds: the old certificate is accepted until it expires.
        if (remaining > (options.renewWithinDays ?? 30) * 24 * 3600_000) return {};
      }
      const key = createPrivateKey({
        key: keyRing.openString(row!.sealed_key, AAD),
        format: 'der',
        type: 'pkcs8',
      });
      return { csrBase64: certificationRequest(key) };
    },
    async install(certificate) {
      // The replaced certificate is kept (same key): devices that fetched it are still answered under it.
      await db
        .updateTable('scep_ra')
        .set((eb) => ({
          previous_certificate_der: eb
            .case()
            .when('certificate_der', '=', certificate)
            .then(eb.ref('previous_certificate_der'))
            .else(eb.ref('certificate_der'))
            .end(),
          certificate_der: certificate,
          updated_at: new Date(),
        }))
        .where('id', '=', 1)
        .execute();
      await reload();
    },
    reload,
    close: () => {
      clearInterval(timer);
      clearInterval(unprovisioned);
    },
  };
}
