// /scim/v2: SCIM 2.0 Users and Groups (RFC 7643/7644) for identity providers that push, with a bearer token
// of role `scim`. Writes land in core.directory_* with source 'scim', beside what the LDAP sync reads.
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { Logger } from '../../core/log/logger.js';
import { recordAudit } from '../audit.repository.js';
import type { AdminEnv } from '../auth/principal.js';
import { scopeOf } from '../auth/rbac.js';
import { isUuid } from '../ids.js';
import { describeIssue } from '../json-body.js';
import type { RouteDoc } from '../openapi.js';
import { discovery, listResponse, serviceProviderConfig } from './scim-discovery.js';
import { ScimError, scimErrorResponse, scimJson } from './scim-error.js';
import { parseEqFilter } from './scim-filter.js';
import { scimGroup, scimGroupInput } from './scim-group.js';
import { applyPatch, patchRequest } from './scim-patch.js';
import { directoryUserFrom, scimUser, scimUserInput } from './scim-user.js';
import {
  deleteScimResource,
  findScimGroup,
  findScimUser,
  groupMembers,
  listScimGroups,
  listScimUsers,
  writeScimGroup,
  writeScimUser,
} from './scim.repository.js';

const listQuery = z.object({
  filter: z.string().max(1000).optional(),
  startIndex: z.coerce
    .number()
    .int()
    .catch(1)
    .transform((n) => Math.max(n, 1)),
  count: z.coerce
    .number()
    .int()
    .catch(100)
    .transform((n) => Math.min(Math.max(n, 0), 200)),
});

async function body<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const raw: unknown = await c.req.json().catch(() => undefined);
  if (raw === undefined) throw new ScimError(400, 'body: expected a JSON object', 'invalidSyntax');
  return validate(schema, raw);
}

function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ScimError(400, describeIssue(result.error), 'invalidValue');
  return result.data;
}

function resourceId(c: Context): string {
  const id = c.req.param('id') ?? '';
  if (!isUuid(id)) throw new ScimError(404, `no such resource ${id}`);
  return id;
}

function page(c: Context) {
  const query = validate(listQuery, c.req.query());
  return { query, offset: query.startIndex - 1, limit: query.count };
}

export interface ScimRouteDeps {
  db: Kysely<CoreDatabase>;
  log: Logger;
  /** The admin API's authentication (bearer tokens; sessions too, which hold no SCIM role). */
  authenticate: MiddlewareHandler<AdminEnv>;
}

export function scimRoutes(deps: ScimRouteDeps) {
  const { db } = deps;
  const bearer = deps.authenticate;
  const audit = (c: Context<AdminEnv>, action: string, targetKind: string, targetId?: string) =>
    recordAudit(db, c.get('principal'), { action, targetKind, targetId: targetId ?? null });

  const loadUser = async (c: Context) => {
    const row = await findScimUser(db, resourceId(c));
    if (!row) throw new ScimError(404, `no such user ${c.req.param('id')}`);
    return row;
  };
  const loadGroup = async (c: Context) => {
    const row = await findScimGroup(db, resourceId(c));
    if (!row) throw new ScimError(404, `no such group ${c.req.param('id')}`);
    return row;
  };
  const renderGroup = async (row: Awaited<ReturnType<typeof loadGroup>>) =>
    scimGroup(row, await groupMembers(db, [row.id]));

  return new Hono<AdminEnv>()
    .onError((error, c) => {
      if (error instanceof ScimError) return scimErrorResponse(error);
      deps.log.error(
        { err: { name: error.name, message: error.message }, path: c.req.path },
        'unhandled SCIM error',
      );
      return scimErrorResponse(new ScimError(500, 'internal error'));
    })
    .use('/scim/v2/*', async function scimAuthenticate(c, next) {
      // The admin API's bearer check, answered in SCIM's error format.
      const refused = await bearer(c, async () => {
        if (scopeOf(c.get('principal'), 'scim:write') !== 'all') {
          throw new ScimError(403, 'forbidden: the token lacks permission scim:write');
        }
        await next();
      });
      if (refused instanceof Response) {
        const detail = ((await refused.json()) as { error: string }).error;
        const answer = scimErrorResponse(new ScimError(401, detail));
        answer.headers.set('www-authenticate', refused.headers.get('www-authenticate') ?? 'Bearer');
        return answer;
      }
    })
    .get('/scim/v2/ServiceProviderConfig', () => scimJson(serviceProviderConfig))
    .get('/scim/v2/ResourceTypes', () => scimJson(discovery.resourceTypes))
    .get('/scim/v2/Schemas', () => scimJson(discovery.schemas))
    .get('/scim/v2/Users', async (c) => {
      const { query, offset, limit } = page(c);
      const filter = query.filter ? parseEqFilter(query.filter, ['userName', 'externalId']) : undefined;
      const { total, rows } = await listScimUsers(db, {
        offset,
        limit,
        eq: filter && {
          column: filter.attribute === 'userName' ? 'username' : 'externalId',
          value: filter.value,
        },
      });
      return scimJson(listResponse(rows.map(scimUser), total, query.startIndex));
    })
    .post('/scim/v2/Users', async (c) => {
      const input = await body(c, scimUserInput);
      await audit(c, 'scim.user.create', 'directory-user');
      const { externalId: _, ...user } = directoryUserFrom(input, '');
      const row = await writeScimUser(db, user);
      return scimJson(scimUser(row), 201, { location: `/scim/v2/Users/${row.id}` });
    })
    .get('/scim/v2/Users/:id', async (c) => scimJson(scimUser(await loadUser(c))))
    .put('/scim/v2/Users/:id', async (c) => {
      const existing = await loadUser(c);
      const input = await body(c, scimUserInput);
      await audit(c, 'scim.user.replace', 'directory-user', existing.id);
      const { externalId: _, ...user } = directoryUserFrom(input, existing.external_id);
      return scimJson(scimUser(await writeScimUser(db, user, existing)));
    })
    .patch('/scim/v2/Users/:id', async (c) => {
      const existing = await loadUser(c);
      const patched = validate(scimUserInput, applyPatch(scimUser(existing), await body(c, patchRequest)));
      await audit(c, 'scim.user.patch', 'directory-user', existing.id);
      const { externalId: _, ...user } = directoryUserFrom(patched, existing.external_id);
      return scimJson(scimUser(await writeScimUser(db, user, existing)));
    })
    .delete('/scim/v2/Users/:id', async (c) => {
      const existing = await loadUser(c);
      await audit(c, 'scim.user.delete', 'directory-user', existing.id);
      await deleteScimResource(db, 'user', existing.id);
      return c.body(null, 204);
    })
    .get('/scim/v2/Groups', async (c) => {
      const { query, offset, limit } = page(c);
      const filter = query.filter ? parseEqFilter(query.filter, ['displayName']) : undefined;
      const { total, rows } = await listScimGroups(db, {
        offset,
        limit,
        eq: filter && { column: 'name', value: filter.value },
      });
      const members = await groupMembers(
        db,
        rows.map((r) => r.id),
      );
      const resources = rows.map((row) =>
        scimGroup(
          row,
          members.filter((m) => m.group_id === row.id),
        ),
      );
      return scimJson(listResponse(resources, total, query.startIndex));
    })
    .post('/scim/v2/Groups', async (c) => {
      const input = await body(c, scimGroupInput);
      await audit(c, 'scim.group.create', 'directory-group');
      const row = await writeScimGroup(db, {
        name: input.displayName,
        memberIds: input.members.map((m) => m.value),
      });
      return scimJson(await renderGroup(row), 201, { location: `/scim/v2/Groups/${row.id}` });
    })
    .get('/scim/v2/Groups/:id', async (c) => scimJson(await renderGroup(await loadGroup(c))))
    .put('/scim/v2/Groups/:id', async (c) => {
      const existing = await loadGroup(c);
      const input = await body(c, scimGroupInput);
      await audit(c, 'scim.group.replace', 'directory-group', existing.id);
      const row = await writeScimGroup(
        db,
        { name: input.displayName, memberIds: input.members.map((m) => m.value) },
        existing,
      );
      return scimJson(await renderGroup(row));
    })
    .patch('/scim/v2/Groups/:id', async (c) => {
      const existing = await loadGroup(c);
      const current = await renderGroup(existing);
      const patched = validate(scimGroupInput, applyPatch(current, await body(c, patchRequest)));
      await audit(c, 'scim.group.patch', 'directory-group', existing.id);
      const row = await writeScimGroup(
        db,
        { name: patched.displayName, memberIds: patched.members.map((m) => m.value) },
        existing,
      );
      return scimJson(await renderGroup(row));
    })
    .delete('/scim/v2/Groups/:id', async (c) => {
      const existing = await loadGroup(c);
      await audit(c, 'scim.group.delete', 'directory-group', existing.id);
      await deleteScimResource(db, 'group', existing.id);
      return c.body(null, 204);
    });
}

const scimResource = z.record(z.string(), z.unknown()).describe('A SCIM resource (application/scim+json).');
const scimError = z
  .object({
    schemas: z.array(z.string()),
    status: z.string(),
    scimType: z.string().optional(),
    detail: z.string(),
  })
  .describe('RFC 7644 §3.12 error.');

function scimDoc(
  method: RouteDoc['method'],
  path: string,
  summary: string,
  success: number,
  extra: Partial<RouteDoc> = {},
): RouteDoc {
  return {
    method,
    path,
    summary,
    permission: 'scim:write',
    ...(path.endsWith('{id}') ? { params: { id: "Keep's id of the resource." } } : {}),
    ...extra,
    responses: Object.assign(
      { [success]: { description: 'Done.', ...(success === 204 ? {} : { schema: scimResource }) } },
      path.endsWith('{id}') ? { 404: { description: 'No such resource.', schema: scimError } } : {},
    ),
  };
}

const listDoc = listQuery.extend({
  filter: z
    .string()
    .optional()
    .describe('Only `<attribute> eq "<value>"` (userName, externalId; displayName for groups).'),
  startIndex: z.number().int().optional().describe('1-based index of the first result.'),
  count: z.number().int().optional().describe('Results per page (0–200).'),
});

export const scimDocs: RouteDoc[] = [
  scimDoc('get', '/scim/v2/ServiceProviderConfig', 'What this SCIM provider supports.', 200),
  scimDoc('get', '/scim/v2/ResourceTypes', 'The User and Group resource types.', 200),
  scimDoc('get', '/scim/v2/Schemas', 'The attributes Keep stores.', 200),
  scimDoc('get', '/scim/v2/Users', 'List SCIM users (filter, paging).', 200, { query: listDoc }),
  scimDoc('post', '/scim/v2/Users', 'Provision a user into the directory tables.', 201, {
    body: scimUserInput,
  }),
  scimDoc('get', '/scim/v2/Users/{id}', 'One SCIM user.', 200),
  scimDoc('put', '/scim/v2/Users/{id}', 'Replace a user.', 200, { body: scimUserInput }),
  scimDoc('patch', '/scim/v2/Users/{id}', 'Patch a user (add, replace, remove).', 200, {
    body: patchRequest,
  }),
  scimDoc('delete', '/scim/v2/Users/{id}', 'Deprovision a user (soft delete, memberships removed).', 204),
  scimDoc('get', '/scim/v2/Groups', 'List SCIM groups (filter, paging).', 200, { query: listDoc }),
  scimDoc('post', '/scim/v2/Groups', 'Create a group with direct members.', 201, { body: scimGroupInput }),
  scimDoc('get', '/scim/v2/Groups/{id}', 'One SCIM group with its members.', 200),
  scimDoc('put', '/scim/v2/Groups/{id}', 'Replace a group and its members.', 200, { body: scimGroupInput }),
  scimDoc('patch', '/scim/v2/Groups/{id}', 'Patch a group (members add/remove/replace).', 200, {
    body: patchRequest,
  }),
  scimDoc('delete', '/scim/v2/Groups/{id}', 'Delete a group (soft delete).', 204),
];
