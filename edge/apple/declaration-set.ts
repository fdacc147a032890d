// Each enrollment's DDM declaration set at the edge: installed whole by the core (an edge activity), read by the
// DeclarativeManagement endpoints. The edge never reads core tables, so this row is all it serves from.
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { declarationsToken, type Declaration } from '../../core/apple/declarative/index.js';
import { declarationProblems, type DeclarationProfile } from '../../core/apple/policy/index.js';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import { replaceDeclarationProfiles } from './declaration-profiles.js';

export interface InstallDeclarationsInput {
  enrollmentId: string;
  declarations: Declaration[];
  /** The signed profiles its `com.apple.configuration.legacy` declarations point at, served at their URLs. */
  profiles?: DeclarationProfile[];
}

export interface InstallDeclarationsResult {
  /** False when the set equals the one installed: the device need not be told to sync. */
  changed: boolean;
  declarationsToken: string;
}

/** What an enrollment is served: none installed yet is the empty set, as of the enrollment itself. */
export async function declarationSetOf(
  db: Kysely<EdgeDatabase>,
  enrollment: { id: string; created_at: Date },
): Promise<{ declarations: Declaration[]; changedAt: Date }> {
  const row = await db
    .selectFrom('apple_declaration_sets')
    .select(['declarations', 'changed_at'])
    .where('enrollment_id', '=', enrollment.id)
    .executeTakeFirst();
  return row
    ? { declarations: row.declarations, changedAt: row.changed_at }
    : { declarations: [], changedAt: enrollment.created_at };
}

/**
 * Replaces the enrollment's set (idempotent: the same set again changes nothing, not even the timestamp).
 * Every declaration is checked against Apple's schema here too, so the edge never serves one a device refuses.
 * A legacy declaration's URL carries its profile's hash, so an unchanged set has unchanged profiles: they are
 * replaced, sealed with `ring`, only with a changed set.
 */
export async function installDeclarations(
  db: Kysely<EdgeDatabase>,
  ring: KeyRing,
  input: InstallDeclarationsInput,
): Promise<InstallDeclarationsResult> {
  const enrollment = await db
    .selectFrom('apple_enrollments')
    .select('id')
    .where('id', '=', input.enrollmentId)
    .executeTakeFirst();
  if (!enrollment)
    throw ApplicationFailure.nonRetryable(
      `no enrollment ${input.enrollmentId} at this edge`,
      'UnknownEnrollment',
    );
  for (const d of input.declarations) {
    const problems = declarationProblems(d, {});
    if (problems.length > 0)
      throw ApplicationFailure.nonRetryable(
        `declaration ${d.identifier} fails Apple's schema: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
        'InvalidDeclaration',
      );
  }
  const token = declarationsToken(input.declarations);
  const served = await db
    .selectFrom('apple_declaration_sets')
    .select('declarations_token')
    .where('enrollment_id', '=', input.enrollmentId)
    .executeTakeFirst();
  // Nothing installed yet is served as the empty set: installing it changes nothing the device can see.
  if ((served?.declarations_token ?? declarationsToken([])) === token)
    return { changed: false, declarationsToken: token };
  const declarations = input.declarations.map(({ type, identifier, payload }) => ({
    type,
    identifier,
    payload,
  }));
  const row = {
    declarations: JSON.stringify(declarations),
    declarations_token: token,
    changed_at: new Date(),
  };
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('apple_declaration_sets')
      .values({ enrollment_id: input.enrollmentId, ...row })
      .onConflict((oc) => oc.column('enrollment_id').doUpdateSet(row))
      .execute();
    await replaceDeclarationProfiles(tx, ring, input.enrollmentId, input.profiles ?? []);
  });
  return { changed: true, declarationsToken: token };
}
