// GET /v1/certificates/expiring and /v1/certificates/renewals against a real core database: what a team-scoped
// operator sees (its devices' identities only) against a global auditor (every kind), and who may not look.
import { randomBytes, randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/test-context.js';
import { call, insertDevice, testAdminApp, tokenFor, type AdminApp } from './support.js';

const DAY = 86_400_000;

describe('certificate lifecycle routes', () => {
  const database = useTestDatabase();
  let app: AdminApp;
  const devices: Array<{ id: string; enrollmentId: string; fingerprint: string }> = [];
  let teamId = '';

  beforeAll(async () => {
    const db = database.core.db;
    app = testAdminApp({ db });
    for (const days of [3, 10]) {
      const enrollmentId = randomUUID();
      const id = await insertDevice(db);
      await db.updateTable('devices').set({ enrollment_id: enrollmentId }).where('id', '=', id).execute();
      const fingerprint = randomBytes(32).toString('hex');
      await db
        .insertInto('certificates')
        .values({
          serial_hex: randomBytes(8).toString('hex'),
          subject: `CN=keep-enrollment-${enrollmentId}`,
          profile: 'device-identity',
          device_id: null,
          enrollment_id: enrollmentId,
          not_before: new Date(Date.now() - DAY),
          not_after: new Date(Date.now() + days * DAY + 60_000),
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
          enrollment_id: enrollmentId,
          device_id: id,
          not_after: new Date(Date.now() + days * DAY),
          command_uuid: randomUUID(),
          run_id: 'run-1',
        })
        .execute();
      devices.push({ id, enrollmentId, fingerprint });
    }
    await db
      .insertInto('push_certificates')
      .values({
        id: randomUUID(),
        topic: 'com.apple.mgmt.External.expiring',
        serial_number: '0A',
        common_name: null,
        not_before: new Date(Date.now() - DAY),
        not_after: new Date(Date.now() + 5 * DAY + 60_000),
        cert_pem: '-----BEGIN CERTIFICATE-----',
        sealed_key: 'sealed',
        uploaded_by: 'test',
      })
      .execute();
    const team = await db
      .insertInto('teams')
      .values({ name: `certificates-${randomUUID()}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    teamId = team.id;
    await db.insertInto('device_teams').values({ device_id: devices[0]!.id, team_id: teamId }).execute();
  });

  const items = async (path: string, token: string) => {
    const res = await call(app, 'GET', path, { token });
    expect(res.status).toBe(200);
    return ((await res.json()) as { items: Array<Record<string, unknown>> }).items;
  };

  it('shows a global auditor every kind expiring within the window, soonest first', async () => {
    const auditor = await tokenFor(database.core.db, 'auditor');
    expect(await items('/v1/certificates/expiring?withinDays=7', auditor)).toEqual([
      expect.objectContaining({ kind: 'device-identity', deviceId: devices[0]!.id, daysLeft: 3 }),
      expect.objectContaining({ kind: 'push', subject: 'com.apple.mgmt.External.expiring', daysLeft: 5 }),
    ]);
    const within30 = await items('/v1/certificates/expiring', auditor);
    expect(within30.map((c) => c.kind)).toEqual(['device-identity', 'push', 'device-identity']);
  });

  it("shows a team operator only its team's device identities and renewals, none of the installation's", async () => {
    const operator = await tokenFor(database.core.db, 'operator', { teamId });
    expect(await items('/v1/certificates/expiring?withinDays=30', operator)).toEqual([
      expect.objectContaining({ kind: 'device-identity', deviceId: devices[0]!.id }),
    ]);
    expect(await items('/v1/certificates/renewals', operator)).toEqual([
      expect.objectContaining({ fingerprint: devices[0]!.fingerprint, status: 'asked', renewedBy: null }),
    ]);
  });

  it('refuses a helpdesk token and a withinDays out of range, naming the field', async () => {
    const helpdesk = await tokenFor(database.core.db, 'helpdesk');
    const refused = await call(app, 'GET', '/v1/certificates/expiring', { token: helpdesk });
    expect(refused.status).toBe(403);
    const auditor = await tokenFor(database.core.db, 'auditor');
    const bad = await call(app, 'GET', '/v1/certificates/expiring?withinDays=0', { token: auditor });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('withinDays');
  });
});
