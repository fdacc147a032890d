// The settings the console shows: OIDC as set up (never its secret), the directory's sources with their last sync
// and counts, and the ABM server entries (never the token); each behind settings:read or dep:read.
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, testAdminApp, tokenFor, type AdminApp } from './support.js';
import { useTestDatabase } from '../support/test-context.js';

describe('settings status routes', () => {
  const database = useTestDatabase();
  let app: AdminApp;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    const db = database.core.db;
    app = testAdminApp({
      db,
      identity: {
        oidcIssuer: 'https://idp.example.com',
        oidcClientId: 'keep-console',
        oidcClientSecret: 'the-client-secret',
      },
    });
    for (const role of ['auditor', 'helpdesk'] as const) tokens[role] = await tokenFor(db, role);
    const user = (source: 'ldap' | 'scim', username: string, deleted = false) => ({
      source,
      external_id: `${source}:${username}`,
      username,
      email: null,
      display_name: null,
      department: null,
      attributes: '{}',
      deleted_at: deleted ? new Date() : null,
    });
    await db
      .insertInto('directory_users')
      .values([user('ldap', 'ada'), user('ldap', 'alan'), user('ldap', 'gone', true), user('scim', 'grace')])
      .execute();
    await db
      .insertInto('directory_sync_state')
      .values({
        source: 'ldap',
        last_success_at: new Date('2026-11-30T10:00:00Z'),
        last_error: 'bind refused',
      })
      .execute();
    await db
      .insertInto('dep_servers')
      .values({ id: randomUUID(), certificate_pem: 'PEM', sealed_key: 'sealed-server-key' })
      .execute();
  });

  it('shows OIDC as configured with its issuer and client, never the client secret', async () => {
    const res = await call(app, 'GET', '/v1/settings/oidc', { token: tokens.auditor });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(JSON.parse(text)).toMatchObject({
      status: 'configured',
      issuer: 'https://idp.example.com',
      clientId: 'keep-console',
      clientSecretSet: true,
    });
    expect(text).not.toContain('the-client-secret');
  });

  it("counts each directory source's live users and shows its last sync", async () => {
    const res = await call(app, 'GET', '/v1/directory/status', { token: tokens.auditor });
    expect(await res.json()).toEqual({
      sources: [
        {
          source: 'ldap',
          users: 2,
          groups: 0,
          lastSuccessAt: '2026-11-30T10:00:00.000Z',
          lastError: 'bind refused',
        },
        { source: 'scim', users: 1, groups: 0, lastSuccessAt: null, lastError: null },
      ],
    });
  });

  it('lists the ABM server entries without their keys', async () => {
    const res = await call(app, 'GET', '/v1/apple/dep/servers', { token: tokens.auditor });
    const text = await res.text();
    expect((JSON.parse(text) as { items: unknown[] }).items).toMatchObject([
      { certificatePem: 'PEM', tokenExpiresAt: null, lastSyncAt: null },
    ]);
    expect(text).not.toContain('sealed-server-key');
  });

  it('refuses a help desk every one of them', async () => {
    for (const path of ['/v1/settings/oidc', '/v1/directory/status', '/v1/apple/dep/servers'])
      expect((await call(app, 'GET', path, { token: tokens.helpdesk })).status, path).toBe(403);
  });
});
