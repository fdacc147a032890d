// Core side of a push-certificate import: stores the certificate with its key sealed by the core key ring.
import { sql, type Kysely } from 'kysely';
import { pushCertificateExpiry, type PushExpiryWarning } from '../../core/apple/push-certificate-expiry.js';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { appendAudit } from '../../core/audit/append-audit.js';

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

    /**
     * How close the certificate in use is to expiring; each warning step (30, 14, 7, 1 days, expired) of each
     * certificate is written to the audit log once, as actor `keep`. Topic and dates only, never the key.
     */
    async checkPushCertificateExpiry(): Promise<PushCertificateExpiryCheck | null> {
      const row = await deps.db
        .selectFrom('push_certificates')
        .select(['id', 'topic', 'not_after'])
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      if (!row) return null;
      const { daysLeft, warning } = pushCertificateExpiry(row.not_after, new Date());
      const check = {
        id: row.id,
        topic: row.topic,
        expiresAt: row.not_after.toISOString(),
        daysLeft,
        warning,
      };
      if (warning === 'none') return { ...check, recorded: false };
      const recorded = await deps.db.transaction().execute(async (tx) => {
        // Two checks at once (a schedule run and a manual one) must not both record the same step.
        await sql`select pg_advisory_xact_lock(hashtext('keep.push-certificate.expiry'))`.execute(tx);
        const earlier = await tx
          .selectFrom('audit_log')
          .select('id')
          .where('action', '=', EXPIRY_ACTION)
          .where('target_id', '=', row.id)
          .where(sql<string>`details->>'warning'`, '=', warning)
          .executeTakeFirst();
        if (earlier) return false;
        await appendAudit(tx, 'keep', {
          action: EXPIRY_ACTION,
          targetKind: 'push-certificate',
          targetId: row.id,
          details: { topic: row.topic, expiresAt: check.expiresAt, daysLeft, warning },
        });
        return true;
      });
      return { ...check, recorded };
    },
  };
}

const EXPIRY_ACTION = 'push-certificate.expiry-warning';

export interface PushCertificateExpiryCheck {
  id: string;
  topic: string;
  expiresAt: string;
  daysLeft: number;
  warning: PushExpiryWarning;
  /** Whether this check wrote the audit entry for this step (false: none due, or written before). */
  recorded: boolean;
}

export type PushCertificateActivities = ReturnType<typeof createPushCertificateActivities>;
