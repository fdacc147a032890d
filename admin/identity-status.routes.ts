// How sign-in and the directory are set up and doing, for the console's settings: the OIDC issuer and client (never
// the secret) and each directory source's last sync with what it holds. Reads of settings, not of secrets.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { IdentitySettings } from './auth/identity.js';
import { defineRoute, type AdminRoute } from './define-route.js';

const oidcView = z.object({
  status: z.enum(['configured', 'not-configured']).describe('configured: admins can sign in through OIDC.'),
  issuer: z.string().nullable(),
  clientId: z.string().nullable(),
  clientSecretSet: z.boolean().describe('Whether a client secret is set (the secret itself is never shown).'),
  scopes: z.string(),
  roleClaim: z.string(),
  bootstrapTokenEnabled: z.boolean().describe('Whether the settings allow the bootstrap token sign-in.'),
});

const directoryView = z.object({
  sources: z.array(
    z.object({
      source: z.string().describe('ldap, scim, oidc: where the users and groups come from.'),
      users: z.number().int().describe('Users held now (deleted ones not counted).'),
      groups: z.number().int(),
      lastSuccessAt: z.iso.datetime().nullable().describe('The last sync that finished (LDAP only).'),
      lastError: z.string().nullable().describe("The last sync's failure, if it failed."),
    }),
  ),
});

export function identityStatusRoutes(deps: {
  db: Kysely<CoreDatabase>;
  identity: IdentitySettings;
}): AdminRoute[] {
  const { identity } = deps;
  return [
    defineRoute(
      {
        method: 'get',
        path: '/v1/settings/oidc',
        summary:
          'The OIDC sign-in as set up: issuer, client id, scopes, role claim; never the client secret.',
        permission: 'settings:read',
        responses: { 200: { description: 'The OIDC settings.', schema: oidcView } },
      },
      (c) =>
        c.json({
          status: identity.oidcIssuer && identity.oidcClientId ? 'configured' : 'not-configured',
          issuer: identity.oidcIssuer ?? null,
          clientId: identity.oidcClientId ?? null,
          clientSecretSet: Boolean(identity.oidcClientSecret),
          scopes: identity.oidcScopes,
          roleClaim: identity.oidcRoleClaim,
          bootstrapTokenEnabled: identity.bootstrapTokenEnabled,
        } satisfies z.infer<typeof oidcView>),
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/directory/status',
        summary:
          "Each directory source's users and groups, and its last sync (when it finished, or why it failed).",
        permission: 'settings:read',
        responses: { 200: { description: 'The directory sources.', schema: directoryView } },
      },
      async (c) => {
        const count = (table: 'directory_users' | 'directory_groups') =>
          deps.db
            .selectFrom(table)
            .select((eb) => ['source', eb.fn.countAll<string>().as('n')])
            .where('deleted_at', 'is', null)
            .groupBy('source')
            .execute();
        const [users, groups, syncs] = await Promise.all([
          count('directory_users'),
          count('directory_groups'),
          deps.db.selectFrom('directory_sync_state').selectAll().execute(),
        ]);
        const sources = [...new Set([...users, ...groups, ...syncs].map((row) => row.source))].sort();
        const body: z.infer<typeof directoryView> = {
          sources: sources.map((source) => {
            const sync = syncs.find((row) => row.source === source);
            return {
              source,
              users: Number(users.find((row) => row.source === source)?.n ?? 0),
              groups: Number(groups.find((row) => row.source === source)?.n ?? 0),
              lastSuccessAt: sync?.last_success_at?.toISOString() ?? null,
              lastError: sync?.last_error ?? null,
            };
          }),
        };
        return c.json(body);
      },
    ),
  ];
}
