// Zero-touch enrollment end to end: the admin imports the ABM server token, the dep-sync run records the devices the
// fake ABM assigns to Keep and assigns them the zero-touch profile; a simulated Mac in Setup Assistant fetches its
// profile, enrols through the real edge (HTTPS), Temporal and core, joins its owner's teams from a real slapd, and
// gets DeviceConfigured once its baseline is acknowledged. With `vault.localAdmin` the Mac also gets a hidden managed
// admin in Setup Assistant (AccountConfiguration), whose password is vaulted, revealed once and rotated
// (SetAutoAdminPassword); the simulated Mac checks each password against the hash it was given.
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createServer } from 'node:https';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookSignature } from '../../activities/webhook/signed-webhook.js';
import { startCoreWorker } from '../../activities/core-worker.js';
import type { createAdminApp } from '../../admin/app.js';
import { generateToken } from '../../admin/auth/token-hash.js';
import { createVault } from '../../activities/vault/vault.js';
import { createTokenKeyPair } from '../../core/apple/dep/index.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { keyRingKms } from '../../core/vault/key-ring-kms.js';
import { buildPlist } from '../../core/apple/plist-codec.js';
import { pemBlocks } from '../../core/pki/pem.js';
import { createFakeApns, type RunningFakeApns } from '../fakes/apns/fake-apns.js';
import { createFakeDep } from '../fakes/dep/fake-dep.js';
import { serverTokenFile, testServerToken } from '../fakes/dep/server-token-file.js';
import { passwordOpens } from '../sim/apple/local-admin-account.js';
import { SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { eventually } from '../support/apple-requests.js';
import { addGroup, addUser, groupDn, userDn } from '../support/directory-seed.js';
import { freePort } from '../support/global-setup.js';
import { planesAdminApp } from '../support/planes-admin.js';
import { decodedHistoryText, edgeDatabaseText } from '../support/secret-search.js';
import { createTestPushCertificate } from '../support/push-cert.js';
import { slapdInstalled, startSlapd, type Slapd } from '../support/slapd.js';
import { createTestCa, issueLoopbackServerCertificate } from '../support/test-ca.js';
import { useTestPlanes } from '../support/test-context.js';

/** A bound, not a speed claim: RSA keys made by other test files can starve this process for seconds. */
const WAIT_MS = 120_000;

describe.skipIf(!slapdInstalled())(
  'zero-touch enrollment through Apple Business Manager',
  { timeout: 300_000 },
  () => {
    const adminToken = generateToken();
    const depToken = testServerToken();
    const dep = createFakeDep(depToken);
    const tlsCa = createTestCa('Keep Test TLS CA');
    const pushCa = createTestCa('Keep Test Push CA');
    const apns = createFakeApns({ clientCaPem: pushCa.certPem });
    let runningApns: RunningFakeApns;
    let runningDep: { url: string; close(): Promise<void> };
    let slapd: Slapd;
    let port: number;
    let server: ServerType;
    let admin: ReturnType<typeof createAdminApp>;
    let serverId: string;
    const devices: SimulatedAppleDevice[] = [];
    const webhookSecret = 'onboarding-webhook-secret-of-32-bytes!';
    const webhooks: { headers: IncomingHttpHeaders; body: string }[] = [];
    const receiver = createHttpServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        webhooks.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    let receiverPort: number;

    const api = (method: string, path: string, body?: unknown) =>
      admin.request(path, {
        method,
        headers: {
          authorization: `Bearer ${adminToken}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });

    beforeAll(async () => {
      [runningApns, runningDep, slapd, port] = await Promise.all([
        apns.start(),
        dep.start(),
        startSlapd(),
        freePort(),
      ]);
      receiverPort = await freePort();
      await new Promise<void>((resolve) => receiver.listen(receiverPort, '127.0.0.1', resolve));
      for (const uid of ['alice', 'bob']) await addUser(slapd, { uid, mail: `${uid}@keep.test` });
      await addGroup(slapd, { cn: 'platform', members: [userDn(slapd, 'bob')] });
      await addGroup(slapd, {
        cn: 'engineering',
        members: [userDn(slapd, 'alice'), groupDn(slapd, 'platform')],
      });
    }, 60_000);

    const planes = useTestPlanes(() => ({
      apns: { url: runningApns.url, caPem: runningApns.caPem },
      edgePublicUrl: `https://127.0.0.1:${port}`,
      coreEnv: {
        KEEP_DEP_URL: runningDep.url,
        KEEP_DEP_TEAM_RULES: 'engineering=Engineering,platform=Platform',
        KEEP_DIRECTORY_URL: slapd.url,
        KEEP_DIRECTORY_KIND: 'openldap',
        KEEP_DIRECTORY_BIND_DN: slapd.adminDn,
        KEEP_DIRECTORY_BIND_PASSWORD: slapd.adminPassword,
        KEEP_DIRECTORY_BASE_DN: slapd.baseDn,
        KEEP_DIRECTORY_CA_FILE: slapd.caFile,
        KEEP_DEP_ONBOARDING_WEBHOOK_URL: `http://127.0.0.1:${receiverPort}/keep-events`,
        KEEP_DEP_ONBOARDING_WEBHOOK_SECRET: webhookSecret,
        KEEP_VAULT_LOCAL_ADMIN: 'true',
        KEEP_VAULT_ROTATION_RETRY_SECONDS: '1',
      },
    }));

    beforeAll(async () => {
      const tls = issueLoopbackServerCertificate(tlsCa);
      server = await new Promise<ServerType>((resolve) => {
        const s: ServerType = serve(
          {
            fetch: planes.edgeApp.fetch,
            hostname: '127.0.0.1',
            port,
            createServer,
            serverOptions: { cert: tls.certPem, key: tls.keyPem },
          },
          () => resolve(s),
        );
      });
      admin = planesAdminApp(planes, adminToken);
      const push = createTestPushCertificate({ ca: pushCa });
      const imported = await api('POST', '/v1/push-certificate', {
        certPem: push.certPem,
        keyPem: push.keyPem,
      });
      const { workflowId } = (await imported.json()) as { workflowId: string };
      await planes.temporal.workflow.getHandle(workflowId).result();
    }, 120_000);

    afterAll(async () => {
      for (const device of devices) device.close();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      await Promise.all([runningApns?.close(), runningDep?.close(), slapd?.close()]);
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    });

    /** What a device in Setup Assistant posts to the profile's `url` (unsigned here; Apple's devices sign it). */
    const machineInfo = (serial: string, udid: string) =>
      planes.edgeApp.request('/mdm/dep/enroll', {
        method: 'POST',
        headers: { 'content-type': 'application/pkcs7-signature' },
        body: buildPlist({
          SERIAL: serial,
          UDID: udid,
          PRODUCT: 'Mac14,2',
          VERSION: '23A344',
          LANGUAGE: 'en',
        }),
      });

    async function zeroTouchOf(deviceId: string) {
      return planes.database.core.db
        .selectFrom('zero_touch_enrollments')
        .selectAll()
        .where('device_id', '=', deviceId)
        .executeTakeFirst();
    }

    async function enrolledDeviceId(device: SimulatedAppleDevice): Promise<string> {
      const row = await eventually(
        () =>
          planes.database.core.db
            .selectFrom('devices')
            .select('id')
            .where('udid', '=', device.udid)
            .executeTakeFirst(),
        WAIT_MS,
      );
      return row.id;
    }

    it('imports the ABM server token through the admin API and stores it only sealed', async () => {
      const created = await api('POST', '/v1/apple/dep/servers');
      expect(created.status).toBe(201);
      const entry = (await created.json()) as { id: string; certificatePem: string; tokenExpiresAt: null };
      serverId = entry.id;
      expect(entry.tokenExpiresAt).toBeNull();
      const certificate = pemBlocks(entry.certificatePem, 'CERTIFICATE')[0]!;

      const elsewhere = createTokenKeyPair({ organization: 'Elsewhere', now: new Date() });
      const foreign = serverTokenFile(elsewhere.certificate, depToken);
      const refused = await api('PUT', `/v1/apple/dep/servers/${serverId}/token`, {
        p7m: foreign.toString('base64'),
      });
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { error: string }).error).toMatch(/decrypted/);

      const imported = await api('PUT', `/v1/apple/dep/servers/${serverId}/token`, {
        p7m: serverTokenFile(certificate, depToken).toString('base64'),
      });
      expect(imported.status).toBe(200);
      expect(((await imported.json()) as { tokenExpiresAt: string }).tokenExpiresAt).toBe(
        depToken.accessTokenExpiry.toISOString(),
      );
      const row = await planes.database.core.db
        .selectFrom('dep_servers')
        .select(['sealed_token', 'sealed_key'])
        .executeTakeFirstOrThrow();
      for (const secret of [depToken.consumerSecret, depToken.tokenSecret, depToken.token])
        expect(row.sealed_token).not.toContain(secret);
      expect(row.sealed_key).not.toContain('PRIVATE KEY');
    });

    it('syncs the devices ABM assigns and gives new ones the zero-touch profile', async () => {
      dep.addDevices(
        { serial_number: 'C02ZT0000001', model: 'MacBook Air', os: 'OSX', device_family: 'Mac' },
        { serial_number: 'C02ZT0000002', model: 'MacBook Pro', os: 'OSX', device_family: 'Mac' },
        { serial_number: 'C02ZT0000003', model: 'MacBook Pro', os: 'OSX', device_family: 'Mac' },
        { serial_number: 'C02ZT0000004', model: 'iPhone', os: 'iOS', device_family: 'iPhone' },
      );
      const synced = await api('POST', '/v1/apple/dep/sync');
      expect(synced.status).toBe(200);
      expect(await synced.json()).toMatchObject({ servers: 1, added: 4, assigned: 4, restarted: false });
      const [profileUuid, profile] = [...dep.profiles.entries()][0]!;
      expect(profile).toMatchObject({
        url: `https://127.0.0.1:${port}/mdm/dep/enroll`,
        is_mandatory: true,
        await_device_configured: true,
      });
      expect(dep.device('C02ZT0000001')?.profile_uuid).toBe(profileUuid);

      // The next run continues from the saved cursor: the assignments come back as modifications, nothing is new.
      const again = (await (await api('POST', '/v1/apple/dep/sync')).json()) as {
        added: number;
        assigned: number;
      };
      expect(again).toMatchObject({ added: 0, assigned: 0 });
    });

    it('starts over with a full fetch when Apple says the cursor expired', async () => {
      dep.expireCursors();
      const synced = (await (await api('POST', '/v1/apple/dep/sync')).json()) as { restarted: boolean };
      expect(synced.restarted).toBe(true);
      const entry = (await (await api('GET', `/v1/apple/dep/servers/${serverId}`)).json()) as {
        lastError: string | null;
      };
      expect(entry.lastError).toBeNull();
    });

    it('ends a run when Apple hands back the same cursor with nothing new, instead of asking again', async () => {
      dep.setRepeatSyncCursor(true);
      const before = dep.requests.filter((r) => r.path === '/devices/sync').length;
      expect((await api('POST', '/v1/apple/dep/sync')).status).toBe(200);
      expect((await api('POST', '/v1/apple/dep/sync')).status).toBe(200);
      // Each run: one page with the changes since the cursor, at most one that repeats it, then it stops.
      expect(dep.requests.filter((r) => r.path === '/devices/sync').length - before).toBeLessThanOrEqual(4);
      dep.setRepeatSyncCursor(false);
    });

    it('stops a run at once when ABM needs its administrator, and says why on the server entry', async () => {
      dep.setTermsSigned(false);
      try {
        expect((await api('POST', '/v1/apple/dep/sync')).status).toBe(503);
        const entry = (await (await api('GET', `/v1/apple/dep/servers/${serverId}`)).json()) as {
          lastError: string;
        };
        expect(entry.lastError).toMatch(/^terms-not-signed/);
      } finally {
        dep.setTermsSigned(true);
      }
      expect((await api('POST', '/v1/apple/dep/sync')).status).toBe(200);
    });

    it('refuses a profile to a serial ABM does not assign to Keep', async () => {
      const answer = await machineInfo('C02UNKNOWN99', 'UNKNOWN-UDID');
      expect(answer.status).toBe(403);
      expect(await answer.text()).toMatch(/not assigned/);
    });

    it('enrols a Mac in Setup Assistant, puts it in its owner’s teams, and sends DeviceConfigured after its baseline', async () => {
      expect(
        (await api('PUT', '/v1/apple/dep/devices/C02ZT0000001/owner', { owner: 'bob@keep.test' })).status,
      ).toBe(204);
      const mac = new SimulatedAppleDevice({
        kind: 'mac',
        state: { serialNumber: 'C02ZT0000001', awaitingConfiguration: true },
      });
      devices.push(mac);
      const profile = await machineInfo(mac.state.serialNumber, mac.udid);
      expect(profile.status).toBe(200);
      await mac.enrollFromProfile(new Uint8Array(await profile.arrayBuffer()), {
        edgeCa: tlsCa.certPem,
        fakeApns: apns,
      });
      const deviceId = await enrolledDeviceId(mac);
      const done = await eventually(async () => {
        const row = await zeroTouchOf(deviceId);
        return row?.status === 'configured' || row?.status === 'failed' ? row : undefined;
      }, WAIT_MS);
      expect(done).toMatchObject({ status: 'configured', reason: 'baseline acknowledged' });
      expect(mac.state.awaitingConfiguration).toBe(false);
      // bob is in platform, and platform is nested in engineering.
      expect(done.teams).toEqual(['Engineering', 'Platform']);
      const teams = await planes.database.core.db
        .selectFrom('device_teams')
        .innerJoin('teams', 'teams.id', 'device_teams.team_id')
        .select('teams.name')
        .where('device_teams.device_id', '=', deviceId)
        .orderBy('teams.name')
        .execute();
      expect(teams.map((t) => t.name)).toEqual(['Engineering', 'Platform']);
      const commands = await planes.database.core.db
        .selectFrom('device_commands')
        .select(['request_type', 'status'])
        .where('device_id', '=', deviceId)
        .execute();
      expect(commands).toContainEqual({ request_type: 'DeviceConfigured', status: 'acknowledged' });

      const shown = (await (await api('GET', `/v1/apple/zero-touch/${done.enrollment_id}`)).json()) as {
        status: string;
        teams: string[];
      };
      expect(shown).toMatchObject({ status: 'configured', teams: ['Engineering', 'Platform'] });
    });

    describe('the managed local admin (LAPS) of the first Mac', () => {
      const passwords: string[] = [];
      let mac: SimulatedAppleDevice;
      let deviceId: string;
      const vault = () =>
        createVault({
          db: planes.database.core.db,
          kms: keyRingKms(KeyRing.parse(planes.coreConfig.core.secretKeys)),
        });
      const current = async () => (await vault().readCurrent(deviceId, 'local-admin'))?.toString();
      const versions = () =>
        planes.database.core.db
          .selectFrom('vault_secrets')
          .select(['version', 'state'])
          .where('device_id', '=', deviceId)
          .where('kind', '=', 'local-admin')
          .orderBy('version')
          .execute();
      const listed = async () => {
        const answer = (await (await api('GET', `/v1/devices/${deviceId}/secrets`)).json()) as {
          items: Record<string, unknown>[];
        };
        return answer.items.find((i) => i.kind === 'local-admin');
      };
      const opens = (password: string) => passwordOpens(mac.state.localAdmin!.hash, password);
      async function reveal(reason: string): Promise<string> {
        const asked = await api('POST', `/v1/devices/${deviceId}/secrets/local-admin/reveal-requests`, {
          reason,
        });
        expect(asked.status).toBe(201);
        const { id } = (await asked.json()) as { id: string };
        const shown = await api('POST', `/v1/secret-reveal-requests/${id}/reveal`);
        expect(shown.status).toBe(200);
        return ((await shown.json()) as { secret: string }).secret;
      }
      const rotatedFrom = (previous: string) =>
        eventually(async () => {
          const now = await current();
          return now && now !== previous ? now : undefined;
        }, WAIT_MS);

      it('creates a hidden admin in Setup Assistant whose password the vault holds, checked by the Mac', async () => {
        mac = devices[0]!;
        deviceId = await enrolledDeviceId(mac);
        expect(mac.state.localAdmin).toMatchObject({ shortName: 'keepadmin', hidden: true });
        const password = await eventually(current, WAIT_MS);
        expect(password).toMatch(/^([A-Z2-9]{4}-){5}[A-Z2-9]{4}$/);
        // The Mac derives the password with the salt and iterations it was sent; a wrong one does not open it.
        expect(opens(password)).toBe(true);
        expect(opens(`${password}x`)).toBe(false);
        expect(await versions()).toEqual([{ version: 1, state: 'current' }]);
        expect(await listed()).toMatchObject({ version: 1, valid: true, rotationError: null });
        // The Mac reported the account's GUID, which SetAutoAdminPassword names it by.
        const { facts } = await planes.database.core.db
          .selectFrom('devices')
          .select('facts')
          .where('id', '=', deviceId)
          .executeTakeFirstOrThrow();
        expect(JSON.stringify(facts)).toContain(mac.state.localAdmin!.guid);
        passwords.push(password);
      });

      it('reveals the password once, then rotates it on the Mac with SetAutoAdminPassword', async () => {
        expect(await reveal('help desk needs admin rights')).toBe(passwords[0]);
        const rotated = await rotatedFrom(passwords[0]!);
        expect(opens(rotated)).toBe(true);
        expect(opens(passwords[0]!)).toBe(false);
        expect(await versions()).toEqual([
          { version: 1, state: 'superseded' },
          { version: 2, state: 'current' },
        ]);
        passwords.push(rotated);
      });

      it('keeps the previous password current and flagged when the Mac refuses, and retries', async () => {
        mac.state.refusing = new Set(['SetAutoAdminPassword']);
        expect(await reveal('second look')).toBe(passwords[1]);
        const flagged = await eventually(async () => {
          const row = await listed();
          return row?.rotationError ? row : undefined;
        }, WAIT_MS);
        expect(flagged).toMatchObject({
          version: 2,
          valid: true,
          rotationError: 'the device answered Error',
        });
        expect(await current()).toBe(passwords[1]);
        expect(opens(passwords[1]!)).toBe(true);

        mac.state.refusing = undefined;
        const retried = await rotatedFrom(passwords[1]!);
        expect(opens(retried)).toBe(true);
        expect(await listed()).toMatchObject({ rotationError: null, rotationFailedAt: null });
        passwords.push(retried);
      });

      it('rotates a password older than vault.localAdminRotationDays on the hourly sweep', async () => {
        // Thirty-one days pass for the current version.
        await planes.database.core.db
          .updateTable('vault_secrets')
          .set({ created_at: new Date(Date.now() - 31 * 86_400_000) })
          .where('device_id', '=', deviceId)
          .where('kind', '=', 'local-admin')
          .where('state', '=', 'current')
          .execute();
        await planes.temporal.schedule
          .getHandle(workflowIds.secretRotationSweep(planes.coreConfig.core.taskQueue))
          .trigger();
        const rotated = await rotatedFrom(passwords[2]!);
        expect(opens(rotated)).toBe(true);
        passwords.push(rotated);
      });

      it('leaves the passwords nowhere in the edge database or any decoded Temporal payload', async () => {
        const { text } = await edgeDatabaseText(planes);
        const haystack = await decodedHistoryText(planes);
        // Positive controls: the commands that carried the hashes are in both places the search looks.
        const commands = await planes.database.core.db
          .selectFrom('device_commands')
          .select('command_uuid')
          .where('device_id', '=', deviceId)
          .where('request_type', 'in', ['AccountConfiguration', 'SetAutoAdminPassword'])
          .execute();
        expect(commands.length).toBeGreaterThanOrEqual(passwords.length);
        for (const { command_uuid } of commands) expect(text).toContain(command_uuid);
        expect(haystack).toContain(deviceId);
        for (const password of passwords)
          for (const form of [password, Buffer.from(password).toString('base64')]) {
            expect(text.includes(form), form).toBe(false);
            expect(haystack.includes(form), form).toBe(false);
          }
        // Nor the hash the Mac keeps (whoever holds it can guess offline).
        const entropy = mac.state.localAdmin!.hash.entropy.toString('base64');
        expect(text.includes(entropy) || haystack.includes(entropy)).toBe(false);
      });
    });

    it('finishes an enrollment whose owner lookup met a directory outage once the directory is back', async () => {
      await addUser(slapd, { uid: 'erin', mail: 'erin@keep.test' });
      await addGroup(slapd, { cn: 'design', members: [userDn(slapd, 'erin')] });
      expect((await api('PUT', '/v1/apple/dep/devices/C02ZT0000002/owner', { owner: 'erin' })).status).toBe(
        204,
      );
      await slapd.stop();
      const mac = new SimulatedAppleDevice({
        kind: 'mac',
        state: { serialNumber: 'C02ZT0000002', awaitingConfiguration: true },
      });
      devices.push(mac);
      const profile = await machineInfo(mac.state.serialNumber, mac.udid);
      await mac.enrollFromProfile(new Uint8Array(await profile.arrayBuffer()), {
        edgeCa: tlsCa.certPem,
        fakeApns: apns,
      });
      const deviceId = await enrolledDeviceId(mac);
      const waiting = await eventually(async () => {
        const row = await zeroTouchOf(deviceId);
        return row?.status === 'awaiting-configuration' ? row : undefined;
      }, WAIT_MS);
      expect(waiting.owner_user_id).toBeNull();
      expect(mac.state.awaitingConfiguration).toBe(true);

      await slapd.start();
      const done = await eventually(async () => {
        const row = await zeroTouchOf(deviceId);
        return row?.status === 'configured' || row?.status === 'failed' ? row : undefined;
      }, WAIT_MS);
      expect(done.status).toBe('configured');
      expect(done.owner_user_id).not.toBeNull();
      expect(mac.state.awaitingConfiguration).toBe(false);
    });

    it('lets an onboarding system pre-stage a device for a new hire, idempotently, and signs the webhook that follows', async () => {
      const created = await api('POST', '/v1/tokens', { name: 'hr', role: 'onboarding', expiresInDays: 1 });
      const { token } = (await created.json()) as { token: string };
      const onboard = (body: unknown) =>
        admin.request('/v1/onboarding', {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      const request = {
        key: 'hire-4711',
        person: { email: 'alice@keep.test' },
        device: { serialNumber: 'C02ZT0000004' },
      };
      const first = await onboard(request);
      expect(first.status).toBe(201);
      const again = await onboard({ device: request.device, person: request.person, key: request.key });
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual(await first.json());
      expect((await onboard({ ...request, person: { email: 'bob@keep.test' } })).status).toBe(409);
      const unknown = await onboard({ ...request, key: 'hire-4712', device: { serialNumber: 'NOPE' } });
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as { error: string }).error).toContain('device.serialNumber');
      // The onboarding role pre-stages and nothing else.
      expect(
        (await admin.request('/v1/devices', { headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(403);

      const phone = new SimulatedAppleDevice({
        kind: 'iphone',
        state: { serialNumber: 'C02ZT0000004', awaitingConfiguration: true },
      });
      devices.push(phone);
      const profile = await machineInfo(phone.state.serialNumber, phone.udid);
      await phone.enrollFromProfile(new Uint8Array(await profile.arrayBuffer()), {
        edgeCa: tlsCa.certPem,
        fakeApns: apns,
      });
      const deviceId = await enrolledDeviceId(phone);
      const webhook = await eventually(async () => webhooks[0], WAIT_MS);
      const event = JSON.parse(webhook.body) as Record<string, string>;
      expect(event).toMatchObject({ event: 'device.configured', key: 'hire-4711', deviceId });
      const signature = String(webhook.headers['keep-signature']);
      const at = new Date(Number(/t=(\d+)/.exec(signature)![1]) * 1000);
      expect(signature).toBe(webhookSignature(webhookSecret, webhook.body, at));
      expect((await zeroTouchOf(deviceId))?.teams).toEqual(['Engineering']);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(webhooks).toHaveLength(1);
    });

    it('finishes an enrollment the core worker was stopped in the middle of, once a new worker runs', async () => {
      const mac = new SimulatedAppleDevice({
        kind: 'mac',
        state: { serialNumber: 'C02ZT0000003', awaitingConfiguration: true },
      });
      devices.push(mac);
      const profile = await machineInfo(mac.state.serialNumber, mac.udid);
      await mac.enrollFromProfile(new Uint8Array(await profile.arrayBuffer()), {
        edgeCa: tlsCa.certPem,
        fakeApns: apns,
      });
      // Stopped, not closed: the planes close its connection and database at the end.
      planes.coreWorker.worker.shutdown();
      await planes.coreWorker.done;
      // The device's events wait at the edge while no core worker runs (the core writes the device row).
      const replacement = await startCoreWorker(planes.coreConfig, planes.coreConfig.core.workflowBundle);
      try {
        const deviceId = await enrolledDeviceId(mac);
        const done = await eventually(async () => {
          const row = await zeroTouchOf(deviceId);
          return row?.status === 'configured' || row?.status === 'failed' ? row : undefined;
        }, WAIT_MS);
        expect(done.status).toBe('configured');
        expect(mac.state.awaitingConfiguration).toBe(false);
      } finally {
        await replacement.close();
      }
    });

    it('answers 404 for an ABM server entry or a zero-touch enrollment that does not exist', async () => {
      expect((await api('GET', '/v1/apple/dep/servers/not-a-uuid')).status).toBe(404);
      expect((await api('GET', `/v1/apple/zero-touch/${crypto.randomUUID()}`)).status).toBe(404);
    });

    it('never puts a serial number into a workflow id', async () => {
      for await (const workflow of planes.temporal.workflow.list()) {
        expect(workflow.workflowId).not.toMatch(/C02ZT|C02UNKNOWN/);
      }
    });
  },
);
