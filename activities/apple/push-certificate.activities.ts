// Core side of a push-certificate import: stores the certificate with its key sealed by the core key ring.
import type { Kysely } from 'kysely';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { CoreDatabase } from '../../core/db/core-database.js';

export interface StorePushCertificateInput {
  /** The import's id (the workflow is `push-certificate-<id>`): the idempotency key. */
  id: string;
  topic: string;
  serialNumber: string;
  commonName?: string;
  notBefore: string;
  notAfter: string;
  certPem: string;
  keyPem: string;
  uploadedBy: string;
}

/** The AAD ties a sealed key to its row, so a sealed value copied to another row does not open. */
export function pushCertificateKeyAad(id: string): Buffer {
  return Buffer.from(`push-certificate:${id}`);
}

export function createPushCertificateActivities(deps: { db: Kysely<CoreDatabase>; keyRing: KeyRing }) {
  return {
    /** Idempotent by id: a retried activity leaves the first row as it was. */
    async storePushCertificate(input: StorePushCertificateInput): Promise<void> {
      await deps.db
        .insertInto('push_certificates')
        .values({
          id: input.id,
          topic: input.topic,
          serial_number: input.serialNumber,
          common_name: input.commonName ?? null,
          not_before: new Date(input.notBefore),
          not_after: new Date(input.notAfter),
          cert_pem: input.certPem,
          sealed_key: deps.keyRing.sealToString(Buffer.from(input.keyPem), pushCertificateKeyAad(input.id)),
          uploaded_by: input.uploadedBy,
        })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
    },
  };
}

export type PushCertificateActivities = ReturnType<typeof createPushCertificateActivities>;
