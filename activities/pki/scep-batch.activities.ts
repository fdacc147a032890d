// Signs a batch of SCEP requests (and ACME finalizations) gathered by one edge in one activity: each request gets its own outcome
// (a bad CSR rejects only itself), and every outcome is recorded under the edge's opaque transaction key
// so GetCertInitial can read it back and a retried transaction is signed once.
import type { Kysely } from 'kysely';
import { createConcurrencyLimit } from '../../core/concurrency/concurrency-limit.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { coreSealingKey } from '../../core/crypto/core-sealing-key.js';
import { checkCsr, CSR_SEALING_CONTEXT } from '../../core/pki/csr-policy.js';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { PkiActivities, SignOutcome } from './pki.activities.js';
import { samePublicKey } from './ca-operations.js';
import {
  deleteScepOutcomesBefore,
  findScepOutcomes,
  recordScepOutcomes,
} from './scep-transaction.repository.js';

export interface ScepSignItem {
  /** The edge's opaque key for the transaction (a hash of enrollment and transactionID). */
  key: string;
  /** The CSR sealed to the core by the edge (it carries the device's challenge): `CSR_SEALING_CONTEXT`. */
  sealedCsr: string;
  /** The enrollment the request's URL named, if any. */
  enrollmentId?: string;
  /** For a RenewalReq: the SHA-256 of the certificate that signed it. */
  renewalOf?: string;
  /** For an ACME order: the device-attest-01 attestation (base64) and the token its freshness code binds. */
  attestation?: { attestationBase64: string; token: string };
}

/**
 * Renewals and ACME orders signed at once across every batch this worker runs (first-time PKCSReqs are
 * signed in one pass per batch): enough to overlap one request's database round trips with another's
 * signing, few enough to leave most of the core's connection pool to others.
 */
const SIGNING_AT_ONCE = 4;
/** Devices poll a PENDING transaction for minutes; a day of outcomes is plenty. */
const RETENTION_MS = 24 * 3_600_000;

/** A stored outcome answers a retry only if it certifies the key this CSR carries. */
function answersRetry(stored: SignOutcome, openCsr: () => Buffer): SignOutcome {
  if (stored.status !== 'issued') return stored;
  try {
    const { publicKey } = checkCsr(openCsr());
    if (samePublicKey(Buffer.from(stored.certificateBase64, 'base64'), publicKey)) return stored;
  } catch {
    // An unreadable CSR cannot be the one that was signed.
  }
  return { status: 'rejected', reason: 'transaction-mismatch' };
}

export function createScepBatchActivities(deps: {
  db: Kysely<CoreDatabase>;
  pki: Pick<PkiActivities, 'signScepRequests' | 'renewIdentity' | 'signAttestedRequest'>;
  keyRing: KeyRing;
}) {
  const { db, pki } = deps;
  const sealing = coreSealingKey(deps.keyRing);
  const limit = createConcurrencyLimit(SIGNING_AT_ONCE);

  /** A renewal or an ACME order. */
  function signOne(item: ScepSignItem): Promise<SignOutcome> {
    return item.attestation
      ? pki.signAttestedRequest({ sealedCsr: item.sealedCsr, ...item.attestation })
      : pki.renewIdentity({ sealedCsr: item.sealedCsr, currentFingerprint: item.renewalOf! });
  }

  return {
    /**
     * Outcomes in the order of `items`; a refusal (bad CSR, used challenge) is one request's outcome. An
     * unexpected error (the database away) fails the activity after the others' outcomes are recorded, so
     * Temporal's retry signs only what is missing; a retry that never succeeds leaves the recorded outcomes
     * to GetCertInitial.
     */
    async signScepBatch(input: { items: ScepSignItem[] }): Promise<{ outcomes: SignOutcome[] }> {
      const stored = await findScepOutcomes(
        db,
        input.items.map((item) => item.key),
      );
      // The same transaction twice in one batch (a device retrying quickly) is signed once. First-time
      // PKCSReqs are signed together, one statement per table for all of them; renewals and ACME orders one
      // by one.
      const signing = new Map<string, ScepSignItem>();
      for (const item of input.items)
        if (!stored.has(item.key)) signing.set(item.key, signing.get(item.key) ?? item);
      const together = [...signing.values()].filter((item) => !item.attestation && !item.renewalOf);
      const alone = [...signing.values()].filter((item) => item.attestation || item.renewalOf);
      const caught = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));
      const [batchOutcomes, aloneOutcomes] = await Promise.all([
        together.length
          ? pki
              .signScepRequests({
                items: together.map(({ sealedCsr, enrollmentId }) => ({
                  sealedCsr,
                  ...(enrollmentId ? { enrollmentId } : {}),
                })),
              })
              .catch(caught)
          : [],
        Promise.all(alone.map((item) => limit.run(() => signOne(item)).catch(caught))),
      ]);
      const fresh = new Map<string, SignOutcome | Error>([
        ...together.map((item, i): [string, SignOutcome | Error] => [
          item.key,
          batchOutcomes instanceof Error ? batchOutcomes : batchOutcomes[i]!,
        ]),
        ...alone.map((item, i): [string, SignOutcome | Error] => [item.key, aloneOutcomes[i]!]),
      ]);
      await recordScepOutcomes(
        db,
        [...fresh].flatMap(([key, outcome]) => (outcome instanceof Error ? [] : [{ key, outcome }])),
      );
      const failures = [...fresh.values()].filter((outcome) => outcome instanceof Error);
      if (failures.length)
        throw new Error(`signing failed for ${failures.length} of ${fresh.size} requests`, {
          cause: failures[0],
        });
      return {
        outcomes: input.items.map((item): SignOutcome => {
          const earlier = stored.get(item.key);
          if (earlier) return answersRetry(earlier, () => sealing.open(item.sealedCsr, CSR_SEALING_CONTEXT));
          return fresh.get(item.key) as SignOutcome;
        }),
      };
    },

    /** What GetCertInitial learns: the recorded outcome of each transaction asked about, if any. */
    async findScepOutcomes(input: { keys: string[] }): Promise<{ outcomes: Array<SignOutcome | null> }> {
      const stored = await findScepOutcomes(db, input.keys);
      return { outcomes: input.keys.map((key) => stored.get(key) ?? null) };
    },

    /** Retention for recorded outcomes; run by the signer workflow before it continues as new. */
    async pruneScepOutcomes(): Promise<{ deleted: number }> {
      return { deleted: await deleteScepOutcomesBefore(db, new Date(Date.now() - RETENTION_MS)) };
    },
  };
}

export type ScepBatchActivities = ReturnType<typeof createScepBatchActivities>;
