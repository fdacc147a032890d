// SCIM reads and writes over core.directory_* (source 'scim'), through the repository the LDAP sync uses.
import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { DirectoryGroupRow } from '../../core/db/core/directory-group.table.js';
import type { DirectoryUserRow } from '../../core/db/core/directory-user.table.js';
import type { DirectoryUser } from '../../core/directory/directory-model.js';
import {
  deleteByIds,
  recordDirectoryChanges,
  replaceMemberships,
  upsertDirectoryGroups,
  upsertDirectoryUsers,
} from '../../core/directory/directory.repository.js';
import { ScimError } from './scim-error.js';

type Db = Kysely<CoreDatabase>;
const SOURCE = 'scim';

export interface ListQuery {
  offset: number;
  limit: number;
  eq?: { column: 'username' | 'externalId' | 'name'; value: string } | undefined;
}

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: string }).code === '23505';
}

export async function findScimUser(db: Db, id: string): Promise<DirectoryUserRow | undefined> {
  return db
    .selectFrom('directory_users')
    .selectAll()
    .where('id', '=', id)
    .where('source', '=', SOURCE)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export async function listScimUsers(db: Db, query: ListQuery) {
  let base = db.selectFrom('directory_users').where('source', '=', SOURCE).where('deleted_at', 'is', null);
  if (query.eq?.column === 'username')
    base = base.where(sql<boolean>`lower(username) = lower(${query.eq.value})`);
  if (query.eq?.column === 'externalId')
    base = base.where(sql<boolean>`attributes->>'externalId' = ${query.eq.value}`);
  const { total } = await base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .offset(query.offset)
    .limit(query.limit)
    .execute();
  return { total: Number(total), rows };
}

/**
 * Creates (no `existing`) or replaces a SCIM user. Keep's external id for a SCIM user is its own uuid,
 * fixed at creation; the identity provider's externalId travels in attributes.
 */
export async function writeScimUser(
  db: Db,
  user: Omit<DirectoryUser, 'externalId'>,
  existing?: DirectoryUserRow,
) {
  try {
    return await db.transaction().execute(async (trx) => {
      const clash = await trx
        .selectFrom('directory_users')
        .select('id')
        .where('source', '=', SOURCE)
        .where('deleted_at', 'is', null)
        .where(sql<boolean>`lower(username) = lower(${user.username})`)
        .$if(Boolean(existing), (q) => q.where('id', '<>', existing!.id))
        .executeTakeFirst();
      if (clash) throw new ScimError(409, 'userName: already taken', 'uniqueness');
      const externalId = existing?.external_id ?? randomUUID();
      const written = await upsertDirectoryUsers(trx, SOURCE, [{ ...user, externalId }]);
      await recordDirectoryChanges(trx, written.changes);
      return (await findScimUser(trx, written.ids.get(externalId)!))!;
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new ScimError(409, 'userName: already taken', 'uniqueness', { cause: error });
    throw error;
  }
}

export async function deleteScimResource(db: Db, subject: 'user' | 'group', id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const changes = await deleteByIds(trx, SOURCE, subject, [id]);
    await recordDirectoryChanges(trx, changes);
    return changes.length > 0;
  });
}

export async function findScimGroup(db: Db, id: string): Promise<DirectoryGroupRow | undefined> {
  return db
    .selectFrom('directory_groups')
    .selectAll()
    .where('id', '=', id)
    .where('source', '=', SOURCE)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export async function groupMembers(db: Db, groupIds: readonly string[]) {
  if (groupIds.length === 0) return [];
  return db
    .selectFrom('directory_memberships as m')
    .innerJoin('directory_users as u', 'u.id', 'm.user_id')
    .select(['m.group_id', 'u.id', 'u.username'])
    .where('m.group_id', 'in', [...groupIds])
    .orderBy('u.username')
    .execute();
}

export async function listScimGroups(db: Db, query: ListQuery) {
  let base = db.selectFrom('directory_groups').where('source', '=', SOURCE).where('deleted_at', 'is', null);
  if (query.eq?.column === 'name') base = base.where('name', '=', query.eq.value);
  const { total } = await base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy('created_at')
    .orderBy('id')
    .offset(query.offset)
    .limit(query.limit)
    .execute();
  return { total: Number(total), rows };
}

/** Creates or replaces a SCIM group with exactly these direct members (live SCIM users). */
export async function writeScimGroup(
  db: Db,
  group: { name: string; memberIds: readonly string[] },
  existing?: DirectoryGroupRow,
): Promise<DirectoryGroupRow> {
  return db.transaction().execute(async (trx) => {
    const memberIds = [...new Set(group.memberIds)];
    const found =
      memberIds.length === 0
        ? []
        : await trx
            .selectFrom('directory_users')
            .select('id')
            .where('source', '=', SOURCE)
            .where('deleted_at', 'is', null)
            .where(sql<boolean>`id::text = any(${memberIds}::text[])`)
            .execute();
    const missing = memberIds.filter((id) => !found.some((row) => row.id === id));
    if (missing.length > 0) throw new ScimError(400, `members: no such user ${missing[0]}`, 'invalidValue');
    const externalId = existing?.external_id ?? randomUUID();
    const written = await upsertDirectoryGroups(trx, SOURCE, [{ externalId, name: group.name, dn: null }]);
    const groupId = written.ids.get(externalId)!;
    const changes = [
      ...written.changes,
      ...(await replaceMemberships(
        trx,
        SOURCE,
        [groupId],
        memberIds.map((userId) => ({ userId, groupId, direct: true })),
      )),
    ];
    await recordDirectoryChanges(trx, changes);
    return (await findScimGroup(trx, groupId))!;
  });
}
