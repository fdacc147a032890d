// An admin scoped to one team, and a device outside it with everything a device can have (commands, a bulk command, compliance,
// labels, an expiring identity and its renewal, escrowed secrets): every route a team role may call answers
// exactly as if that device did not exist, while a global admin sees it (the positive control).
import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { insertTeam } from '../../admin/team.repository.js';
import { call, insertDevice, testAdminApp, tokenFor, type AdminApp } from './support.js';
import { useTestDatabase } from '../support/test-context.js';

const DAY = 86_400_000;

interface Operation {
  'x-keep-scope'?: 'team';
}

describe('a team-scoped admin and a device outside the team', () => {
  const database = useTestDatabase();
  let app: AdminApp;
  let teamAdmin: string;
  let globalAdmin: string;
  let policyId: string;
  const outsider = {
    id: randomUUID(),
    enrollmentId: randomUUID(),
    command: randomUUID(),
    bulk: randomUUID(),
  };
  let paths: string[];

  /** Every GET route a team role may call, its ids pointing at the outsider (or the policy both hold). */
  function concrete(path: string): string {
    return path
      .replace('/v1/policies/{id}', `/v1/policies/${policyId}`)
      .replace('/v1/commands/{id}', `/v1/commands/${outsider.bulk}`)
      .replace('{uuid}', outsider.command)
      .replace('{kind}', 'bootstrap-token')
      .replace(/\{[^}]+\}/g, outsider.id);
  }

  /** A live stream (server-sent events) never ends by itself: its first event is what the caller is shown. */
  async function bodyOf(res: Response): Promise<string> {
    if (!res.headers.get('content-type')?.startsWith('text/event-stream')) return res.text();
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('\n\n')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    await reader.cancel();
    return text.slice(0, text.indexOf('\n\n') + 2);
  }

  const snapshot = async (token: string) => {
    const views: Record<string, { status: number; body: string }> = {};
    for (const path of paths) {
      const res = await call(app, 'GET', path, { token });
      views[path] = { status: res.status, body: await bodyOf(res) };
    }
    return views;
  };

  async function insertOutsider(): Promise<void> {
    const db = database.core.db;
    await insertDevice(db, { id: outsider.id, serial_number: 'OUTSIDER-SERIAL', name: 'Outsider Mac' });
    await db
      .updateTable('devices')
      .set({ enrollment_id: outsider.enrollmentId })
      .where('id', '=', outsider.id)
      .execute();
    await db
      .insertInto('device_commands')
      .values({
        command_uuid: outsider.command,
        device_id: outsider.id,
        request_type: 'DeviceInformation',
        status: 'queued',
        requested_by: 'test',
      })
      .execute();
    await db
      .insertInto('device_policy_compliance')
      .values({
        device_id: outsider.id,
        policy_id: policyId,
        version: 1,
        setting: 'passcode',
        status: 'failing',
        reason: null,
        proven_at: new Date(),
      })
      .execute();
    await db
      .insertInto('bulk_commands')
      .values({
        id: outsider.bulk,
        requested_by: 'another admin',
        idempotency_key: randomUUID(),
        request_digest: 'digest',
        platform: 'apple',
        request_type: 'DeviceInformation',
        payload: '{}',
        placeholder_uuid: randomUUID(),
      })
      .execute();
    await db
      .insertInto('bulk_command_targets')
      .values({
        bulk_id: outsider.bulk,
        device_id: outsider.id,
        command_uuid: outsider.command,
        state: 'queued',
        reason: null,
      })
      .execute();
    await db.insertInto('device_labels').values({ device_id: outsider.id, label: 'outsider-only' }).execute();
    const fingerprint = randomBytes(32).toString('hex');
    await db
      .insertInto('certificates')
      .values({
        serial_hex: randomBytes(8).toString('hex'),
        subject: `CN=keep-enrollment-${outsider.enrollmentId}`,
        profile: 'device-identity',
        device_id: null,
        enrollment_id: outsider.enrollmentId,
        not_before: new Date(Date.now() - DAY),
        not_after: new Date(Date.now() + 3 * DAY),
        sha256_fingerprint: fingerprint,
        der: randomBytes(16),
        challenge_hash: null,
        revoked_at: null,
        revocation_reason: null,
      })
      .execute();
    await db
      .insertInto('identity_renewals')
      .values({
        certificate_fingerprint: fingerprint,
        enrollment_id: outsider.enrollmentId,
        device_id: outsider.id,
        not_after: new Date(Date.now() + 3 * DAY),
        command_uuid: randomUUID(),
        run_id: 'run-1',
      })
      .execute();
    await db
      .insertInto('vault_secrets')
      .values({
        device_id: outsider.id,
        kind: 'bootstrap-token',
        version: 1,
        state: 'current',
        kek_id: 'test',
        wrapped_key: randomBytes(32),
        ciphertext: randomBytes(32),
        superseded_at: null,
        checked_at: null,
        check_error: null,
        rotation_id: null,
        rotation_failed_at: null,
        rotation_error: null,
      })
      .execute();
  }

  beforeAll(async () => {
    const db = database.core.db;
    app = testAdminApp({ db });
    const team = await insertTeam(db, 'scoped');
    const insider = await insertDevice(db, { name: 'Insider Mac' });
    await db.insertInto('device_teams').values({ device_id: insider, team_id: team!.id }).execute();
    const policy = await db
      .insertInto('policies')
      // latest_version 1: a policy with a stored version (no document is read on these routes).
      .values({ name: 'scope-test', latest_version: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    policyId = policy.id;
    teamAdmin = await tokenFor(db, 'admin', { teamId: team!.id });
    globalAdmin = await tokenFor(db, 'admin');
    const document = (await (await call(app, 'GET', '/openapi.json')).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    paths = Object.entries(document.paths)
      .filter(([, operations]) => operations.get?.['x-keep-scope'] === 'team')
      .map(([path]) => concrete(path));
    // The routes that return device data to a team role; a new one joins this test by being team-scoped.
    expect(paths.length).toBeGreaterThanOrEqual(12);
  });

  it('answers every team-scoped read exactly as if the outside device did not exist', async () => {
    const before = await snapshot(teamAdmin);
    const globalBefore = await snapshot(globalAdmin);
    await insertOutsider();
    expect(await snapshot(teamAdmin)).toEqual(before);
    // Positive control: the outsider's data is there, and a global admin sees it on each device route.
    const globalAfter = await snapshot(globalAdmin);
    const unchanged = paths.filter((path) => globalAfter[path]!.body === globalBefore[path]!.body);
    expect(unchanged).toEqual([]);
  });

  it('keeps the outside device out of the metrics the admin port serves', async () => {
    const metrics = await (await call(app, 'GET', '/metrics')).text();
    expect(metrics).toContain('keep_admin_http_requests_total');
    expect(metrics).not.toContain(outsider.id);
  });
});
