// SCIM 2.0 Users and Groups over the admin app: round trips, PATCH, filters, paging and RFC 7644 errors.
import { beforeAll, describe, expect, it } from 'vitest';
import { auditRows, call, testAdminApp, tokenFor, type AdminApp } from '../support.js';
import { useTestDatabase } from '../../support/test-context.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const PATCH = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';

interface Resource {
  id: string;
  [key: string]: unknown;
}

describe('SCIM 2.0', () => {
  const database = useTestDatabase();
  let app: AdminApp;
  let token: string;
  const scim = async (method: string, path: string, body?: unknown) => {
    const res = await call(app, method, `/scim/v2${path}`, {
      token,
      ...(body !== undefined ? { body } : {}),
    });
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      body: res.status === 204 ? null : await res.json(),
    };
  };
  const createUser = async (userName: string, extra: Record<string, unknown> = {}) => {
    const res = await scim('POST', '/Users', { schemas: [USER], userName, ...extra });
    expect(res.status).toBe(201);
    return res.body as Resource;
  };

  beforeAll(async () => {
    app = testAdminApp({ db: database.core.db });
    token = await tokenFor(database.core.db, 'scim');
  });

  it('creates a user from application/scim+json, reads it back, and finds it by userName', async () => {
    const res = await app.request('/scim/v2/Users', {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: JSON.stringify({
        schemas: [USER, ENTERPRISE],
        userName: 'Ada.Lovelace@corp.example',
        externalId: 'okta-00u1',
        name: { givenName: 'Ada', familyName: 'Lovelace' },
        emails: [{ value: 'ada@corp.example', primary: true, type: 'work' }],
        [ENTERPRISE]: { department: 'Engineering' },
      }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/scim+json');
    const created = (await res.json()) as Resource;
    expect(res.headers.get('location')).toBe(`/scim/v2/Users/${created.id}`);
    expect(created).toMatchObject({
      userName: 'Ada.Lovelace@corp.example',
      externalId: 'okta-00u1',
      displayName: 'Ada Lovelace',
      active: true,
      emails: [{ value: 'ada@corp.example', primary: true }],
      [ENTERPRISE]: { department: 'Engineering' },
      meta: { resourceType: 'User', location: `/scim/v2/Users/${created.id}` },
    });
    expect((await scim('GET', `/Users/${created.id}`)).body).toEqual(created);

    const found = await scim(
      'GET',
      `/Users?filter=${encodeURIComponent('userName eq "ada.lovelace@corp.example"')}`,
    );
    expect(found.body).toMatchObject({ totalResults: 1, startIndex: 1, Resources: [{ id: created.id }] });
    const row = await database.core.db
      .selectFrom('directory_users')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      source: 'scim',
      username: 'Ada.Lovelace@corp.example',
      department: 'Engineering',
    });
    expect((await auditRows(database.core.db, 'scim.user.create')).length).toBe(1);
  });

  it('replaces a user with PUT and patches it (add, replace, remove, filtered path)', async () => {
    const user = await createUser('grace');
    const put = await scim('PUT', `/Users/${user.id}`, {
      schemas: [USER],
      userName: 'grace',
      displayName: 'Grace Hopper',
      active: false,
    });
    expect(put.body).toMatchObject({ displayName: 'Grace Hopper', active: false });
    const changes = await database.core.db
      .selectFrom('directory_changes')
      .select('kind')
      .where('subject_id', '=', user.id)
      .orderBy('id')
      .execute();
    expect(changes.map((c) => c.kind)).toEqual(['user-added', 'user-disabled']);

    const patched = await scim('PATCH', `/Users/${user.id}`, {
      schemas: [PATCH],
      Operations: [
        { op: 'Replace', path: 'active', value: 'True' },
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'grace@corp.example' },
        { op: 'add', path: `${ENTERPRISE}:department`, value: 'Navy' },
        { op: 'remove', path: 'displayName' },
      ],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      active: true,
      emails: [{ value: 'grace@corp.example' }],
      [ENTERPRISE]: { department: 'Navy' },
    });
    expect(patched.body).not.toHaveProperty('displayName');
  });

  it('pages with startIndex and count', async () => {
    for (const name of ['page-1', 'page-2', 'page-3']) await createUser(name);
    const all = (await scim('GET', '/Users?count=0')).body as { totalResults: number };
    const res = await scim('GET', '/Users?startIndex=2&count=1');
    expect(res.body).toMatchObject({ totalResults: all.totalResults, startIndex: 2, itemsPerPage: 1 });
    expect((res.body as { Resources: unknown[] }).Resources).toHaveLength(1);
  });

  it('keeps group members through create, PATCH add and PATCH remove by filter', async () => {
    const [a, b] = [await createUser('member-a'), await createUser('member-b')];
    const group = (await scim('POST', '/Groups', { displayName: 'Staff', members: [{ value: a.id }] }))
      .body as Resource;
    expect(group.members).toEqual([{ value: a.id, display: 'member-a', $ref: `/scim/v2/Users/${a.id}` }]);
    await scim('PATCH', `/Groups/${group.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'add', path: 'members', value: [{ value: b.id }] }],
    });
    const removed = await scim('PATCH', `/Groups/${group.id}`, {
      schemas: [PATCH],
      Operations: [{ op: 'remove', path: `members[value eq "${a.id}"]` }],
    });
    expect((removed.body as { members: { value: string }[] }).members.map((m) => m.value)).toEqual([b.id]);
    const rows = await database.core.db
      .selectFrom('directory_memberships')
      .selectAll()
      .where('group_id', '=', group.id)
      .execute();
    expect(rows).toEqual([{ user_id: b.id, group_id: group.id, direct: true }]);
    const byName = await scim('GET', `/Groups?filter=${encodeURIComponent('displayName eq "Staff"')}`);
    expect(byName.body).toMatchObject({ totalResults: 1, Resources: [{ id: group.id }] });
  });

  it('deletes softly: the row stays with deleted_at, its memberships go, and GET answers 404', async () => {
    const user = await createUser('leaver');
    const group = (await scim('POST', '/Groups', { displayName: 'Leavers', members: [{ value: user.id }] }))
      .body as Resource;
    expect((await scim('DELETE', `/Users/${user.id}`)).status).toBe(204);
    const row = await database.core.db
      .selectFrom('directory_users')
      .selectAll()
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(row.deleted_at).toBeInstanceOf(Date);
    expect((await scim('GET', `/Groups/${group.id}`)).body).toMatchObject({ members: [] });
    const gone = await scim('GET', `/Users/${user.id}`);
    expect(gone).toMatchObject({
      status: 404,
      type: 'application/scim+json',
      body: { schemas: [ERROR], status: '404' },
    });
  });

  it('answers errors in the RFC 7644 format with a scimType', async () => {
    expect(await scim('GET', `/Users?filter=${encodeURIComponent('userName co "a"')}`)).toMatchObject({
      status: 400,
      body: { schemas: [ERROR], status: '400', scimType: 'invalidFilter' },
    });
    expect(await scim('GET', `/Users?filter=${encodeURIComponent('password eq "x"')}`)).toMatchObject({
      body: { scimType: 'invalidFilter' },
    });
    await createUser('taken');
    expect(await scim('POST', '/Users', { userName: 'TAKEN' })).toMatchObject({
      status: 409,
      body: { scimType: 'uniqueness' },
    });
    expect(await scim('POST', '/Users', { displayName: 'no user name' })).toMatchObject({
      status: 400,
      body: { scimType: 'invalidValue', detail: expect.stringContaining('userName') },
    });
    expect(
      await scim('POST', '/Groups', { displayName: 'x', members: [{ value: crypto.randomUUID() }] }),
    ).toMatchObject({
      status: 400,
      body: { scimType: 'invalidValue', detail: expect.stringContaining('members') },
    });
  });

  it('admits only tokens of role scim, and a scim token reaches nothing else', async () => {
    const none = await call(app, 'GET', '/scim/v2/Users');
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ schemas: [ERROR], status: '401' });
    const admin = await call(app, 'GET', '/scim/v2/Users', {
      token: await tokenFor(database.core.db, 'admin'),
    });
    expect(admin.status).toBe(403);
    expect(await admin.json()).toMatchObject({
      schemas: [ERROR],
      detail: expect.stringContaining('scim:write'),
    });
    expect((await call(app, 'GET', '/v1/devices', { token })).status).toBe(403);
  });

  it('describes itself at ServiceProviderConfig, ResourceTypes and Schemas', async () => {
    expect((await scim('GET', '/ServiceProviderConfig')).body).toMatchObject({ patch: { supported: true } });
    expect((await scim('GET', '/ResourceTypes')).body).toMatchObject({ totalResults: 2 });
    expect((await scim('GET', '/Schemas')).body).toMatchObject({ totalResults: 3 });
  });
});
