import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { windowsAdminPlatform } from '../../../admin/windows/windows-platform.js';
import { queueCommandOnDevice } from '../../../admin/send-command.js';
import { startFakeWns, type FakeWns } from '../../fakes/wns/fake-wns.js';
import { slapdInstalled } from '../../support/slapd.js';
import { SimulatedPc } from './simulated-pc.js';
import { PASSWORD, startWindowsEnvironment, type WindowsEnvironment } from './windows-environment.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const client = { clientId: 'ms-app://S-1-15-2-1234', clientSecret: 'wns-test-secret' };
const waitLong = { timeout: 20_000, interval: 100 };

describe.skipIf(!slapdInstalled())('WNS pushes to a simulated Windows PC', () => {
  let wns: FakeWns;
  let env: WindowsEnvironment;
  let pc: SimulatedPc;
  let deviceId: string;
  let enrollmentId: string;
  const sessions: Array<Promise<unknown>> = [];

  beforeAll(async () => {
    wns = await startFakeWns(client);
    const caFile = join(mkdtempSync(join(tmpdir(), 'keep-wns-ca-')), 'ca.pem');
    writeFileSync(caFile, wns.caPem);
    env = await startWindowsEnvironment({
      users: ['ada'],
      edgeEnv: {
        KEEP_EDGE_WNS_CLIENT_ID: client.clientId,
        KEEP_EDGE_WNS_CLIENT_SECRET: client.clientSecret,
        KEEP_EDGE_WNS_PACKAGE_FAMILY_NAME: 'Keep.Push_test',
        KEEP_EDGE_WNS_TOKEN_URL: wns.tokenUrl,
        KEEP_EDGE_WNS_CHANNEL_HOSTS: '127.0.0.1',
        KEEP_EDGE_WNS_CA_FILE: caFile,
      },
    });
    pc = new SimulatedPc({ edgeCa: env.tlsCa.certPem, pushChannelUri: wns.channelUri('pc-1') });
    // A push wakes the PC: it opens a session, as Windows' DM client does on a raw notification.
    wns.onPush = () => sessions.push(pc.session());
    const result = await pc.enroll(env.served.baseUrl, { username: 'ada', password: PASSWORD });
    if (!result.ok) throw new Error(`enrolment failed: ${result.fault}`);
    ({ device_id: deviceId, id: enrollmentId } = await env.planes.database.edge.db
      .selectFrom('windows_enrollments')
      .select(['device_id', 'id'])
      .where('hardware_id', '=', pc.deviceId)
      .executeTakeFirstOrThrow());
  });
  afterAll(async () => {
    await Promise.allSettled(sessions);
    pc?.close();
    await env?.close();
    await wns?.close();
  });

  const enrollment = () =>
    env.planes.database.edge.db
      .selectFrom('windows_enrollments')
      .selectAll()
      .where('id', '=', enrollmentId)
      .executeTakeFirstOrThrow();

  async function queue(body: unknown) {
    const commandUuid = globalThis.crypto.randomUUID();
    const built = windowsAdminPlatform.commands.build(body, commandUuid);
    // As the admin API sends it: the request recorded in the core first, the proof the device workflow checks.
    const result = await queueCommandOnDevice(
      { db: env.planes.database.core.db, temporal: env.planes.temporal },
      deviceId,
      { commandUuid, requestType: built.requestType, payload: built.payload, requestedBy: 'test' },
      30_000,
    );
    return { commandUuid, pushed: result.pushed };
  }

  it('learns the PC’s channel in its first session, and a push wakes it to collect a new command', async () => {
    await pc.session();
    expect((await enrollment()).push_channel_uri).toBe(wns.channelUri('pc-1'));
    expect(pc.nodes.get('./Vendor/MSFT/DMClient/Provider/Keep/Push/PFN')).toBe('Keep.Push_test');
    // The inventory read the device workflow queued reaches the PC (in that session, or woken by a push).
    await vi.waitFor(async () => {
      const device = await env.planes.database.core.db
        .selectFrom('devices')
        .select('serial_number')
        .where('id', '=', deviceId)
        .executeTakeFirstOrThrow();
      expect(device.serial_number).toBe(pc.nodes.get('./DevDetail/Ext/Microsoft/SMBIOSSerialNumber'));
    }, waitLong);
    const pushes = wns.pushes.length;
    const { commandUuid, pushed } = await queue({
      command: 'Replace',
      items: [
        { target: './Device/Vendor/MSFT/Policy/Config/Update/ActiveHoursStart', format: 'int', data: '8' },
      ],
    });
    expect(pushed).toBe(true);
    expect(wns.pushes.slice(pushes)).toEqual(['pc-1']);
    // Nobody ran a session but the push: the woken PC applied the command and reported it.
    await vi.waitFor(async () => {
      const command = await env.planes.database.core.db
        .selectFrom('device_commands')
        .select('status')
        .where('command_uuid', '=', commandUuid)
        .executeTakeFirstOrThrow();
      expect(command.status).toBe('acknowledged');
    }, waitLong);
    expect(pc.nodes.get('./Device/Vendor/MSFT/Policy/Config/Update/ActiveHoursStart')).toBe('8');
  });

  it('gets a new token when WNS answers 401, and pushes again', async () => {
    const [tokens, pushes] = [wns.tokenRequests, wns.pushes.length];
    wns.expireTokens();
    const { pushed } = await queue({ command: 'Get', items: [{ target: './DevDetail/SwV' }] });
    expect(pushed).toBe(true);
    expect(wns.tokenRequests).toBe(tokens + 1);
    expect(wns.pushes).toHaveLength(pushes + 1);
  });

  it('forgets a channel WNS says expired (410) until the PC reports a new one', async () => {
    wns.expireChannel('pc-1');
    const { pushed } = await queue({ command: 'Get', items: [{ target: './DevInfo/Man' }] });
    expect(pushed).toBe(false);
    const row = await enrollment();
    expect(row.push_channel_uri).toBeNull();
    expect(row.push_expired_at).not.toBeNull();
  });
});
