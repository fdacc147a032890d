// Role grants in core.role_grants, and the roles a user (directly or through groups) or a token holds by them.
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { NewRoleGrant, RoleGrant } from '../core/db/core/role-grant.table.js';
import type { TeamRole } from './auth/principal.js';
import { isRole, type Role } from './auth/rbac.js';

export interface HeldRoles {
  roles: Role[];
  teamRoles: TeamRole[];
}

export async function insertRoleGrant(db: Kysely<CoreDatabase>, grant: NewRoleGrant): Promise<RoleGrant> {
  return db.insertInto('role_grants').values(grant).returningAll().executeTakeFirstOrThrow();
}

export async function listRoleGrants(db: Kysely<CoreDatabase>): Promise<RoleGrant[]> {
  return db.selectFrom('role_grants').selectAll().orderBy('created_at').orderBy('id').execute();
}

export async function deleteRoleGrant(db: Kysely<CoreDatabase>, id: string): Promise<RoleGrant | undefined> {
  return db.deleteFrom('role_grants').where('id', '=', id).returningAll().executeTakeFirst();
}

/** Grants to the user itself and to every live group the user is an effective member of. */
export async function rolesOfUser(db: Kysely<CoreDatabase>, userId: string): Promise<HeldRoles> {
  const rows = await db
    .selectFrom('role_grants')
    .select(['role', 'team_id'])
    .where((eb) =>
      eb.or([
        eb.and([eb('subject_kind', '=', 'user'), eb('subject_id', '=', userId)]),
        eb.and([
          eb('subject_kind', '=', 'group'),
          eb(
            'subject_id',
            'in',
            eb
              .selectFrom('directory_memberships as m')
              .innerJoin('directory_groups as g', 'g.id', 'm.group_id')
              .select((s) => s.cast<string>('g.id', 'text').as('id'))
              .where('m.user_id', '=', userId)
              .where('g.deleted_at', 'is', null),
          ),
        ]),
      ]),
    )
    .execute();
  return held(rows);
}

export async function rolesOfToken(db: Kysely<CoreDatabase>, tokenId: string): Promise<HeldRoles> {
  const rows = await db
    .selectFrom('role_grants')
    .select(['role', 'team_id'])
    .where('subject_kind', '=', 'token')
    .where('subject_id', '=', tokenId)
    .execute();
  return held(rows);
}

/** Whether any admin other than the bootstrap token exists: a live global admin token, or a global admin grant. */
export async function anotherAdminExists(db: Kysely<CoreDatabase>): Promise<boolean> {
  const token = await db
    .selectFrom('api_tokens')
    .select('id')
    .where('role', '=', 'admin')
    .where('team_id', 'is', null)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', new Date())
    .executeTakeFirst();
  if (token) return true;
  const grant = await db
    .selectFrom('role_grants')
    .select('id')
    .where('role', '=', 'admin')
    .where('team_id', 'is', null)
    .executeTakeFirst();
  return grant !== undefined;
}

export function held(rows: readonly { role: string; team_id: string | null }[]): HeldRoles {
  const result: HeldRoles = { roles: [], teamRoles: [] };
  for (const { role, team_id: teamId } of rows) {
    if (!isRole(role)) continue;
    if (teamId === null) result.roles.push(role);
    else result.teamRoles.push({ teamId, role });
  }
  return result;
}
