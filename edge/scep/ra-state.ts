// The edge's SCEP registration authority: a key generated and kept here (sealed with the edge key ring),
// certified by the core; it decrypts requests and signs replies but cannot issue certificates.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  X509Certificate,
  type KeyObject,
} from 'node:crypto';
import type { Kysely } from 'kysely';
import forge from 'node-forge';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';

export interface RaState {
  /** Undefined until the core has certified the RA key. */
  credentials: () => { certificate: Buffer; key: KeyObject } | undefined;
  /**
   * The RA a rotation replaced (its certificate, and its key: the previous one, or the current one for a
   * certificate renewed on the same key), while that certificate has not expired: still answered under.
   */
  previous: () => Array<{ certificate: Buffer; key: KeyObject }>;
  /**
   * Creates the key if missing and returns a CSR for it while it has no certificate; when the certificate
   * expires within `renewWithinDays` (default 30), returns a CSR for a new key (generated once, kept until
   * certified), which `install` then makes current.
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

  let previous: { certificate: Buffer; key: KeyObject } | undefined;
  const open = (sealed: string) =>
    createPrivateKey({ key: keyRing.openString(sealed, AAD), format: 'der', type: 'pkcs8' });

  async function reload(): Promise<void> {
    const row = await load();
    const key = row ? open(row.sealed_key) : undefined;
    current = row?.certificate_der && key ? { certificate: row.certificate_der, key } : undefined;
    previous =
      row?.previous_certificate_der && key
        ? {
            certificate: row.previous_certificate_der,
            key: row.previous_sealed_key ? open(row.previous_sealed_key) : key,
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
    previous: () =>
      previous && Date.parse(new X509Certificate(previous.certificate).validTo) > Date.now()
        ? [previous]
        : [],
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
      if (!row!.certificate_der) return { csrBase64: certificationRequest(open(row!.sealed_key)) };
      const remaining = Date.parse(new X509Certificate(row!.certificate_der).validTo) - Date.now();
      if (remaining > (options.renewWithinDays ?? 30) * 24 * 3600_000) return {};
      // A rotation gives the RA a new key, generated here where the RA key lives and never leaving the edge; it
      // is kept once made, so a retried rotation asks a certificate for the same key.
      if (!row!.next_sealed_key) {
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 3072 });
        await db
          .updateTable('scep_ra')
          .set({
            next_sealed_key: keyRing.sealToString(privateKey.export({ type: 'pkcs8', format: 'der' }), AAD),
          })
          .where('id', '=', 1)
          .where('next_sealed_key', 'is', null)
          .execute();
        row = await load();
      }
      return { csrBase64: certificationRequest(open(row!.next_sealed_key!)) };
    },
    async install(certificate) {
      const certified = new X509Certificate(certificate).publicKey;
      await db.transaction().execute(async (tx) => {
        const row = await tx
          .selectFrom('scep_ra')
          .selectAll()
          .where('id', '=', 1)
          .forUpdate()
          .executeTakeFirst();
        if (!row || row.certificate_der?.equals(certificate)) return;
        const next = row.next_sealed_key;
        if (next && certified.equals(createPublicKey(open(next)))) {
          // The new key becomes current; the replaced certificate and its key stay, for devices that fetched it.
          await tx
            .updateTable('scep_ra')
            .set({
              sealed_key: next,
              certificate_der: certificate,
              previous_sealed_key: row.certificate_der ? row.sealed_key : null,
              previous_certificate_der: row.certificate_der,
              next_sealed_key: null,
              updated_at: new Date(),
            })
            .where('id', '=', 1)
            .execute();
          return;
        }
        if (!certified.equals(createPublicKey(open(row.sealed_key))))
          throw new Error(
            'the RA certificate to install names neither the RA key nor the key being certified',
          );
        // A certificate for the same key (the first, or a renewal from before keys rotated): the one it replaces
        // is kept, with the same key, for devices that fetched it.
        await tx
          .updateTable('scep_ra')
          .set({
            certificate_der: certificate,
            previous_certificate_der: row.certificate_der ?? row.previous_certificate_der,
            previous_sealed_key: row.certificate_der ? null : row.previous_sealed_key,
            updated_at: new Date(),
          })
          .where('id', '=', 1)
          .execute();
      });
      await reload();
    },
    reload,
    close: () => {
      clearInterval(timer);
      clearInterval(unprovisioned);
    },
  };
}
