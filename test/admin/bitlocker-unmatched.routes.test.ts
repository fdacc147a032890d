import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/test-context.js';
import { call, testAdminApp, tokenFor, type AdminApp } from './support.js';

describe('BitLocker recovery information the import could not match', () => {
  const database = useTestDatabase();
  let app: AdminApp;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    const db = database.core.db;
    app = testAdminApp({ db });
    for (const role of ['auditor', 'helpdesk'] as const) tokens[role] = await tokenFor(db, role);
    await db
      .insertInto('bitlocker_unmatched')
      .values([
        {
          computer_dn: 'cn=GHOST-PC,dc=keep,dc=test',
          computer_name: 'GHOST-PC',
          reason: 'no-device',
          passwords: 2,
        },
        {
          computer_dn: 'cn=TWIN-PC,dc=keep,dc=test',
          computer_name: 'TWIN-PC',
          reason: 'ambiguous',
          passwords: 1,
        },
      ])
      .execute();
  });

  it('lists each computer with the reason and how many passwords wait, to an auditor', async () => {
    const res = await call(app, 'GET', '/v1/bitlocker/unmatched', { token: tokens.auditor });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      items: [
        {
          computerDn: 'cn=GHOST-PC,dc=keep,dc=test',
          computerName: 'GHOST-PC',
          reason: 'no-device',
          passwords: 2,
        },
        {
          computerDn: 'cn=TWIN-PC,dc=keep,dc=test',
          computerName: 'TWIN-PC',
          reason: 'ambiguous',
          passwords: 1,
        },
      ],
    });
  });

  it('is refused to a help desk, and to a caller without a token', async () => {
    expect((await call(app, 'GET', '/v1/bitlocker/unmatched', { token: tokens.helpdesk })).status).toBe(403);
    expect((await call(app, 'GET', '/v1/bitlocker/unmatched')).status).toBe(401);
  });
});
