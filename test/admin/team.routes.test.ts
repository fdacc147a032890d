import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../admin/paging.js';
import {
  auditRows,
  BOOTSTRAP_TOKEN,
  call,
  insertDevice,
  testAdminApp,
  tokenFor,
  type AdminApp,
} from './support.js';
import { useTestDatabase } from '../support/test-context.js';

interface DevicePage {
  items: { id: string }[];
  nextCursor: string | null;
}

describe('teams and team-scoped roles', () => {
  const database = useTestDatabase();
  let app: AdminApp;
  let teamA: string;
  let teamB: string;
  /** Help desk of team A only. */
  let helpdeskA: string;
  const devicesA: string[] = [];
  let deviceB: string;
  let commandB: string;

  const admin = (method: string, path: string, body?: unknown) =>
    call(app, method, path, { token: BOOTSTRAP_TOKEN, ...(body === undefined ? {} : { body }) });

  beforeAll(async () => {
    const db = database.core.db;
    app = testAdminApp({ db, temporalTimeoutMs: 1500 });
    teamA = ((await (await admin('POST', '/v1/teams', { name: 'Team A' })).json()) as { id: string }).id;
    teamB = ((await (await admin('POST', '/v1/teams', { name: 'Team B' })).json()) as { id: string }).id;
    for (let i = 0; i < 3; i++) devicesA.push(await insertDevice(db, { platform: 'apple' }));
    deviceB = await insertDevice(db, { platform: 'windows' });
    for (const id of devicesA)
      expect((await admin('PUT', `/v1/teams/${teamA}/devices/${id}`)).status).toBe(204);
    expect((await admin('PUT', `/v1/teams/${teamB}/devices/${deviceB}`)).status).toBe(204);
    commandB = randomUUID();
    await db
      .insertInto('device_commands')
      .values({
        command_uuid: commandB,
        device_id: deviceB,
        request_type: 'DeviceInformation',
        status: 'queued',
        requested_by: 'test',
      })
      .execute();
    helpdeskA = await tokenFor(db, 'helpdesk', { teamId: teamA });
  });

  const asHelpdeskA = (method: string, path: string, body?: unknown) =>
    call(app, method, path, { token: helpdeskA, ...(body === undefined ? {} : { body }) });

  it("lists only its own team's devices, whatever the cursor or filter", async () => {
    const all = (await (await asHelpdeskA('GET', '/v1/devices?limit=200')).json()) as DevicePage;
    expect(all.items.map((d) => d.id).sort()).toEqual([...devicesA].sort());

    // A forged cursor that starts before team B's device still only pages through team A's.
    const forged = encodeCursor(['00000000-0000-0000-0000-000000000000']);
    const fromForged = (await (
      await asHelpdeskA('GET', `/v1/devices?cursor=${forged}`)
    ).json()) as DevicePage;
    expect(fromForged.items.map((d) => d.id)).not.toContain(deviceB);

    // Team B's device is the only windows device: the filter finds nothing, not it.
    const filtered = (await (await asHelpdeskA('GET', '/v1/devices?platform=windows')).json()) as DevicePage;
    expect(filtered.items).toEqual([]);

    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const page = (await (
        await asHelpdeskA('GET', `/v1/devices?limit=1${cursor ? `&cursor=${cursor}` : ''}`)
      ).json()) as DevicePage;
      paged.push(...page.items.map((d) => d.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(paged.sort()).toEqual([...devicesA].sort());
  });

  it("answers 404, as for a device that does not exist, for another team's device, its commands and a command to it", async () => {
    const missing = randomUUID();
    for (const id of [deviceB, missing]) {
      expect((await asHelpdeskA('GET', `/v1/devices/${id}`)).status, id).toBe(404);
      expect((await asHelpdeskA('GET', `/v1/devices/${id}/commands`)).status, id).toBe(404);
    }
    expect((await asHelpdeskA('GET', `/v1/devices/${deviceB}/commands/${commandB}`)).status).toBe(404);
    const before = await auditRows(database.core.db, 'device.command.send');
    const sent = await asHelpdeskA('POST', `/v1/devices/${deviceB}/commands`, { requestType: 'DeviceLock' });
    expect(sent.status).toBe(404);
    expect(await auditRows(database.core.db, 'device.command.send')).toEqual(before);
  });

  it("reads and commands its own team's devices", async () => {
    expect((await asHelpdeskA('GET', `/v1/devices/${devicesA[0]}`)).status).toBe(200);
    expect((await asHelpdeskA('GET', `/v1/devices/${devicesA[0]}/commands`)).status).toBe(200);
    // Past the scope check: the device has no running workflow, so the workflow lookup answers.
    const sent = await asHelpdeskA('POST', `/v1/devices/${devicesA[0]}/commands`, {
      requestType: 'DeviceLock',
    });
    expect([409, 503]).toContain(sent.status);
    // A team role holds no global permission: tokens, teams and the audit log stay closed.
    for (const path of ['/v1/tokens', '/v1/teams', '/v1/audit']) {
      expect((await asHelpdeskA('GET', path)).status, path).toBe(403);
    }
  });

  it('gains a team through a role grant to the token, and loses it when the grant is withdrawn', async () => {
    const tokenId = (
      await database.core.db
        .selectFrom('api_tokens')
        .select('id')
        .where('team_id', '=', teamA)
        .executeTakeFirstOrThrow()
    ).id;
    const granted = await admin('POST', '/v1/role-grants', {
      subjectKind: 'token',
      subjectId: tokenId,
      role: 'helpdesk',
      teamId: teamB,
    });
    expect(granted.status).toBe(201);
    expect((await asHelpdeskA('GET', `/v1/devices/${deviceB}`)).status).toBe(200);
    const { id } = (await granted.json()) as { id: string };
    expect((await admin('DELETE', `/v1/role-grants/${id}`)).status).toBe(200);
    expect((await asHelpdeskA('GET', `/v1/devices/${deviceB}`)).status).toBe(404);
  });

  it('renames and deletes teams, refusing a taken name; a deleted team takes its memberships along', async () => {
    expect((await admin('POST', '/v1/teams', { name: 'Team A' })).status).toBe(409);
    const renamed = await admin('PATCH', `/v1/teams/${teamB}`, { name: 'Team Bee' });
    expect(((await renamed.json()) as { name: string }).name).toBe('Team Bee');
    expect((await admin('PATCH', `/v1/teams/${teamB}`, { name: 'Team A' })).status).toBe(409);
    expect((await admin('PUT', `/v1/teams/${teamB}/devices/${randomUUID()}`)).status).toBe(404);
    expect((await admin('DELETE', `/v1/teams/${teamB}/devices/${deviceB}`)).status).toBe(204);
    expect((await admin('DELETE', `/v1/teams/${teamB}`)).status).toBe(204);
    expect((await admin('DELETE', `/v1/teams/${teamB}`)).status).toBe(404);
    const teams = (await (await admin('GET', '/v1/teams')).json()) as { items: { name: string }[] };
    expect(teams.items.map((t) => t.name)).toEqual(['Team A']);
  });

  it("requires attestation of a team's identities only when an admin says so, audited", async () => {
    const path = `/v1/teams/${teamA}/attestation`;
    expect((await asHelpdeskA('PUT', path, { required: true })).status).toBe(403);
    const bad = await admin('PUT', path, { required: 'yes' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: string }).error).toMatch(/required/);
    const set = await admin('PUT', path, { required: true });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ id: teamA, requireAttestation: true });
    const teams = (await (await admin('GET', '/v1/teams')).json()) as {
      items: { id: string; requireAttestation: boolean }[];
    };
    expect(teams.items.find((t) => t.id === teamA)?.requireAttestation).toBe(true);
    expect((await admin('PUT', `/v1/teams/${randomUUID()}/attestation`, { required: true })).status).toBe(
      404,
    );
    const audited = await auditRows(database.core.db, 'team.attestation');
    expect(audited.at(-1)).toMatchObject({ target_id: teamA, details: { required: true } });
    expect((await admin('PUT', path, { required: false })).status).toBe(200);
  });

  it('refuses a grant to a subject or team that does not exist, naming the field', async () => {
    const res = await admin('POST', '/v1/role-grants', {
      subjectKind: 'user',
      subjectId: randomUUID(),
      role: 'admin',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toMatch(/^subjectId:/);
  });
});
