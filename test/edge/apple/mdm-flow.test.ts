// Apple MDM through the real edge routes, Postgres and Temporal: check-in, relay, device workflow, commands.
import forge from 'node-forge';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { buildPlist, parsePlistDict, type PlistValue } from '../../../core/apple/plist-codec.js';
import { eventually, identityFrom, signedRequest, type Identity } from '../../support/apple-requests.js';
import { signSignedData } from '../../../core/cms/index.js';
import { createLogger } from '../../../core/log/logger.js';
import { createEdgeApp } from '../../../edge/app.js';
import { appleEdgePlatform } from '../../../edge/apple/apple-platform.js';
import { queueCommandOnDevice } from '../../../admin/send-command.js';
import { createTestCa, type TestCa } from '../../support/test-ca.js';
import { useTestPlanes } from '../../support/test-context.js';

const UDID_A = '00008020-000A1B2C3D4E002E';
const UDID_B = '00008020-000B1B2C3D4E002E';

describe('Apple MDM at the edge', () => {
  const planes = useTestPlanes();
  let ca: TestCa;
  let deviceA: Identity;
  let deviceB: Identity;
  const send = (
    path: string,
    message: Record<string, PlistValue>,
    identity?: Identity,
    tamper?: (b: Buffer) => Buffer,
  ) => planes.edgeApp.request(signedRequest(path, message, identity, tamper));

  beforeAll(async () => {
    ca = createTestCa('Keep Test Device CA');
    await planes.trust.installChain([
      {
        der: Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(ca.cert)).getBytes(), 'binary'),
        role: 'issuing',
      },
    ]);
    deviceA = identityFrom(ca, 'device A');
    deviceB = identityFrom(ca, 'device B');
  }, 120_000);

  it('enrols a device: Authenticate and TokenUpdate reach its workflow, which records it and asks for its inventory', async () => {
    const auth = await send(
      '/mdm/checkin',
      {
        MessageType: 'Authenticate',
        UDID: UDID_A,
        Topic: 'com.apple.mgmt.External.test',
        SerialNumber: 'C02TEST0001',
        Model: 'Mac14,2',
        OSVersion: '15.1',
        DeviceName: 'Test Mac',
      },
      deviceA,
    );
    expect(auth.status).toBe(200);
    const token = await send(
      '/mdm/checkin',
      {
        MessageType: 'TokenUpdate',
        UDID: UDID_A,
        Topic: 'com.apple.mgmt.External.test',
        Token: Buffer.alloc(32, 7),
        PushMagic: 'magic-a',
        AwaitingConfiguration: false,
      },
      deviceA,
    );
    expect(token.status).toBe(200);

    const device = await eventually(async () => {
      const row = await planes.database.core.db
        .selectFrom('devices')
        .selectAll()
        .where('udid', '=', UDID_A)
        .executeTakeFirst();
      return row?.enrollment_status === 'enrolled' ? row : undefined;
    });
    expect(device.serial_number).toBe('C02TEST0001');
    expect(device.id).not.toContain(UDID_A);

    // The workflow queued DeviceInformation and SecurityInfo; the device fetches and answers them.
    const first = await eventually(async () => {
      const res = await send('/mdm/connect', { Status: 'Idle', UDID: UDID_A }, deviceA);
      const text = await res.text();
      return text ? parsePlistDict(text) : undefined;
    });
    expect((first.Command as { RequestType: string }).RequestType).toBe('DeviceInformation');
    const second = await send(
      '/mdm/connect',
      {
        Status: 'Acknowledged',
        UDID: UDID_A,
        CommandUUID: first.CommandUUID as string,
        QueryResponses: { DeviceName: 'Renamed Mac', OSVersion: '15.2', SerialNumber: 'C02TEST0001' },
      },
      deviceA,
    );
    // SecurityInfo may still be on its way into the queue: then the next Idle gets it.
    const secondText = await second.text();
    const secondCommand = secondText
      ? parsePlistDict(secondText)
      : await eventually(async () => {
          const text = await (await send('/mdm/connect', { Status: 'Idle', UDID: UDID_A }, deviceA)).text();
          return text ? parsePlistDict(text) : undefined;
        });
    expect((secondCommand.Command as { RequestType: string }).RequestType).toBe('SecurityInfo');
    const done = await send(
      '/mdm/connect',
      {
        Status: 'Acknowledged',
        UDID: UDID_A,
        CommandUUID: secondCommand.CommandUUID as string,
        SecurityInfo: { FDE_Enabled: true, FDE_PersonalRecoveryKeyCMS: Buffer.from('escrowed') },
      },
      deviceA,
    );
    expect(done.status).toBe(200);
    expect(await done.text()).toBe('');

    const updated = await eventually(async () => {
      const row = await planes.database.core.db
        .selectFrom('devices')
        .selectAll()
        .where('id', '=', device.id)
        .executeTakeFirst();
      return row?.os_version === '15.2' && (row.facts as { securityInfo?: unknown }).securityInfo
        ? row
        : undefined;
    });
    expect(updated.name).toBe('Renamed Mac');
    // Inventory every role reads keeps no secret; the command's own result does, behind its permission.
    expect(updated.facts).toMatchObject({
      securityInfo: { FDE_Enabled: true, FDE_PersonalRecoveryKeyCMS: '<redacted>' },
    });
    const commands = await planes.database.core.db
      .selectFrom('device_commands')
      .selectAll()
      .where('device_id', '=', device.id)
      .execute();
    expect(commands.map((c) => c.status).sort()).toEqual(['acknowledged', 'acknowledged']);
    expect(commands.find((c) => c.request_type === 'SecurityInfo')?.result).toMatchObject({
      SecurityInfo: { FDE_PersonalRecoveryKeyCMS: Buffer.from('escrowed').toString('base64') },
    });
  });

  it('delivers a command queued while the device was away at its next check-in, and records the NotNow then the answer', async () => {
    const device = await planes.database.core.db
      .selectFrom('devices')
      .select('id')
      .where('udid', '=', UDID_A)
      .executeTakeFirstOrThrow();
    const plist = buildPlist({ CommandUUID: 'cmd-offline-1', Command: { RequestType: 'ProfileList' } });
    // As the admin API sends it: with the recorded request the device workflow checks.
    const queued = await queueCommandOnDevice(
      { db: planes.database.core.db, temporal: planes.temporal },
      device.id,
      { commandUuid: 'cmd-offline-1', requestType: 'ProfileList', payload: plist, requestedBy: 'test' },
      20_000,
    );
    expect(queued).toMatchObject({ commandUuid: 'cmd-offline-1', status: 'queued', pushed: false });

    const got = parsePlistDict(
      await (await send('/mdm/connect', { Status: 'Idle', UDID: UDID_A }, deviceA)).text(),
    );
    expect(got.CommandUUID).toBe('cmd-offline-1');
    const notNow = await send(
      '/mdm/connect',
      { Status: 'NotNow', UDID: UDID_A, CommandUUID: 'cmd-offline-1' },
      deviceA,
    );
    expect(await notNow.text()).toBe(''); // skipped for the rest of this session
    const again = parsePlistDict(
      await (await send('/mdm/connect', { Status: 'Idle', UDID: UDID_A }, deviceA)).text(),
    );
    expect(again.CommandUUID).toBe('cmd-offline-1');
    await send(
      '/mdm/connect',
      { Status: 'Acknowledged', UDID: UDID_A, CommandUUID: 'cmd-offline-1', ProfileList: [] },
      deviceA,
    );
    // A retried report (the device lost our answer) is stored once.
    await send(
      '/mdm/connect',
      { Status: 'Acknowledged', UDID: UDID_A, CommandUUID: 'cmd-offline-1', ProfileList: [] },
      deviceA,
    );
    const row = await eventually(async () => {
      const r = await planes.database.core.db
        .selectFrom('device_commands')
        .selectAll()
        .where('command_uuid', '=', 'cmd-offline-1')
        .executeTakeFirst();
      return r?.status === 'acknowledged' ? r : undefined;
    });
    expect(row.request_type).toBe('ProfileList');
  });

  it('accepts the device certificate from a trusted TLS-terminating proxy (RFC 9440 Client-Cert), and only from it', async () => {
    const deps = planes.edge.platformDeps;
    const apple = appleEdgePlatform.start({
      ...deps,
      settings: { ...deps.settings, trustedProxies: ['10.9.8.7'] },
    });
    onTestFinished(() => apple.close());
    const proxied = createEdgeApp({
      log: createLogger('test', 'silent'),
      temporal: planes.temporal,
      coreTaskQueue: planes.edgeConfig.edge.coreTaskQueue,
      edgeTaskQueue: planes.edgeConfig.edge.taskQueue,
      probeEnabled: false,
      healthProbes: {},
      maxBodyBytes: planes.edgeConfig.edge.maxBodyBytes,
      platformRoutes: [apple.routes],
    });
    const viaProxy = identityFrom(ca, 'device behind proxy');
    const request = (from: string) => {
      const unsigned = signedRequest(
        '/mdm/checkin',
        { MessageType: 'Authenticate', UDID: 'PROXIED-1', Topic: 'com.apple.mgmt.External.test' },
        undefined,
      );
      const headers = new Headers(unsigned.headers);
      headers.set('client-cert', `:${viaProxy.cert.toString('base64')}:`);
      return proxied.request(new Request(unsigned, { headers }), undefined, {
        incoming: { socket: { remoteAddress: from } },
      });
    };
    expect((await request('192.0.2.10')).status).toBe(401);
    expect((await request('10.9.8.7')).status).toBe(200);
  });

  describe('refuses spoofing and bad input with a 4xx, storing nothing', () => {
    const countOutbox = async () =>
      Number(
        (
          await planes.database.edge.db
            .selectFrom('outbox')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    /** A body the test writes by hand (plist building would refuse it), signed by device A. */
    const sendRaw = (path: string, raw: string) => {
      const body = Buffer.from(raw);
      const sig = signSignedData({
        content: body,
        detached: true,
        signerCertificate: deviceA.cert,
        signerKey: deviceA.key,
      });
      return planes.edgeApp.request(
        new Request(`http://edge${path}`, {
          method: 'PUT',
          headers: { 'mdm-signature': sig.toString('base64') },
          body,
        }),
      );
    };

    it('a request signed by device A claiming device B', async () => {
      await send(
        '/mdm/checkin',
        { MessageType: 'Authenticate', UDID: UDID_B, Topic: 'com.apple.mgmt.External.test' },
        deviceB,
      );
      const before = await countOutbox();
      const asB = await send(
        '/mdm/checkin',
        {
          MessageType: 'TokenUpdate',
          UDID: UDID_B,
          Topic: 'com.apple.mgmt.External.test',
          Token: Buffer.alloc(32, 1),
          PushMagic: 'x',
          AwaitingConfiguration: false,
        },
        deviceA,
      );
      expect(asB.status).toBe(403);
      const authAsB = await send(
        '/mdm/checkin',
        { MessageType: 'Authenticate', UDID: UDID_B, Topic: 'com.apple.mgmt.External.test' },
        deviceA,
      );
      expect(authAsB.status).toBe(403);
      const connectAsB = await send('/mdm/connect', { Status: 'Idle', UDID: UDID_B }, deviceA);
      expect(connectAsB.status).toBe(403);
      expect(await countOutbox()).toBe(before);
    });

    it('a certificate from another CA', async () => {
      const stranger = identityFrom(createTestCa('Some Other CA'), 'stranger');
      const res = await send(
        '/mdm/checkin',
        { MessageType: 'Authenticate', UDID: 'STRANGER', Topic: 'com.apple.mgmt.External.test' },
        stranger,
      );
      expect(res.status).toBe(403);
      expect(
        await planes.database.edge.db
          .selectFrom('apple_enrollments')
          .select('id')
          .where('udid', '=', 'STRANGER')
          .executeTakeFirst(),
      ).toBeUndefined();
    });

    it('a missing, truncated or non-base64 Mdm-Signature, and a body changed after signing', async () => {
      const message = { MessageType: 'Authenticate', UDID: 'NOSIG', Topic: 'com.apple.mgmt.External.test' };
      expect((await send('/mdm/checkin', message)).status).toBe(401);
      const good = signedRequest('/mdm/checkin', message, deviceA);
      const signature = good.headers.get('mdm-signature')!;
      const body = await good.arrayBuffer();
      for (const bad of [signature.slice(0, 40), 'not*base64!', '']) {
        const res = await planes.edgeApp.request(
          new Request('http://edge/mdm/checkin', { method: 'PUT', headers: { 'mdm-signature': bad }, body }),
        );
        expect(res.status, bad).toBeGreaterThanOrEqual(400);
        expect(res.status, bad).toBeLessThan(500);
      }
      const tampered = await send('/mdm/checkin', message, deviceA, (b) =>
        Buffer.from(b.toString().replace('NOSIG', 'NOSIH')),
      );
      expect(tampered.status).toBe(403);
    });

    it('a message before Authenticate', async () => {
      const fresh = identityFrom(ca, 'fresh');
      const res = await send('/mdm/connect', { Status: 'Idle', UDID: 'NEVER-AUTHENTICATED' }, fresh);
      expect(res.status).toBe(403);
    });

    it('hostile plists: entities, __proto__ keys, 10,000-deep nesting, unknown message types, oversized bodies', async () => {
      const before = await countOutbox();
      const sign = (raw: string) => sendRaw('/mdm/checkin', raw);
      const entity = `<?xml version="1.0"?><!DOCTYPE plist [<!ENTITY x "y">]><plist version="1.0"><dict><key>MessageType</key><string>&x;</string></dict></plist>`;
      const proto = `<?xml version="1.0"?><plist version="1.0"><dict><key>__proto__</key><dict><key>polluted</key><true/></dict><key>MessageType</key><string>Authenticate</string></dict></plist>`;
      const deep = `<?xml version="1.0"?><plist version="1.0">${'<array>'.repeat(10_000)}${'</array>'.repeat(10_000)}</plist>`;
      const unknown = buildPlist({ MessageType: 'Teleport', UDID: UDID_A });
      for (const raw of [entity, proto, deep, unknown, 'garbage']) {
        const res = await sign(raw);
        expect(res.status, raw.slice(0, 60)).toBe(400);
      }
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      const huge = await planes.edgeApp.request(
        new Request('http://edge/mdm/checkin', { method: 'PUT', body: 'x'.repeat(2 * 1024 * 1024) }),
      );
      expect(huge.status).toBe(413);
      expect(await countOutbox()).toBe(before);
    });

    it('a command report with an invalid <date>: 400 naming it, and neither the result nor an event kept', async () => {
      const before = await countOutbox();
      const results = () =>
        planes.database.edge.db
          .selectFrom('command_results')
          .select('command_uuid')
          .where('command_uuid', '=', 'cmd-bad-date')
          .execute();
      const raw = `<?xml version="1.0"?><plist version="1.0"><dict>
        <key>Status</key><string>Acknowledged</string><key>UDID</key><string>${UDID_A}</string>
        <key>CommandUUID</key><string>cmd-bad-date</string>
        <key>QueryResponses</key><dict><key>LastCloudBackupDate</key><date>yesterday-ish</date></dict>
        </dict></plist>`;
      const res = await sendRaw('/mdm/connect', raw);
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/date/);
      expect(await results()).toEqual([]);
      expect(await countOutbox()).toBe(before);
    });

    it('a revoked identity on every endpoint', async () => {
      await planes.trust.revoke([
        {
          fingerprint: (await import('node:crypto')).createHash('sha256').update(deviceB.cert).digest('hex'),
          serial: '01',
          revokedAt: new Date(),
        },
      ]);
      expect((await send('/mdm/connect', { Status: 'Idle', UDID: UDID_B }, deviceB)).status).toBe(403);
      expect(
        (
          await send(
            '/mdm/checkin',
            { MessageType: 'Authenticate', UDID: UDID_B, Topic: 'com.apple.mgmt.External.test' },
            deviceB,
          )
        ).status,
      ).toBe(403);
    });
  });
});
