// The core's side of a CA rollover: introduce a new issuing CA under the stored root (`next`) — or, for a root
// rollover, a successor root with its cross-certificate and a new issuing CA under it — make it the one that
// issues (the old one `retiring`), find the device identities the old one issued, and retire it. Every step is
// idempotent by rollover id, so a retried activity or a replayed workflow does it once.
import { randomUUID, X509Certificate } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { ApplicationFailure } from '@temporalio/common';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { createIssuingCa } from '../../core/pki/ca-create.js';
import { toCertificateAuthority } from '../../core/pki/certificate-authority.js';
import { pemBlocks } from '../../core/pki/pem.js';
import { createSuccessorRoot, ROOT_KEY_NEEDED } from '../../core/pki/root-rollover.js';
import type { RenewalTarget } from './identity-renewal.activities.js';
import { deactivateCaKey, insertCaKey } from './ca-key.repository.js';
import { issueServiceKey, keyAad, openCaKey } from './ca-operations.js';

export interface OldCaIdentities {
  /** Live Apple identities issued by a retiring CA and not renewed yet. */
  remaining: number;
  /** Those of them not asked within the interval, at most the batch size: the next to ask. */
  due: RenewalTarget[];
}

const lockCa = (db: Kysely<CoreDatabase>) =>
  sql`select pg_advisory_xact_lock(hashtext('keep.pki.ca'))`.execute(db);

/** Refused for good: retrying cannot help (one rollover at a time, or a root whose key Keep does not hold). */
const refused = (message: string) => ApplicationFailure.nonRetryable(message, 'CaRolloverRefused');

export function createCaRolloverActivities(deps: {
  db: Kysely<CoreDatabase>;
  keyRing: KeyRing;
  pki: { organization: string };
  crlUrl: string;
}) {
  const { db, keyRing } = deps;
  return {
    /**
     * Creates the rollover's issuing CA, published but not yet issuing: under the active root, or with `newRoot`
     * under a successor root (stored `next` with its cross-certificate from the active root).
     */
    async introduceIssuingCa(input: {
      rolloverId: string;
      newRoot?: boolean;
    }): Promise<{ subject: string; notAfter: string }> {
      return db.transaction().execute(async (trx) => {
        await lockCa(trx);
        const issuing = await trx
          .selectFrom('ca_keys')
          .selectAll()
          .where('purpose', '=', 'issuing')
          .execute();
        const own = issuing.find((row) => row.rollover_id === input.rolloverId);
        const described = (pem: string) => {
          const x509 = new X509Certificate(pem);
          return { subject: x509.subject, notAfter: new Date(x509.validTo).toISOString() };
        };
        if (own) return described(own.certificate_pem);
        if (issuing.some((row) => row.state === 'next' || row.state === 'retiring'))
          throw refused('another CA rollover is in progress: finish it first');
        const rootRow = await trx
          .selectFrom('ca_keys')
          .selectAll()
          .where('purpose', '=', 'root')
          .where('active', '=', true)
          .executeTakeFirst();
        if (!rootRow?.sealed_private_key)
          throw refused(
            input.newRoot
              ? ROOT_KEY_NEEDED
              : 'Keep does not hold the root CA key (an imported CA): a new issuing CA must be imported',
          );
        const [rootDer, ...above] = pemBlocks(rootRow.certificate_pem, 'CERTIFICATE');
        const rootKey = openCaKey(keyRing, rootRow).privateKey;
        const options = {
          organization: deps.pki.organization,
          now: new Date(),
          generation: issuing.length + 1,
        };
        let next: ReturnType<typeof createIssuingCa>;
        if (input.newRoot) {
          const successor = createSuccessorRoot({ certificateDer: rootDer!, privateKey: rootKey }, options);
          const rootId = randomUUID();
          await insertCaKey(trx, {
            id: rootId,
            purpose: 'root',
            certificate_pem: successor.root.certificatePem,
            sealed_private_key: keyRing.sealToString(
              successor.root.privateKey.export({ type: 'pkcs8', format: 'der' }),
              keyAad('root', rootId),
            ),
            active: false,
            state: 'next',
            rollover_id: input.rolloverId,
            cross_certificate_pem: successor.crossCertificatePem,
          });
          next = successor.issuing;
        } else {
          next = createIssuingCa(toCertificateAuthority(rootDer!, rootKey, above), options);
        }
        const id = randomUUID();
        await insertCaKey(trx, {
          id,
          purpose: 'issuing',
          certificate_pem: next.certificatePem,
          sealed_private_key: keyRing.sealToString(
            next.privateKey.export({ type: 'pkcs8', format: 'der' }),
            keyAad('issuing', id),
          ),
          active: false,
          state: 'next',
          rollover_id: input.rolloverId,
        });
        return described(next.certificatePem);
      });
    },

    /** Switches issuance to the rollover's CA; the one it replaces keeps being trusted, as `retiring`. */
    async activateIssuingCa(input: { rolloverId: string }): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await lockCa(trx);
        const own = await trx
          .selectFrom('ca_keys')
          .select(['id', 'state'])
          .where('purpose', '=', 'issuing')
          .where('rollover_id', '=', input.rolloverId)
          .executeTakeFirst();
        if (!own) throw refused(`rollover ${input.rolloverId} has no CA to activate`);
        if (own.state !== 'next') return;
        // A root rollover's successor takes over with its issuing CA; the old root stays trusted (`retiring`)
        // while certificates under it live. Deactivated first: one active key per purpose is a unique index.
        const successor = await trx
          .selectFrom('ca_keys')
          .select('id')
          .where('purpose', '=', 'root')
          .where('rollover_id', '=', input.rolloverId)
          .where('state', '=', 'next')
          .executeTakeFirst();
        if (successor) {
          await trx
            .updateTable('ca_keys')
            .set({ active: false, state: 'retiring' })
            .where('purpose', '=', 'root')
            .where('state', '=', 'active')
            .execute();
          await trx
            .updateTable('ca_keys')
            .set({ active: true, state: 'active' })
            .where('id', '=', successor.id)
            .execute();
        }
        await trx
          .updateTable('ca_keys')
          .set({ active: false, state: 'retiring' })
          .where('purpose', '=', 'issuing')
          .where('state', '=', 'active')
          .execute();
        await trx
          .updateTable('ca_keys')
          .set({ active: true, state: 'active' })
          .where('id', '=', own.id)
          .execute();
        // Profiles are signed with their signer's chain, the active issuing CA's: the signer moves to it too. The
        // escrow key stays (what devices sealed to it must still open), its certificate valid under the root.
        const rows = await trx
          .selectFrom('ca_keys')
          .selectAll()
          .where('id', '=', own.id)
          .union(
            trx.selectFrom('ca_keys').selectAll().where('purpose', '=', 'root').where('active', '=', true),
          )
          .execute();
        const row = rows.find((r) => r.id === own.id)!;
        const above = rows.find((r) => r.purpose === 'root')?.certificate_pem ?? '';
        const issuing = toCertificateAuthority(
          pemBlocks(row.certificate_pem, 'CERTIFICATE')[0]!,
          openCaKey(keyRing, row).privateKey,
          pemBlocks(above, 'CERTIFICATE'),
        );
        await deactivateCaKey(trx, 'profile-signing');
        await issueServiceKey(trx, keyRing, issuing, {
          purpose: 'profile-signing',
          profile: 'profile-signing',
          commonName: `${deps.pki.organization} Keep Profile Signing`,
          organization: deps.pki.organization,
          crlUrl: deps.crlUrl,
          now: new Date(),
        });
      });
    },

    /**
     * Counts the live Apple device identities a retiring CA issued and not yet renewed, and picks the next
     * batch to ask: not asked within `askAgainAfterMinutes`, soonest expiry first.
     */
    async findOldCaIdentities(input: {
      batchSize: number;
      askAgainAfterMinutes: number;
    }): Promise<OldCaIdentities> {
      const retiring = (
        await db
          .selectFrom('ca_keys')
          .select('certificate_pem')
          .where('purpose', '=', 'issuing')
          .where('state', '=', 'retiring')
          .execute()
      ).map((row) => new X509Certificate(row.certificate_pem));
      if (!retiring.length) return { remaining: 0, due: [] };
      const now = new Date();
      const { rows } = await sql<{
        enrollment_id: string;
        device_id: string;
        sha256_fingerprint: string;
        not_after: Date;
        der: Buffer;
        requested_at: Date | null;
      }>`
        select c.enrollment_id, d.id as device_id, c.sha256_fingerprint, c.not_after, c.der, r.requested_at
        from core.certificates c
        join core.devices d on d.enrollment_id = c.enrollment_id
        left join core.identity_renewals r on r.certificate_fingerprint = c.sha256_fingerprint
        where c.profile = 'device-identity' and c.revoked_at is null and d.platform = 'apple'
          and d.enrollment_status <> 'checked-out' and c.not_after > ${now}
          and not exists (select 1 from core.certificates s where s.renewal_of = c.sha256_fingerprint)
        order by c.not_after`.execute(db);
      const old = rows.filter((row) => {
        const certificate = new X509Certificate(row.der);
        return retiring.some((ca) => certificate.checkIssued(ca) && certificate.verify(ca.publicKey));
      });
      const askedBefore = new Date(now.getTime() - input.askAgainAfterMinutes * 60_000);
      return {
        remaining: old.length,
        due: old
          .filter((row) => !row.requested_at || row.requested_at < askedBefore)
          .slice(0, input.batchSize)
          .map((row) => ({
            enrollmentId: row.enrollment_id,
            deviceId: row.device_id,
            fingerprint: row.sha256_fingerprint,
            notAfter: row.not_after.toISOString(),
          })),
      };
    },

    /** The retiring CA is trusted no more; its certificate stays on record (`retired`). */
    async retireIssuingCa(): Promise<void> {
      await db.transaction().execute(async (trx) => {
        await lockCa(trx);
        await trx
          .updateTable('ca_keys')
          .set({ state: 'retired' })
          .where('purpose', '=', 'issuing')
          .where('state', '=', 'retiring')
          .execute();
      });
    },
  };
}

export type CaRolloverActivities = ReturnType<typeof createCaRolloverActivities>;
