// Signs a batch of SCEP requests gathered by one edge in one activity: each request gets its own outcome
// (a bad CSR rejects only itself), and every outcome is recorded under the edge's opaque transaction key
// so GetCertInitial can read it back and a retried transaction is signed once.
import type { Kysely } from 'kysely';
import { createConcurrencyLimit } from '../../core/concurrency/concurrency-limit.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { checkCsr } from '../../core/pki/csr-policy.js';
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
  csrBase64: string;
  /** The enrollment the request's URL named, if any. */
  enrollmentId?: string;
  /** For a RenewalReq: the SHA-256 of the certificate that signed it. */
  renewalOf?: string;
}

/** How many requests of a batch wait on the database at once while another is being signed. */
const IN_FLIGHT = 8;
/** Devices poll a PENDING transaction for minutes; a day of outcomes is plenty. */
const RETENTION_MS = 24 * 3_600_000;

/** A stored outcome answers a retry only if it certifies the key this CSR carries. */
function answersRetry(stored: SignOutcome, csrBase64: string): SignOutcome {
  if (stored.status !== 'issued') return stored;
  try {
    const { publicKey } = checkCsr(Buffer.from(csrBase64, 'base64'));
    if (samePublicKey(Buffer.from(stored.certificateBase64, 'base64'), publicKey)) return stored;
  } catch {
    // An unreadable CSR cannot be the one that was signed.
  }
  return { status: 'rejected', reason: 'transaction-mismatch' };
}

export function createScepBatchActivities(deps: {
  db: Kysely<CoreDatabase>;
  pki: Pick<PkiActivities, 'signScepRequest' | 'renewIdentity'>;
}) {
  const { db, pki } = deps;

  function signOne(item: ScepSignItem): Promise<SignOutcome> {
    return item.renewalOf
      ? pki.renewIdentity({ csrBase64: item.csrBase64, currentFingerprint: item.renewalOf })
      : pki.signScepRequest({
          csrBase64: item.csrBase64,
          ...(item.enrollmentId ? { enrollmentId: item.enrollmentId } : {}),
        });
  }

  return {
    /**
     * Outcomes in the order of `items`. An unexpected error on one request rejects that request alone
     * (unrecorded, so the device may try again); when every request of the batch fails so, the activity
     * fails and Temporal retries it, since then the CA or the database is down, not a CSR bad.
     */
    async signScepBatch(input: { items: ScepSignItem[] }): Promise<{ outcomes: SignOutcome[] }> {
      const stored = await findScepOutcomes(
        db,
        input.items.map((item) => item.key),
      );
      const limit = createConcurrencyLimit(IN_FLIGHT);
      // The same transaction twice in one batch (a device retrying quickly) is signed once.
      const signing = new Map<string, Promise<SignOutcome | Error>>();
      for (const item of input.items) {
        if (stored.has(item.key) || signing.has(item.key)) continue;
        signing.set(
          item.key,
          limit
            .run(() => signOne(item))
            .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
        );
      }
      const fresh = new Map<string, SignOutcome | Error>();
      for (const [key, outcome] of signing) fresh.set(key, await outcome);
      const failures = [...fresh.values()].filter((outcome) => outcome instanceof Error);
      if (failures.length && failures.length === fresh.size)
        throw new Error(`signing failed for all ${fresh.size} requests of the batch`, { cause: failures[0] });
      await recordScepOutcomes(
        db,
        [...fresh].flatMap(([key, outcome]) => (outcome instanceof Error ? [] : [{ key, outcome }])),
      );
      return {
        outcomes: input.items.map((item): SignOutcome => {
          const earlier = stored.get(item.key);
          if (earlier) return answersRetry(earlier, item.csrBase64);
          const outcome = fresh.get(item.key)!;
          return outcome instanceof Error ? { status: 'rejected', reason: 'internal' } : outcome;
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
