import { beforeAll, describe, expect, it } from 'vitest';
import { call, testAdminApp, tokenFor, type AdminApp } from '../support.js';
import { useTestDatabase } from '../../support/test-context.js';

const policy = (minLength: number) => ({
  schemaVersion: 1,
  name: 'baseline',
  settings: { passcode: { minLength } },
});

describe('rollouts in the admin API, before any workflow runs', () => {
  const database = useTestDatabase();
  let app: AdminApp;
  let admin: string;
  let helpdesk: string;
  let policyId: string;

  beforeAll(async () => {
    const db = database.core.db;
    app = testAdminApp({ db });
    admin = await tokenFor(db, 'admin');
    helpdesk = await tokenFor(db, 'helpdesk');
    const stored = await call(app, 'POST', '/v1/policies', { token: admin, body: policy(8) });
    policyId = ((await stored.json()) as { policyId: string }).policyId;
  });

  const start = (body: unknown, token = admin) => call(app, 'POST', '/v1/rollouts', { token, body });

  it('lets only those who may change policies start one, and every role read them', async () => {
    expect((await start({ policyId, waves: [{ percent: 100 }] }, helpdesk)).status).toBe(403);
    expect((await call(app, 'GET', '/v1/rollouts', { token: helpdesk })).status).toBe(200);
    const bad = await call(app, 'GET', '/v1/rollouts?policyId=nope', { token: helpdesk });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/^policyId: /);
  });

  it('names the field of a bad request: an unknown policy or version, a malformed wave', async () => {
    const unknown = await start({ policyId: crypto.randomUUID(), waves: [{ percent: 100 }] });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toBe('policyId: no such policy');
    const noVersion = await start({ policyId, version: 9, waves: [{ percent: 100 }] });
    expect(((await noVersion.json()) as { error: string }).error).toBe(
      'version: the policy has no version 9',
    );
    const badWave = await start({ policyId, waves: [{ percent: 150 }] });
    expect(badWave.status).toBe(400);
    expect(((await badWave.json()) as { error: string }).error).toMatch(/^waves\.0/);
  });

  it('stages a version without changing what is released, and answers 404 for a rollout that does not exist', async () => {
    const staged = await call(app, 'POST', '/v1/policies?staged=true', { token: admin, body: policy(10) });
    expect(staged.status).toBe(201);
    expect(await staged.json()).toMatchObject({ version: 2, fanOutWorkflowId: null });
    const row = await database.core.db
      .selectFrom('policies')
      .select('released_version')
      .where('id', '=', policyId)
      .executeTakeFirstOrThrow();
    expect(row.released_version).toBe(1);
    expect((await call(app, 'GET', `/v1/rollouts/${crypto.randomUUID()}`, { token: admin })).status).toBe(
      404,
    );
    expect((await call(app, 'POST', '/v1/rollouts/not-a-uuid/abort', { token: admin })).status).toBe(404);
  });

  it('names the field of a bad removal: a version, an assignment without remove, an unknown assignment, none to withdraw', async () => {
    const error = async (body: unknown) => {
      const res = await start(body);
      return [res.status, ((await res.json()) as { error: string }).error];
    };
    expect(await error({ policyId, remove: true, version: 2, waves: [{ percent: 100 }] })).toEqual([
      400,
      'version: a removal withdraws the policy; it takes no version',
    ]);
    const assignmentId = crypto.randomUUID();
    expect(await error({ policyId, assignmentId, waves: [{ percent: 100 }] })).toEqual([
      400,
      'assignmentId: only a removal (remove: true) takes an assignment',
    ]);
    expect(await error({ policyId, remove: true, waves: [{ percent: 100 }] })).toEqual([
      409,
      'remove: the policy has no assignment to withdraw',
    ]);
    expect(await error({ policyId, remove: true, assignmentId, waves: [{ percent: 100 }] })).toEqual([
      404,
      'assignmentId: no such assignment of this policy',
    ]);
  });

  it('deletes a policy only for those who may change policies, refuses it while a rollout runs, then 404s', async () => {
    const other = await call(app, 'POST', '/v1/policies', {
      token: admin,
      body: { ...policy(8), name: 'other' },
    });
    const otherId = ((await other.json()) as { policyId: string }).policyId;
    const db = database.core.db;
    expect((await call(app, 'DELETE', `/v1/policies/${otherId}`, { token: helpdesk })).status).toBe(403);
    // A rollout recorded as running (no workflow in this test): the policy may not be deleted under it.
    await db
      .insertInto('rollouts')
      .values({
        id: crypto.randomUUID(),
        policy_id: otherId,
        from_version: 1,
        to_version: 1,
        plan: JSON.stringify({ waves: [{ percent: 100 }] }),
        status: 'running',
        reason: null,
        wave_count: 0,
        created_by: 'test',
        updated_at: new Date(),
      })
      .execute();
    const refused = await call(app, 'DELETE', `/v1/policies/${otherId}`, { token: admin });
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as { error: string }).error).toMatch(
      /rollout of this policy is in progress/,
    );
    await db.updateTable('rollouts').set({ status: 'aborted' }).where('policy_id', '=', otherId).execute();
    expect((await call(app, 'DELETE', `/v1/policies/${crypto.randomUUID()}`, { token: admin })).status).toBe(
      404,
    );
  });
});
