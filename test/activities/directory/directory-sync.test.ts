// Directory sync against a real slapd: users and nested groups arrive, incremental runs follow moves and
// deletions, the AD code path reads objectGUID / userAccountControl / uSNChanged, and injection matches nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDirectoryActivities,
  type DirectoryActivities,
} from '../../../activities/directory/directory-sync.activities.js';
import { openLdapClient } from '../../../activities/directory/ldap-client.js';
import type { CoreDatabase } from '../../../core/db/core-database.js';
import { and, eq } from '../../../core/directory/ldap-filter.js';
import type { Kysely } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../../support/db.js';
import {
  addGroup,
  addUser,
  groupDn,
  removeEntry,
  replace,
  settingsFor,
  userDn,
} from '../../support/directory-seed.js';
import { slapdInstalled, startSlapd, type Slapd } from '../../support/slapd.js';
import { call, testAdminApp, tokenFor } from '../../admin/support.js';

/** username → the group names the user is an effective member of (and which of them are direct). */
async function memberships(db: Kysely<CoreDatabase>) {
  const rows = await db
    .selectFrom('directory_memberships as m')
    .innerJoin('directory_users as u', 'u.id', 'm.user_id')
    .innerJoin('directory_groups as g', 'g.id', 'm.group_id')
    .select(['u.username', 'g.name', 'm.direct'])
    .orderBy('u.username')
    .orderBy('g.name')
    .execute();
  const byUser: Record<string, string[]> = {};
  for (const row of rows) (byUser[row.username] ??= []).push(row.direct ? row.name : `${row.name} (nested)`);
  return byUser;
}

async function changeKinds(db: Kysely<CoreDatabase>, afterId = '0') {
  const rows = await db
    .selectFrom('directory_changes')
    .select(['kind'])
    .where('id', '>', afterId)
    .orderBy('id')
    .execute();
  return rows.map((r) => r.kind);
}

const lastChangeId = async (db: Kysely<CoreDatabase>) =>
  (
    await db
      .selectFrom('directory_changes')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirst()
  )?.id ?? '0';

describe.skipIf(!slapdInstalled())('directory sync (OpenLDAP)', () => {
  let slapd: Slapd;
  let database: TestDatabase;
  let activities: DirectoryActivities;
  beforeAll(async () => {
    [slapd, database] = await Promise.all([startSlapd(), createTestDatabase()]);
    for (const uid of ['alice', 'bob', 'carol', 'dave'])
      await addUser(slapd, { uid, mail: `${uid}@keep.test` });
    await addGroup(slapd, { cn: 'platform', members: [userDn(slapd, 'bob')] });
    await addGroup(slapd, {
      cn: 'engineering',
      members: [userDn(slapd, 'alice'), groupDn(slapd, 'platform')],
    });
    await addGroup(slapd, { cn: 'sales', members: [userDn(slapd, 'carol'), userDn(slapd, 'dave')] });
    // A nesting cycle must not loop: loop-a ∋ loop-b ∋ loop-a.
    await addGroup(slapd, {
      cn: 'loop-a',
      members: [userDn(slapd, 'dave'), groupDn(slapd, 'loop-b-placeholder')],
    });
    await addGroup(slapd, { cn: 'loop-b', members: [userDn(slapd, 'alice'), groupDn(slapd, 'loop-a')] });
    await replace(slapd, groupDn(slapd, 'loop-a'), {
      member: [userDn(slapd, 'dave'), groupDn(slapd, 'loop-b')],
    });
    activities = createDirectoryActivities({ db: database.core.db, directory: settingsFor(slapd) });
  }, 60_000);
  afterAll(async () => {
    await slapd?.close();
    await database?.drop();
  });

  it('brings users and nested group memberships into the core on the first (full) run', async () => {
    const summary = await activities.syncDirectory();
    expect(summary).toMatchObject({ full: true, users: 4, groups: 5, skipped: 0 });
    const users = await database.core.db
      .selectFrom('directory_users')
      .selectAll()
      .orderBy('username')
      .execute();
    expect(users.map((u) => [u.source, u.username, u.email, u.disabled])).toEqual([
      ['ldap', 'alice', 'alice@keep.test', false],
      ['ldap', 'bob', 'bob@keep.test', false],
      ['ldap', 'carol', 'carol@keep.test', false],
      ['ldap', 'dave', 'dave@keep.test', false],
    ]);
    expect(users[0]!.external_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await memberships(database.core.db)).toEqual({
      alice: ['engineering', 'loop-a (nested)', 'loop-b'],
      bob: ['engineering (nested)', 'platform'],
      carol: ['sales'],
      dave: ['loop-a', 'loop-b (nested)', 'sales'],
    });
    const kinds = await changeKinds(database.core.db);
    expect(kinds.filter((k) => k === 'user-added')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'membership-added')).toHaveLength(9);
  });

  it('follows a user moved between groups in the next incremental run, recording the change', async () => {
    const before = await lastChangeId(database.core.db);
    await replace(slapd, groupDn(slapd, 'sales'), { member: [userDn(slapd, 'dave')] });
    await replace(slapd, groupDn(slapd, 'platform'), {
      member: [userDn(slapd, 'bob'), userDn(slapd, 'carol')],
    });
    const summary = await activities.syncDirectory();
    expect(summary.full).toBe(false);
    expect((await memberships(database.core.db)).carol).toEqual(['engineering (nested)', 'platform']);
    expect((await changeKinds(database.core.db, before)).sort()).toEqual([
      'membership-added',
      'membership-added',
      'membership-removed',
    ]);
  });

  it('rewrites nothing when run again with no directory change (idempotent retries)', async () => {
    const before = await lastChangeId(database.core.db);
    const state = await database.core.db
      .selectFrom('directory_sync_state')
      .selectAll()
      .executeTakeFirstOrThrow();
    const summary = await activities.syncDirectory();
    expect(summary.cursor).toBe(state.cursor);
    expect(await changeKinds(database.core.db, before)).toEqual([]);
  });

  it('marks a user removed from the directory as deleted on the next full run, with its memberships', async () => {
    const before = await lastChangeId(database.core.db);
    await removeEntry(slapd, userDn(slapd, 'dave'));
    await activities.syncDirectory({ full: true });
    const dave = await database.core.db
      .selectFrom('directory_users')
      .selectAll()
      .where('username', '=', 'dave')
      .executeTakeFirstOrThrow();
    expect(dave.deleted_at).toBeInstanceOf(Date);
    expect((await memberships(database.core.db)).dave).toBeUndefined();
    const kinds = await changeKinds(database.core.db, before);
    expect(kinds).toContain('user-removed');
    expect(kinds).toContain('membership-removed');
  });

  it('keeps a SCIM-provisioned user in the same tables as the LDAP ones', async () => {
    const app = testAdminApp({ db: database.core.db });
    const res = await call(app, 'POST', '/scim/v2/Users', {
      token: await tokenFor(database.core.db, 'scim'),
      body: { userName: 'erin', emails: [{ value: 'erin@keep.test' }] },
    });
    expect(res.status).toBe(201);
    const users = await database.core.db
      .selectFrom('directory_users')
      .select(['source', 'username', 'email'])
      .where('deleted_at', 'is', null)
      .where('username', 'in', ['alice', 'erin'])
      .orderBy('username')
      .execute();
    expect(users).toEqual([
      { source: 'ldap', username: 'alice', email: 'alice@keep.test' },
      { source: 'scim', username: 'erin', email: 'erin@keep.test' },
    ]);
    // The next LDAP sync (full, so it looks for deletions) leaves the SCIM user alone.
    await activities.syncDirectory({ full: true });
    const erin = await database.core.db
      .selectFrom('directory_users')
      .select('deleted_at')
      .where('username', '=', 'erin')
      .executeTakeFirstOrThrow();
    expect(erin.deleted_at).toBeNull();
  });

  it('escapes filter injection attempts so they match nothing they should not', async () => {
    const client = await openLdapClient({ ...settingsFor(slapd), url: slapd.url });
    try {
      const count = async (filter: string) =>
        (await client.search(slapd.baseDn, { scope: 'sub', filter, attributes: ['uid'] })).searchEntries
          .length;
      expect(await count(eq('uid', 'alice'))).toBe(1);
      for (const attempt of [
        '*',
        '*)(uid=*',
        'alice)(|(uid=*',
        'alice\u0000',
        'al*',
        '(uid=alice)',
        'alice\\',
        '\\2a',
      ]) {
        expect(await count(and(eq('objectClass', 'inetOrgPerson'), eq('uid', attempt))), attempt).toBe(0);
      }
    } finally {
      await client.unbind();
    }
  });

  it('refuses plain ldap:// unless allowed, and binds over LDAPS with the configured CA', async () => {
    expect(() => settingsFor(slapd, { startTls: false })).toThrow(/allowPlain/);
    await expect(openLdapClient({ ...settingsFor(slapd), startTls: false, url: slapd.url })).rejects.toThrow(
      /refused unless allowPlain/,
    );
    const ldaps = await openLdapClient({ ...settingsFor(slapd), url: slapd.ldapsUrl });
    await ldaps.unbind();
    await expect(
      openLdapClient({ ...settingsFor(slapd), caFile: undefined, url: slapd.ldapsUrl }),
    ).rejects.toThrow(/(connect|bind) to .* failed/);
  });
});

describe.skipIf(!slapdInstalled())('directory sync (AD code path on an AD-like schema)', () => {
  let slapd: Slapd;
  let database: TestDatabase;
  let activities: DirectoryActivities;
  const aliceGuid = '3f2504e0-4f89-11d3-9a0c-0305e82c3301';
  beforeAll(async () => {
    [slapd, database] = await Promise.all([startSlapd({ adLikeSchema: true }), createTestDatabase()]);
    await addUser(slapd, { uid: 'bob', mail: 'bob@keep.test', ad: { usn: 99 } });
    await addUser(slapd, { uid: 'alice', ad: { guid: aliceGuid, usn: 100 } });
    await addGroup(slapd, { cn: 'admins', members: [userDn(slapd, 'alice')], ad: { usn: 102 } });
    await addGroup(slapd, {
      cn: 'staff',
      members: [groupDn(slapd, 'admins'), userDn(slapd, 'bob')],
      ad: { usn: 103 },
    });
    activities = createDirectoryActivities({
      db: database.core.db,
      directory: settingsFor(slapd, {
        kind: 'ad',
        userFilter: '(&(objectClass=inetOrgPerson)(objectClass=keepAdObject))',
        groupFilter: '(&(objectClass=groupOfNames)(objectClass=keepAdObject))',
      }),
    });
  }, 60_000);
  afterAll(async () => {
    await slapd?.close();
    await database?.drop();
  });

  it('keys users by objectGUID, names them by sAMAccountName, and moves the cursor to the highest user uSNChanged', async () => {
    const summary = await activities.syncDirectory();
    expect(summary).toMatchObject({ full: true, users: 2, groups: 2, cursor: '100' });
    const alice = await database.core.db
      .selectFrom('directory_users')
      .selectAll()
      .where('username', '=', 'alice')
      .executeTakeFirstOrThrow();
    expect(alice.external_id).toBe(aliceGuid);
    expect(alice.email).toBe('alice@keep.test'); // from userPrincipalName when there is no mail
    expect(alice.attributes).toMatchObject({ userPrincipalName: 'alice@keep.test' });
    expect(await memberships(database.core.db)).toEqual({
      alice: ['admins', 'staff (nested)'],
      bob: ['staff'],
    });
  });

  it('reads only entries at or past the uSNChanged cursor, and sees a disabled account', async () => {
    const before = await lastChangeId(database.core.db);
    await replace(slapd, userDn(slapd, 'alice'), { userAccountControl: ['514'], uSNChanged: ['110'] });
    // A change the directory did not stamp with a newer USN is not read by an incremental run.
    await replace(slapd, userDn(slapd, 'bob'), { mail: ['robert@keep.test'] });
    const summary = await activities.syncDirectory();
    expect(summary).toMatchObject({ full: false, users: 1, cursor: '110' });
    const users = await database.core.db
      .selectFrom('directory_users')
      .select(['username', 'email', 'disabled'])
      .orderBy('username')
      .execute();
    expect(users).toEqual([
      { username: 'alice', email: 'alice@keep.test', disabled: true },
      { username: 'bob', email: 'bob@keep.test', disabled: false },
    ]);
    expect(await changeKinds(database.core.db, before)).toEqual(['user-disabled']);
    const state = await database.core.db
      .selectFrom('directory_sync_state')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(state).toMatchObject({ cursor: '110', incremental_runs: 1, last_error: null });
  });
});

describe.skipIf(!slapdInstalled())('directory sync (AD server position)', () => {
  let slapd: Slapd;
  let database: TestDatabase;
  afterAll(async () => {
    await slapd?.close();
    await database?.drop();
  });

  it("takes the cursor from the root DSE's highestCommittedUSN, not the newest entry read", async () => {
    [slapd, database] = await Promise.all([
      startSlapd({ adLikeSchema: true, rootDse: { highestCommittedUSN: '200' } }),
      createTestDatabase(),
    ]);
    await addUser(slapd, { uid: 'alice', ad: { usn: 150 } });
    const activities = createDirectoryActivities({
      db: database.core.db,
      directory: settingsFor(slapd, {
        kind: 'ad',
        userFilter: '(&(objectClass=inetOrgPerson)(objectClass=keepAdObject))',
        groupFilter: '(&(objectClass=groupOfNames)(objectClass=keepAdObject))',
      }),
    });
    expect(await activities.syncDirectory()).toMatchObject({ full: true, users: 1, cursor: '200' });
    await addUser(slapd, { uid: 'bob', ad: { usn: 210 } });
    expect(await activities.syncDirectory()).toMatchObject({ full: false, users: 1, cursor: '200' });
  });
});
