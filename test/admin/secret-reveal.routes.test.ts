import { beforeAll, describe, expect, it } from 'vitest';
import { createVault } from '../../activities/vault/vault.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { keyRingKms } from '../../core/vault/key-ring-kms.js';
import { revealSecretUpdate } from '../../workflows/secret-reveal.messages.js';
import { eventually } from '../support/apple-requests.js';
import { useTestPlanes } from '../support/test-context.js';
import { auditRows, call, insertDevice, testAdminApp, tokenFor, type AdminApp } from './support.js';

const RECOVERY_KEY = 'ABCD-EFGH-JKLM-NPQR-STUV-WXYZ';

describe('revealing an escrowed secret', { timeout: 120_000 }, () => {
  const planes = useTestPlanes();
  let twoPerson: AdminApp;
  let onePerson: AdminApp;
  let deviceId: string;
  const tokens: Record<'alice' | 'bob' | 'helpdesk', string> = { alice: '', bob: '', helpdesk: '' };

  beforeAll(async () => {
    const db = planes.database.core.db;
    const deps = {
      db,
      temporal: planes.temporal,
      coreTaskQueue: planes.coreConfig.core.taskQueue,
      temporalTimeoutMs: 20_000,
    };
    twoPerson = testAdminApp({ ...deps, secretReveal: { approvalRequired: true, minutes: 5 } });
    onePerson = testAdminApp({ ...deps, secretReveal: { approvalRequired: false, minutes: 5 } });
    tokens.alice = await tokenFor(db, 'admin');
    tokens.bob = await tokenFor(db, 'admin');
    tokens.helpdesk = await tokenFor(db, 'helpdesk');
    deviceId = await insertDevice(db);
    const kms = keyRingKms(KeyRing.parse(planes.coreConfig.core.secretKeys));
    await createVault({ db, kms }).store(deviceId, 'filevault-prk', Buffer.from(RECOVERY_KEY));
  });

  const ask = (app: AdminApp, token: string) =>
    call(app, 'POST', `/v1/devices/${deviceId}/secrets/filevault-prk/reveal-requests`, {
      token,
      body: { reason: 'user locked out' },
    });

  it('refuses a reveal request without the reveal permission, and audits the refusal', async () => {
    const res = await ask(twoPerson, tokens.helpdesk);
    expect(res.status).toBe(403);
    const denied = await auditRows(planes.database.core.db, 'secret.reveal-denied');
    expect(denied.map((d) => d.target_id)).toContain(deviceId);
    const badKind = await call(twoPerson, 'POST', `/v1/devices/${deviceId}/secrets/wifi/reveal-requests`, {
      token: tokens.alice,
      body: { reason: 'x' },
    });
    expect(badKind.status).toBe(400);
    expect(((await badKind.json()) as { error: string }).error).toMatch(/^kind: /);
  });

  it('shows the key only after another admin approves; self-approval is refused; shown once', async () => {
    const asked = await ask(twoPerson, tokens.alice);
    expect(asked.status).toBe(201);
    const request = (await asked.json()) as { id: string; status: string };
    expect(request.status).toBe('awaiting-approval');
    const reveal = (token: string) =>
      call(twoPerson, 'POST', `/v1/secret-reveal-requests/${request.id}/reveal`, { token });
    const approve = (token: string) =>
      call(twoPerson, 'POST', `/v1/secret-reveal-requests/${request.id}/approve`, { token });

    expect((await reveal(tokens.alice)).status).toBe(409);
    const self = await approve(tokens.alice);
    expect(self.status).toBe(409);
    expect(((await self.json()) as { error: string }).error).toMatch(/own reveal request/);
    expect((await approve(tokens.bob)).status).toBe(200);
    expect((await reveal(tokens.bob)).status).toBe(403);

    const shown = await reveal(tokens.alice);
    expect(shown.status).toBe(200);
    expect(await shown.json()).toEqual({ kind: 'filevault-prk', secret: RECOVERY_KEY });
    expect((await reveal(tokens.alice)).status).toBe(409);

    const db = planes.database.core.db;
    await eventually(async () => {
      const row = await db
        .selectFrom('secret_reveal_requests')
        .select('status')
        .where('id', '=', request.id)
        .executeTakeFirst();
      return row?.status === 'revealed' ? row : undefined;
    });
    const trail = (await auditRows(db))
      .filter((r) => JSON.stringify(r.details).includes(request.id))
      .map((r) => r.action);
    expect(trail).toEqual([
      'secret.reveal-requested',
      'secret.reveal-approval-refused',
      'secret.reveal-approved',
      'secret.revealed',
    ]);
    expect(JSON.stringify(await auditRows(db))).not.toContain(RECOVERY_KEY);
  });

  it('needs a second approver for a device of a team that requires one, though the global setting is off', async () => {
    const db = planes.database.core.db;
    const teamDevice = await insertDevice(db);
    const kms = keyRingKms(KeyRing.parse(planes.coreConfig.core.secretKeys));
    await createVault({ db, kms }).store(teamDevice, 'filevault-prk', Buffer.from(RECOVERY_KEY));
    const created = await call(onePerson, 'POST', '/v1/teams', {
      token: tokens.alice,
      body: { name: 'Vault team' },
    });
    const teamId = ((await created.json()) as { id: string }).id;
    expect(
      (await call(onePerson, 'PUT', `/v1/teams/${teamId}/devices/${teamDevice}`, { token: tokens.alice }))
        .status,
    ).toBe(204);
    const setting = (token: string, body: unknown) =>
      call(onePerson, 'PUT', `/v1/teams/${teamId}/reveal-approval`, { token, body });
    expect((await setting(tokens.helpdesk, { required: true })).status).toBe(403);
    const bad = await setting(tokens.alice, { required: 'yes' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/required/);
    const set = await setting(tokens.alice, { required: true });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ id: teamId, requireRevealApproval: true });
    expect((await auditRows(db, 'team.reveal-approval')).at(-1)).toMatchObject({
      target_id: teamId,
      details: { required: true },
    });

    const asked = await call(
      onePerson,
      'POST',
      `/v1/devices/${teamDevice}/secrets/filevault-prk/reveal-requests`,
      {
        token: tokens.alice,
        body: { reason: 'user locked out' },
      },
    );
    expect(asked.status).toBe(201);
    const request = (await asked.json()) as { id: string; status: string };
    expect(request.status).toBe('awaiting-approval');
    const act = (action: 'approve' | 'reveal', token: string) =>
      call(onePerson, 'POST', `/v1/secret-reveal-requests/${request.id}/${action}`, { token });
    expect((await act('reveal', tokens.alice)).status).toBe(409);
    const self = await act('approve', tokens.alice);
    expect(self.status).toBe(409);
    expect(((await self.json()) as { error: string }).error).toMatch(/own reveal request/);
    expect((await act('approve', tokens.bob)).status).toBe(200);
    const shown = await act('reveal', tokens.alice);
    expect(shown.status).toBe(200);
    expect(((await shown.json()) as { secret: string }).secret).toBe(RECOVERY_KEY);

    // The team stops requiring it: the device's next reveal needs no second approver again.
    expect((await setting(tokens.alice, { required: false })).status).toBe(200);
    const again = await call(
      onePerson,
      'POST',
      `/v1/devices/${teamDevice}/secrets/filevault-prk/reveal-requests`,
      {
        token: tokens.alice,
        body: { reason: 'once more' },
      },
    );
    expect(((await again.json()) as { status: string }).status).toBe('approved');
  });

  it('gives a Temporal caller without the recorded reveal (a compromised edge) nothing', async () => {
    const asked = await ask(onePerson, tokens.alice);
    const request = (await asked.json()) as { id: string; status: string };
    expect(request.status).toBe('approved');
    const attempt = planes.temporal.workflow
      .getHandle(workflowIds.secretReveal(request.id))
      .executeUpdate(revealSecretUpdate, { args: [] });
    await expect(attempt).rejects.toThrow();
    // Without a second approver, the admin who asked sees it straight away.
    const shown = await call(onePerson, 'POST', `/v1/secret-reveal-requests/${request.id}/reveal`, {
      token: tokens.alice,
    });
    expect(shown.status).toBe(200);
    expect(((await shown.json()) as { secret: string }).secret).toBe(RECOVERY_KEY);
  });
});
