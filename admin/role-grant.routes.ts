// /v1/role-grants: admins grant a role to a directory user, a directory group or an API token, globally or per team.
import { HTTPException } from 'hono/http-exception';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { GrantSubjectKind, RoleGrant } from '../core/db/core/role-grant.table.js';
import { recordAudit } from './audit.repository.js';
import { ROLES } from './auth/rbac.js';
import { isUuid } from './ids.js';
import { readJson } from './json-body.js';
import { errorBody } from './openapi.js';
import { deleteRoleGrant, insertRoleGrant, listRoleGrants } from './role-grant.repository.js';
import { findTeam } from './team.repository.js';
import { defineRoute, type AdminRoute } from './define-route.js';

const subjectKind = z.enum(['user', 'group', 'token']);

const createBody = z.strictObject({
  subjectKind: subjectKind.describe('A directory user, a directory group (every member) or an API token.'),
  subjectId: z.uuid().describe('Its id (directory_users, directory_groups or api_tokens).'),
  role: z.enum(ROLES),
  teamId: z
    .uuid()
    .optional()
    .describe("Absent: the role holds everywhere. Set: only over this team's devices."),
});

const grantSchema = z.object({
  id: z.uuid(),
  subjectKind,
  subjectId: z.string(),
  role: z.string(),
  teamId: z.uuid().nullable(),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
});

function view(row: RoleGrant): z.infer<typeof grantSchema> {
  return {
    id: row.id,
    subjectKind: row.subject_kind,
    subjectId: row.subject_id,
    role: row.role,
    teamId: row.team_id,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
  };
}

async function subjectExists(db: Kysely<CoreDatabase>, kind: GrantSubjectKind, id: string): Promise<boolean> {
  const table = ({ user: 'directory_users', group: 'directory_groups', token: 'api_tokens' } as const)[kind];
  const row = await db.selectFrom(table).select('id').where('id', '=', id).executeTakeFirst();
  return row !== undefined;
}

export function roleGrantRoutes(deps: { db: Kysely<CoreDatabase> }): AdminRoute[] {
  return [
    defineRoute(
      {
        method: 'post',
        path: '/v1/role-grants',
        summary: 'Grant a role to a directory user, group or API token, globally or in one team.',
        permission: 'grants:manage',
        body: createBody,
        responses: { 201: { description: 'Granted.', schema: grantSchema } },
      },
      async (c) => {
        const grant = await readJson(c, createBody);
        if (!(await subjectExists(deps.db, grant.subjectKind, grant.subjectId))) {
          throw new HTTPException(400, { message: `subjectId: no such ${grant.subjectKind}` });
        }
        if (grant.teamId !== undefined && !(await findTeam(deps.db, grant.teamId))) {
          throw new HTTPException(400, { message: 'teamId: no such team' });
        }
        const principal = c.get('principal');
        await recordAudit(deps.db, principal, {
          action: 'role-grant.create',
          targetKind: 'role-grant',
          details: grant,
        });
        const row = await insertRoleGrant(deps.db, {
          subject_kind: grant.subjectKind,
          subject_id: grant.subjectId,
          role: grant.role,
          team_id: grant.teamId ?? null,
          created_by: principal.subject,
        });
        return c.json(view(row), 201);
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/role-grants',
        summary: 'List role grants.',
        permission: 'grants:manage',
        responses: {
          200: { description: 'Every grant.', schema: z.object({ items: z.array(grantSchema) }) },
        },
      },
      async (c) => c.json({ items: (await listRoleGrants(deps.db)).map(view) }),
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/v1/role-grants/{id}',
        summary: 'Withdraw a role grant; it stops applying at the next request.',
        permission: 'grants:manage',
        params: { id: 'The grant id.' },
        responses: {
          200: { description: 'Withdrawn.', schema: grantSchema },
          404: { description: 'No such grant.', schema: errorBody },
        },
      },
      async (c) => {
        const id = c.req.param('id');
        if (!isUuid(id)) throw new HTTPException(404, { message: 'id: no such grant' });
        await recordAudit(deps.db, c.get('principal'), {
          action: 'role-grant.delete',
          targetKind: 'role-grant',
          targetId: id,
        });
        const row = await deleteRoleGrant(deps.db, id);
        if (!row) throw new HTTPException(404, { message: 'id: no such grant' });
        return c.json(view(row));
      },
    ),
  ];
}
