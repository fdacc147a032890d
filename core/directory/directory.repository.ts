// Writes directory users, groups and memberships for every source, recording each change. LDAP sync (core
// worker) and SCIM (admin API) share it, so both feed the same rows the same way. Bulk statements: one per
// table per call, however many rows.
import { sql, type Kysely } from 'kysely';
import type { CoreDatabase } from '../db/core-database.js';
import type { NewDirectoryChange } from '../db/core/directory-change.table.js';
import type { DirectoryGroup, DirectorySource, DirectoryUser } from './directory-model.js';

type Db = Kysely<CoreDatabase>;

export interface UpsertResult {
  /** Keep's id of every row written or already current, by external id. */
  ids: Map<string, string>;
  changes: NewDirectoryChange[];
}

function change(
  source: DirectorySource,
  kind: NewDirectoryChange['kind'],
  subjectKind: 'user' | 'group',
  subjectId: string,
  details: Record<string, unknown> = {},
): NewDirectoryChange {
  return { source, kind, subject_kind: subjectKind, subject_id: subjectId, details: JSON.stringify(details) };
}

const USER_FIELDS = ['username', 'email', 'display_name', 'department', 'disabled'] as const;

/** Inserts new users, updates changed ones (and revives deleted ones); an unchanged row is not touched. */
export async function upsertDirectoryUsers(
  db: Db,
  source: DirectorySource,
  users: readonly DirectoryUser[],
): Promise<UpsertResult> {
  const result: UpsertResult = { ids: new Map(), changes: [] };
  if (users.length === 0) return result;
  const existing = await db
    .selectFrom('directory_users')
    .select(['id', 'external_id', 'deleted_at', ...USER_FIELDS])
    .where('source', '=', source)
    .where(
      'external_id',
      'in',
      users.map((u) => u.externalId),
    )
    .execute();
  const before = new Map(existing.map((row) => [row.external_id, row]));
  const written = await db
    .insertInto('directory_users')
    .values(
      users.map((u) => ({
        source,
        external_id: u.externalId,
        username: u.username,
        email: u.email,
        display_name: u.displayName,
        department: u.department,
        disabled: u.disabled,
        attributes: JSON.stringify(u.attributes),
        deleted_at: null,
      })),
    )
    .onConflict((oc) =>
      oc
        .columns(['source', 'external_id'])
        .doUpdateSet({
          username: (eb) => eb.ref('excluded.username'),
          email: (eb) => eb.ref('excluded.email'),
          display_name: (eb) => eb.ref('excluded.display_name'),
          department: (eb) => eb.ref('excluded.department'),
          disabled: (eb) => eb.ref('excluded.disabled'),
          attributes: (eb) => eb.ref('excluded.attributes'),
          deleted_at: null,
          updated_at: sql<Date>`now()`,
        })
        .where(
          sql<boolean>`(directory_users.username, directory_users.email, directory_users.display_name,
            directory_users.department, directory_users.disabled, directory_users.attributes,
            directory_users.deleted_at) is distinct from
            (excluded.username, excluded.email, excluded.display_name, excluded.department,
            excluded.disabled, excluded.attributes, excluded.deleted_at)`,
        ),
    )
    .returning(['id', 'external_id'])
    .execute();
  for (const row of existing) result.ids.set(row.external_id, row.id);
  const incoming = new Map(users.map((u) => [u.externalId, u]));
  for (const row of written) {
    result.ids.set(row.external_id, row.id);
    const old = before.get(row.external_id);
    const now = incoming.get(row.external_id)!;
    if (!old || old.deleted_at) {
      result.changes.push(change(source, 'user-added', 'user', row.id));
      continue;
    }
    const next = {
      username: now.username,
      email: now.email,
      display_name: now.displayName,
      department: now.department,
      disabled: now.disabled,
    };
    const fields = USER_FIELDS.filter((field) => old[field] !== next[field]);
    if (!old.disabled && now.disabled) result.changes.push(change(source, 'user-disabled', 'user', row.id));
    else if (fields.length > 0)
      result.changes.push(change(source, 'user-updated', 'user', row.id, { fields }));
  }
  return result;
}

export async function upsertDirectoryGroups(
  db: Db,
  source: DirectorySource,
  groups: readonly DirectoryGroup[],
): Promise<UpsertResult> {
  const result: UpsertResult = { ids: new Map(), changes: [] };
  if (groups.length === 0) return result;
  const existing = await db
    .selectFrom('directory_groups')
    .select(['id', 'external_id', 'deleted_at'])
    .where('source', '=', source)
    .where(
      'external_id',
      'in',
      groups.map((g) => g.externalId),
    )
    .execute();
  const before = new Map(existing.map((row) => [row.external_id, row]));
  const written = await db
    .insertInto('directory_groups')
    .values(
      groups.map((g) => ({ source, external_id: g.externalId, name: g.name, dn: g.dn, deleted_at: null })),
    )
    .onConflict((oc) =>
      oc
        .columns(['source', 'external_id'])
        .doUpdateSet({
          name: (eb) => eb.ref('excluded.name'),
          dn: (eb) => eb.ref('excluded.dn'),
          deleted_at: null,
          updated_at: sql<Date>`now()`,
        })
        .where(
          sql<boolean>`(directory_groups.name, directory_groups.dn, directory_groups.deleted_at)
            is distinct from (excluded.name, excluded.dn, excluded.deleted_at)`,
        ),
    )
    .returning(['id', 'external_id'])
    .execute();
  for (const row of existing) result.ids.set(row.external_id, row.id);
  for (const row of written) {
    result.ids.set(row.external_id, row.id);
    const old = before.get(row.external_id);
    if (!old || old.deleted_at) result.changes.push(change(source, 'group-added', 'group', row.id));
  }
  return result;
}

/** Soft-deletes every live row of `source` whose external id was not seen (a full read), and its memberships. */
export async function deleteUnseen(
  db: Db,
  source: DirectorySource,
  subject: 'user' | 'group',
  seenExternalIds: readonly string[],
): Promise<NewDirectoryChange[]> {
  const table = subject === 'user' ? 'directory_users' : 'directory_groups';
  const removed = await db
    .updateTable(table)
    .set({ deleted_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('source', '=', source)
    .where('deleted_at', 'is', null)
    .where(sql<boolean>`not (external_id = any(${[...seenExternalIds]}::text[]))`)
    .returning('id')
    .execute();
  return removeDeleted(
    db,
    source,
    subject,
    removed.map((r) => r.id),
  );
}

/** Soft-deletes rows by Keep id (SCIM DELETE). */
export async function deleteByIds(
  db: Db,
  source: DirectorySource,
  subject: 'user' | 'group',
  ids: readonly string[],
): Promise<NewDirectoryChange[]> {
  if (ids.length === 0) return [];
  const table = subject === 'user' ? 'directory_users' : 'directory_groups';
  const removed = await db
    .updateTable(table)
    .set({ deleted_at: sql<Date>`now()`, updated_at: sql<Date>`now()` })
    .where('source', '=', source)
    .where('deleted_at', 'is', null)
    .where('id', 'in', [...ids])
    .returning('id')
    .execute();
  return removeDeleted(
    db,
    source,
    subject,
    removed.map((r) => r.id),
  );
}

async function removeDeleted(
  db: Db,
  source: DirectorySource,
  subject: 'user' | 'group',
  ids: string[],
): Promise<NewDirectoryChange[]> {
  if (ids.length === 0) return [];
  const column = subject === 'user' ? 'user_id' : 'group_id';
  const memberships = await db
    .deleteFrom('directory_memberships')
    .where(column, 'in', ids)
    .returning(['user_id', 'group_id'])
    .execute();
  return [
    ...ids.map((id) => change(source, subject === 'user' ? 'user-removed' : 'group-removed', subject, id)),
    ...memberships.map((m) =>
      change(source, 'membership-removed', 'user', m.user_id, { groupId: m.group_id }),
    ),
  ];
}

export interface Membership {
  userId: string;
  groupId: string;
  direct: boolean;
}

/**
 * Makes the memberships of `groupIds` exactly `desired` (which must only name those groups): removes the
 * others, adds the missing, updates `direct`. Returns the membership changes.
 */
export async function replaceMemberships(
  db: Db,
  source: DirectorySource,
  groupIds: readonly string[],
  desired: readonly Membership[],
): Promise<NewDirectoryChange[]> {
  if (groupIds.length === 0) return [];
  const existing = await db
    .selectFrom('directory_memberships')
    .selectAll()
    .where('group_id', 'in', [...groupIds])
    .execute();
  const key = (userId: string, groupId: string) => `${userId}/${groupId}`;
  const want = new Map(desired.map((m) => [key(m.userId, m.groupId), m]));
  const have = new Map(existing.map((m) => [key(m.user_id, m.group_id), m]));
  const removed = existing.filter((m) => !want.has(key(m.user_id, m.group_id)));
  const upserts = desired.filter((m) => have.get(key(m.userId, m.groupId))?.direct !== m.direct);
  if (removed.length > 0) {
    await db
      .deleteFrom('directory_memberships')
      .where(
        sql<boolean>`(user_id, group_id) in (select * from unnest(${removed.map((m) => m.user_id)}::uuid[], ${removed.map((m) => m.group_id)}::uuid[]))`,
      )
      .execute();
  }
  if (upserts.length > 0) {
    await db
      .insertInto('directory_memberships')
      .values(upserts.map((m) => ({ user_id: m.userId, group_id: m.groupId, direct: m.direct })))
      .onConflict((oc) =>
        oc.columns(['user_id', 'group_id']).doUpdateSet({ direct: (eb) => eb.ref('excluded.direct') }),
      )
      .execute();
  }
  return [
    ...removed.map((m) => change(source, 'membership-removed', 'user', m.user_id, { groupId: m.group_id })),
    ...upserts
      .filter((m) => !have.has(key(m.userId, m.groupId)))
      .map((m) =>
        change(source, 'membership-added', 'user', m.userId, { groupId: m.groupId, direct: m.direct }),
      ),
  ];
}

export async function recordDirectoryChanges(db: Db, changes: readonly NewDirectoryChange[]): Promise<void> {
  // Postgres caps a statement at 65535 parameters; a change has five.
  for (let i = 0; i < changes.length; i += 10_000) {
    await db
      .insertInto('directory_changes')
      .values(changes.slice(i, i + 10_000))
      .execute();
  }
}
