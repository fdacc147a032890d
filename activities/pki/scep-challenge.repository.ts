// SCEP challenges at rest (core.scep_challenges): create, and consume exactly once.
import type { Kysely, Transaction } from 'kysely';
import type { ScepChallengeRow } from '../../core/db/core/scep-challenge.table.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import {
  checkChallenge,
  type ChallengeBinding,
  type ChallengeCheck,
  type ChallengePurpose,
  type ChallengeRecord,
} from '../../core/pki/scep-challenge.js';

type Db = Kysely<CoreDatabase> | Transaction<CoreDatabase>;

export async function createChallenge(db: Db, record: Omit<ChallengeRecord, 'usedAt'>): Promise<void> {
  await db
    .insertInto('scep_challenges')
    .values({
      hash: record.hash,
      purpose: record.purpose,
      bound_kind: record.boundTo.kind,
      bound_id: record.boundTo.id,
      expires_at: record.expiresAt,
    })
    .execute();
}

export async function findChallenge(db: Db, hash: string): Promise<ChallengeRecord | undefined> {
  const row = await db.selectFrom('scep_challenges').selectAll().where('hash', '=', hash).executeTakeFirst();
  return row && toRecord(row);
}

/**
 * One conditional UPDATE decides: of two concurrent uses, Postgres lets exactly one match
 * `used_at IS NULL`. Only when it matched nothing is the row read, to say why (checkChallenge).
 */
export async function consumeChallenge(
  db: Db,
  hash: string,
  expected: { purpose: ChallengePurpose; boundTo: ChallengeBinding; now: Date },
): Promise<ChallengeCheck> {
  const won = await db
    .updateTable('scep_challenges')
    .set({ used_at: expected.now })
    .where('hash', '=', hash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', expected.now)
    .where('purpose', '=', expected.purpose)
    .where('bound_kind', '=', expected.boundTo.kind)
    .where('bound_id', '=', expected.boundTo.id)
    .returning('hash')
    .executeTakeFirst();
  if (won) return { ok: true };
  const verdict = checkChallenge(await findChallenge(db, hash), expected);
  // A row that checks as fine but did not update was consumed between the two statements.
  return verdict.ok ? { ok: false, reason: 'used' } : verdict;
}

export async function findChallenges(
  db: Db,
  hashes: readonly string[],
): Promise<Map<string, ChallengeRecord>> {
  if (!hashes.length) return new Map();
  const rows = await db.selectFrom('scep_challenges').selectAll().where('hash', 'in', hashes).execute();
  return new Map(rows.map((row) => [row.hash, toRecord(row)]));
}

/**
 * `consumeChallenge` for many challenges in one conditional UPDATE: each is used only if still unused,
 * unexpired, of the purpose and bound as claimed. Answers the hashes this call used; the hashes must differ.
 */
export async function consumeChallenges(
  db: Db,
  claims: ReadonlyArray<{ hash: string; boundTo: ChallengeBinding }>,
  expected: { purpose: ChallengePurpose; now: Date },
): Promise<Set<string>> {
  if (!claims.length) return new Set();
  const won = await db
    .updateTable('scep_challenges')
    .set({ used_at: expected.now })
    .where((eb) =>
      eb(
        eb.refTuple('hash', 'bound_kind', 'bound_id'),
        'in',
        claims.map(({ hash, boundTo }) => eb.tuple(hash, boundTo.kind, boundTo.id)),
      ),
    )
    .where('used_at', 'is', null)
    .where('expires_at', '>', expected.now)
    .where('purpose', '=', expected.purpose)
    .returning('hash')
    .execute();
  return new Set(won.map((row) => row.hash));
}

/** Retention: challenges past their expiry are of no use to anyone. */
export async function deleteExpiredChallenges(db: Db, before: Date): Promise<number> {
  const result = await db.deleteFrom('scep_challenges').where('expires_at', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

function toRecord(row: ScepChallengeRow): ChallengeRecord {
  return {
    hash: row.hash,
    purpose: row.purpose,
    boundTo: { kind: row.bound_kind, id: row.bound_id },
    expiresAt: row.expires_at,
    usedAt: row.used_at,
  };
}
