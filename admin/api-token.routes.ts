// /v1/tokens: admins create API tokens (the token is shown once), list them and revoke them.
import { HTTPException } from 'hono/http-exception';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../core/db/core-database.js';
import {
  insertApiToken,
  listApiTokens,
  revokeApiToken,
  type ApiTokenSummary,
} from './api-token.repository.js';
import { recordAudit } from './audit.repository.js';
import { ROLES } from './auth/rbac.js';
import { generateToken, hashToken } from './auth/token-hash.js';
import { isUuid } from './ids.js';
import { readJson } from './json-body.js';
import { findTeam } from './team.repository.js';
import { errorBody } from './openapi.js';
import { defineRoute, type AdminRoute } from './define-route.js';

const DAY_MS = 24 * 60 * 60 * 1000;

function createBodyOf(tokenMaxDays: number) {
  return z.strictObject({
    name: z.string().trim().min(1).max(200).describe('What the token is for, e.g. "ci-deploy".'),
    role: z.enum(ROLES),
    expiresInDays: z
      .number()
      .int()
      .min(1)
      .max(tokenMaxDays)
      .describe('Required: days until the token stops working, at most admin.tokenMaxDays.'),
    teamId: z
      .uuid()
      .optional()
      .describe("Absent: the role holds everywhere. Set: only over this team's devices."),
  });
}

/** The documented shape, at the default bound. */
const createBody = createBodyOf(90);

const tokenSummary = z.object({
  id: z.uuid(),
  name: z.string(),
  role: z.enum(ROLES),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  teamId: z.uuid().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});

const created = tokenSummary.extend({
  token: z.string().describe('The bearer token. Shown only in this answer; Keep keeps only its hash.'),
});

function summary(row: ApiTokenSummary) {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    createdBy: row.created_by,
    createdAt: row.created_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    teamId: row.team_id,
    lastUsedAt: row.last_used_at?.toISOString() ?? null,
    revokedAt: row.revoked_at?.toISOString() ?? null,
  };
}

export function apiTokenRoutes(deps: {
  db: Kysely<CoreDatabase>;
  tokenMaxDays: number;
  now: () => Date;
}): AdminRoute[] {
  const body = createBodyOf(deps.tokenMaxDays);
  return [
    defineRoute(
      {
        method: 'post',
        path: '/v1/tokens',
        summary:
          'Create an API token with a role (globally or in one team) and an expiry; the answer holds the token, once.',
        permission: 'tokens:manage',
        body: createBody,
        responses: { 201: { description: 'Created.', schema: created } },
      },
      async (c) => {
        const { name, role, expiresInDays, teamId } = await readJson(c, body);
        if (teamId !== undefined && !(await findTeam(deps.db, teamId))) {
          throw new HTTPException(400, { message: 'teamId: no such team' });
        }
        const principal = c.get('principal');
        await recordAudit(deps.db, principal, {
          action: 'api-token.create',
          targetKind: 'api-token',
          details: { name, role, expiresInDays, teamId: teamId ?? null },
        });
        const token = generateToken();
        const row = await insertApiToken(deps.db, {
          name,
          role,
          token_hash: hashToken(token),
          created_by: principal.subject,
          expires_at: new Date(deps.now().getTime() + expiresInDays * DAY_MS),
          team_id: teamId ?? null,
        });
        return c.json({ ...summary(row), token }, 201);
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/tokens',
        summary: 'List API tokens (never the tokens themselves).',
        permission: 'tokens:manage',
        responses: {
          200: { description: 'Every token.', schema: z.object({ items: z.array(tokenSummary) }) },
        },
      },
      async (c) => c.json({ items: (await listApiTokens(deps.db)).map(summary) }),
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/v1/tokens/{id}',
        summary: 'Revoke an API token; it stops working at once.',
        permission: 'tokens:manage',
        params: { id: 'The token id.' },
        responses: {
          200: { description: 'Revoked (or already revoked).', schema: tokenSummary },
          404: { description: 'No such token.', schema: errorBody },
        },
      },
      async (c) => {
        const id = c.req.param('id');
        if (!isUuid(id)) throw new HTTPException(404, { message: 'id: no such token' });
        await recordAudit(deps.db, c.get('principal'), {
          action: 'api-token.revoke',
          targetKind: 'api-token',
          targetId: id,
        });
        const row = await revokeApiToken(deps.db, id);
        if (!row) throw new HTTPException(404, { message: 'id: no such token' });
        return c.json(summary(row));
      },
    ),
  ];
}
