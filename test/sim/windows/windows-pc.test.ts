import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { windowsAdminPlatform } from '../../../admin/windows/windows-platform.js';
import { createEdgeApp } from '../../../edge/app.js';
import { windowsEdgePlatform } from '../../../edge/windows/windows-platform.js';
import { createLogger } from '../../../core/log/logger.js';
import { queueCommandOnDevice } from '../../../admin/send-command.js';
import { opensslVerify } from '../../support/openssl-verify.js';
import { buildCsr, pem } from '../scep/x509-builder.js';
import { requestSecurityTokenRequest } from './enrollment-messages.js';
import type { TestPlanes } from '../../support/planes.js';
import type { ServedEdge } from '../../support/served-edge.js';
import { slapdInstalled } from '../../support/slapd.js';
import { createTestCa, issueCertificate } from '../../support/test-ca.js';
import { SimulatedPc } from './simulated-pc.js';
import { PASSWORD, startWindowsEnvironment, type WindowsEnvironment } from './windows-environment.js';

describe.skipIf(!slapdInstalled())('a simulated Windows PC against the real edge, core and directory', () => {
  let env: WindowsEnvironment;
  let planes: TestPlanes;
  let served: ServedEdge;
  const pcs: SimulatedPc[] = [];

  beforeAll(async () => {
    env = await startWindowsEnvironment({ users: ['ada', 'bob', 'carol'] });
    ({ planes, served } = env);
  });
  afterAll(async () => {
    pcs.forEach((pc) => pc.close());
    await env?.close();
  });

  function newPc(options: { maxAnswersPerMessage?: number } = {}): SimulatedPc {
    const pc = new SimulatedPc({ edgeCa: env.tlsCa.certPem, ...options });
    pcs.push(pc);
    return pc;
  }

  async function enrolled(options: { maxAnswersPerMessage?: number } = {}) {
    const pc = newPc(options);
    const result = await pc.enroll(served.baseUrl, { username: 'ada', password: PASSWORD });
    if (!result.ok) throw new Error(`enrolment failed: ${result.fault}`);
    const enrollment = await planes.database.edge.db
      .selectFrom('windows_enrollments')
      .selectAll()
      .where('hardware_id', '=', pc.deviceId)
      .executeTakeFirstOrThrow();
    return { pc, enrollment };
  }

  const openCommands = (enrollmentId: string) =>
    planes.database.edge.db
      .selectFrom('windows_commands')
      .selectAll()
      .where('enrollment_id', '=', enrollmentId)
      .where('status', '=', 'queued')
      .execute();

  it('enrols with directory credentials and gets a device identity that openssl verifies against Keep’s chain', async () => {
    const { pc, enrollment } = await enrolled();
    const { verdict, text } = opensslVerify(pem(pc.provisioned!.deviceCertDer), planes.trust.chain());
    expect(verdict).toContain('leaf.pem: OK');
    expect(text).toMatch(new RegExp(`Subject: .*CN ?= ?${enrollment.device_id}`));
    expect(text).toContain(`URI:urn:keep:enrollment:${enrollment.id}`);
    expect(text).toContain('TLS Web Client Authentication');
    expect(pc.provisioned!.rootCertDer.equals(planes.trust.chain().at(-1)!)).toBe(true);
    expect(pc.provisioned!.managementUrl).toBe(`${served.baseUrl}/ManagementServer/MDM.svc`);
    await vi.waitFor(
      async () => {
        const device = await planes.database.core.db
          .selectFrom('devices')
          .selectAll()
          .where('id', '=', enrollment.device_id)
          .executeTakeFirstOrThrow();
        expect(device).toMatchObject({ platform: 'windows', udid: pc.deviceId });
      },
      { timeout: 20_000, interval: 100 },
    );
  });

  it('refuses a wrong password with s:Authentication and opens no enrolment', async () => {
    const pc = newPc();
    const result = await pc.enroll(served.baseUrl, { username: 'bob', password: 'wrong' });
    expect(result).toEqual({ ok: false, status: 401, fault: 's:Authentication' });
    const rows = await planes.database.edge.db
      .selectFrom('windows_enrollments')
      .select('id')
      .where('hardware_id', '=', pc.deviceId)
      .execute();
    expect(rows).toEqual([]);
  });

  it('offers no sign-in page and refuses a sign-in token when federated enrolment is off', async () => {
    const page = await planes.edgeApp.request(
      '/EnrollmentServer/SignIn?appru=ms-app%3A%2F%2Fwindows.immersivecontrolpanel',
    );
    expect(page.status).toBe(404);
    const pc = newPc();
    const url = `${served.baseUrl}/EnrollmentServer/Enrollment.svc`;
    const csrDer = buildCsr({ ...pc.key, subject: [{ name: 'commonName', value: pc.deviceId }] });
    const answer = await planes.edgeApp.request('/EnrollmentServer/Enrollment.svc', {
      method: 'POST',
      headers: { 'content-type': 'application/soap+xml; charset=utf-8' },
      body: requestSecurityTokenRequest(url, { token: 'a-token-from-nowhere' }, csrDer, {
        DeviceID: pc.deviceId,
      }),
    });
    expect(answer.status).toBe(401);
    expect(await answer.text()).toContain('s:Authentication');
  });

  it('stops asking the directory after repeated wrong passwords for one user', async () => {
    const pc = newPc();
    for (let attempt = 0; attempt < 5; attempt++)
      await pc.enroll(served.baseUrl, { username: 'carol', password: `guess-${attempt}` });
    // Now even the right password is refused without a bind: the guesser cannot go on, and the directory
    // never counted more than five failures towards locking the account.
    const result = await pc.enroll(served.baseUrl, { username: 'carol', password: PASSWORD });
    expect(result).toEqual({ ok: false, status: 401, fault: 's:Authentication' });
  });

  it('reads the inventory at the first session and records it against the device', async () => {
    const { pc, enrollment } = await enrolled();
    await pc.session();
    // The first session made the channel ready; the device workflow queues its inventory read.
    await vi.waitFor(async () => expect(await openCommands(enrollment.id)).toHaveLength(1), {
      timeout: 20_000,
      interval: 100,
    });
    const log = await pc.session();
    expect(log.received[0]!.commands.map((c) => c.command)).toEqual(['Status', 'Status', 'Status', 'Get']);
    await vi.waitFor(
      async () => {
        const device = await planes.database.core.db
          .selectFrom('devices')
          .selectAll()
          .where('id', '=', enrollment.device_id)
          .executeTakeFirstOrThrow();
        expect(device).toMatchObject({
          serial_number: pc.nodes.get('./DevDetail/Ext/Microsoft/SMBIOSSerialNumber'),
          name: 'ADA-LAPTOP',
          model: 'Surface Laptop 5',
          os_version: '10.0.22631.4460',
        });
      },
      { timeout: 20_000, interval: 100 },
    );
  });

  it('sends a command again in the next session when the session it was sent in was never answered', async () => {
    const { pc, enrollment } = await enrolled();
    await pc.session();
    await vi.waitFor(async () => expect(await openCommands(enrollment.id)).toHaveLength(1), {
      timeout: 20_000,
      interval: 100,
    });
    // A session the PC abandons after the server's first answer (a reboot, a lost network).
    const abandoned = await pc.post(firstMessage(pc.deviceId, pc.provisioned!.managementUrl, '70000'));
    expect(abandoned.body.toString()).toContain('<Get>');
    expect(await openCommands(enrollment.id)).toHaveLength(0);
    const log = await pc.session();
    expect(log.received[0]!.commands.some((c) => c.command === 'Get')).toBe(true);
    const [row] = await planes.database.edge.db
      .selectFrom('windows_commands')
      .select(['status', 'session_id'])
      .where('enrollment_id', '=', enrollment.id)
      .execute();
    expect(row).toMatchObject({ status: 'acknowledged' });
    expect(row!.session_id).not.toBe('70000');
  });

  it('matches statuses and results to the right commands across a multi-message package', async () => {
    const { pc, enrollment } = await enrolled({ maxAnswersPerMessage: 2 });
    await pc.session();
    await vi.waitFor(async () => expect(await openCommands(enrollment.id)).toHaveLength(1), {
      timeout: 20_000,
      interval: 100,
    });
    const bodies = [
      {
        command: 'Replace',
        items: [
          {
            target: './Device/Vendor/MSFT/Policy/Config/DeviceLock/DevicePasswordEnabled',
            format: 'int',
            data: '0',
          },
        ],
      },
      { command: 'Get', items: [{ target: './DevInfo/Man' }, { target: './DevInfo/Mod' }] },
      { command: 'Delete', items: [{ target: './Device/Vendor/MSFT/Nothing/Here' }] },
      {
        command: 'Atomic',
        commands: [
          {
            command: 'Add',
            items: [
              {
                target: './Device/Vendor/MSFT/Firewall/MdmStore/DomainProfile/EnableFirewall',
                format: 'bool',
                data: 'true',
              },
            ],
          },
          { command: 'Exec', items: [{ target: './Device/Vendor/MSFT/Reboot/RebootNow' }] },
        ],
      },
    ];
    const uuids: string[] = [];
    for (const body of bodies) {
      const commandUuid = globalThis.crypto.randomUUID();
      const built = windowsAdminPlatform.commands.build(body, commandUuid);
      // As the admin API sends it: the request recorded in the core first, the proof the device workflow checks.
      await queueCommandOnDevice(
        { db: planes.database.core.db, temporal: planes.temporal },
        enrollment.device_id,
        { commandUuid, requestType: built.requestType, payload: built.payload, requestedBy: 'test' },
        30_000,
      );
      uuids.push(commandUuid);
    }
    const log = await pc.session();
    // The PC answered in pieces of two, so the server asked for the rest with Alert 1222 before sending more.
    expect(log.received.some((m) => m.commands.some((c) => c.command === 'Alert' && c.data === '1222'))).toBe(
      true,
    );
    const rows = await planes.database.edge.db
      .selectFrom('windows_commands')
      .select(['command_uuid', 'status', 'result'])
      .where('enrollment_id', '=', enrollment.id)
      .execute();
    const byUuid = new Map(rows.map((r) => [r.command_uuid, r]));
    expect(byUuid.get(uuids[0]!)).toMatchObject({ status: 'acknowledged', result: { status: '200' } });
    // The values the Get read went to the core in the outbox; the edge's row keeps the status only.
    expect(byUuid.get(uuids[1]!)).toMatchObject({ status: 'acknowledged', result: { status: '200' } });
    expect(byUuid.get(uuids[1]!)!.result).not.toHaveProperty('values');
    expect(byUuid.get(uuids[2]!)).toMatchObject({ status: 'error', result: { status: '404' } });
    expect(byUuid.get(uuids[3]!)).toMatchObject({ status: 'acknowledged', result: { status: '200' } });
    expect(
      Object.values((byUuid.get(uuids[3]!)!.result as { statuses: Record<string, string> }).statuses).sort(),
    ).toEqual(['200', '202']);
    expect(pc.nodes.get('./Device/Vendor/MSFT/Firewall/MdmStore/DomainProfile/EnableFirewall')).toBe('true');
    await vi.waitFor(
      async () => {
        const commands = await planes.database.core.db
          .selectFrom('device_commands')
          .select(['command_uuid', 'status'])
          .where('command_uuid', 'in', uuids)
          .execute();
        expect(new Map(commands.map((c) => [c.command_uuid, c.status]))).toEqual(
          new Map([
            [uuids[0], 'acknowledged'],
            [uuids[1], 'acknowledged'],
            [uuids[2], 'error'],
            [uuids[3], 'acknowledged'],
          ]),
        );
      },
      { timeout: 20_000, interval: 100 },
    );
    const read = await planes.database.core.db
      .selectFrom('device_commands')
      .select('result')
      .where('command_uuid', '=', uuids[1]!)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(read.result)).toContain('Surface Laptop 5');
  });

  it('refuses malformed SyncML, entity declarations, foreign certificates and another PC’s DeviceID', async () => {
    const { pc } = await enrolled();
    expect((await pc.post('<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr>')).status).toBe(400);
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE SyncML [<!ENTITY a "aaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]><SyncML xmlns="SYNCML:SYNCML1.2">&b;</SyncML>';
    const refused = await pc.post(bomb);
    expect(refused.status).toBe(400);
    expect(refused.body.toString()).toContain('DOCTYPE');
    const foreignCa = createTestCa('Not Keep');
    const foreign = issueCertificate(foreignCa, {
      subject: [{ name: 'commonName', value: pc.deviceId }],
      extensions: [{ name: 'extKeyUsage', clientAuth: true }],
    });
    expect(
      (
        await pc.post(firstMessage(pc.deviceId, pc.provisioned!.managementUrl), {
          certPem: foreign.certPem,
          keyPem: foreign.keyPem,
        })
      ).status,
    ).toBe(403);
    const other = await enrolled();
    // A's certificate speaking for B's DeviceID.
    expect((await pc.post(firstMessage(other.pc.deviceId, pc.provisioned!.managementUrl))).status).toBe(403);
  });

  it('accepts the PC’s certificate from a trusted TLS-terminating proxy (RFC 9440 Client-Cert), and only from it', async () => {
    const { pc } = await enrolled();
    const deps = planes.edge.platformDeps;
    const windows = windowsEdgePlatform.start({
      ...deps,
      settings: { ...deps.settings, trustedProxies: ['10.9.8.7'] },
    });
    const proxied = createEdgeApp({
      log: createLogger('test', 'silent'),
      temporal: planes.temporal,
      coreTaskQueue: planes.edgeConfig.edge.coreTaskQueue,
      edgeTaskQueue: planes.edgeConfig.edge.taskQueue,
      probeEnabled: false,
      healthProbes: {},
      maxBodyBytes: planes.edgeConfig.edge.maxBodyBytes,
      platformRoutes: [windows.routes],
    });
    const request = (from: string) =>
      proxied.request(
        pc.provisioned!.managementUrl,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'application/vnd.syncml.dm+xml',
            'Client-Cert': `:${pc.provisioned!.deviceCertDer.toString('base64')}:`,
          },
          body: firstMessage(pc.deviceId, pc.provisioned!.managementUrl),
        },
        { incoming: { socket: { remoteAddress: from } } },
      );
    expect((await request('192.0.2.10')).status).toBe(401);
    expect((await request('10.9.8.7')).status).toBe(200);
  });

  it('unenrols on Alert 1226 and refuses the PC’s sessions afterwards', async () => {
    const { pc, enrollment } = await enrolled();
    const unenroll = `<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>9</SessionID><MsgID>1</MsgID><Target><LocURI>${pc.provisioned!.managementUrl}</LocURI></Target><Source><LocURI>${pc.deviceId}</LocURI></Source></SyncHdr><SyncBody><Alert><CmdID>1</CmdID><Data>1201</Data></Alert><Alert><CmdID>2</CmdID><Data>1226</Data><Item><Meta><Type xmlns="syncml:metinf">com.microsoft:mdm.unenrollment.userrequest</Type><Format xmlns="syncml:metinf">int</Format></Meta><Data>1</Data></Item></Alert><Final/></SyncBody></SyncML>`;
    expect((await pc.post(unenroll)).status).toBe(200);
    const row = await planes.database.edge.db
      .selectFrom('windows_enrollments')
      .select('status')
      .where('id', '=', enrollment.id)
      .executeTakeFirstOrThrow();
    expect(row.status).toBe('unenrolled');
    expect((await pc.post(firstMessage(pc.deviceId, pc.provisioned!.managementUrl))).status).toBe(403);
    // The device workflow took the check-out: the enrolment's identity is revoked in the core.
    await vi.waitFor(
      async () => {
        const certificate = await planes.database.core.db
          .selectFrom('certificates')
          .select('revoked_at')
          .where('enrollment_id', '=', enrollment.id)
          .executeTakeFirstOrThrow();
        expect(certificate.revoked_at).not.toBeNull();
      },
      { timeout: 20_000, interval: 100 },
    );
  });

  // Last in this file: it stops the outbox relay, to look at the event while it waits, then relays by hand.
  it('seals a Get of a LAPS node to the core before it waits in the outbox, and the core opens it', async () => {
    const { pc, enrollment } = await enrolled();
    await pc.session();
    // The device workflow runs once it queued the inventory read.
    await vi.waitFor(async () => expect(await openCommands(enrollment.id)).toHaveLength(1), {
      timeout: 20_000,
      interval: 100,
    });
    const password = `laps-${globalThis.crypto.randomUUID()}`;
    const node = './Device/Vendor/MSFT/LAPS/Actions/PasswordForTest';
    pc.nodes.set(node, password);
    await planes.relay.stop();
    const commandUuid = globalThis.crypto.randomUUID();
    const built = windowsAdminPlatform.commands.build(
      { command: 'Get', items: [{ target: node }, { target: './DevInfo/Man' }] },
      commandUuid,
    );
    await queueCommandOnDevice(
      { db: planes.database.core.db, temporal: planes.temporal },
      enrollment.device_id,
      { commandUuid, requestType: built.requestType, payload: built.payload, requestedBy: 'test' },
      30_000,
    );
    await pc.session();
    const waiting = await planes.database.edge.db
      .selectFrom('outbox')
      .select('event')
      .where('device_id', '=', enrollment.device_id)
      .execute();
    const text = JSON.stringify(waiting);
    // Positive control: the report of that command is among the waiting events.
    expect(text).toContain(commandUuid);
    expect(text).toContain('sealedResult');
    for (const form of [password, Buffer.from(password).toString('base64')]) expect(text).not.toContain(form);
    while ((await planes.relay.drainOnce()) > 0);
    await vi.waitFor(
      async () => {
        const read = await planes.database.core.db
          .selectFrom('device_commands')
          .select(['status', 'result'])
          .where('command_uuid', '=', commandUuid)
          .executeTakeFirstOrThrow();
        expect(read.status).toBe('acknowledged');
        expect(JSON.stringify(read.result)).toContain(password);
      },
      { timeout: 20_000, interval: 100 },
    );
  });
});

function firstMessage(source: string, target: string, sessionId = '1'): string {
  return `<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>${sessionId}</SessionID><MsgID>1</MsgID><Target><LocURI>${target}</LocURI></Target><Source><LocURI>${source}</LocURI></Source></SyncHdr><SyncBody><Alert><CmdID>1</CmdID><Data>1201</Data></Alert><Final/></SyncBody></SyncML>`;
}
