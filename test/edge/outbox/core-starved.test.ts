// Overload is not failure: while the core worker is gone, devices keep checking in and answering commands
// (200: the edge stores and relays later), what needs the core gets 503 with Retry-After, nothing gets a 500,
// and once a worker is back every result reaches the core DB exactly once.
import forge from 'node-forge';
import { beforeAll, describe, expect, it } from 'vitest';
import { startCoreWorker } from '../../../activities/core-worker.js';
import { eventually, identityFrom, signedRequest, type Identity } from '../../support/apple-requests.js';
import { createTestCa } from '../../support/test-ca.js';
import { useTestPlanes } from '../../support/test-context.js';

const DEVICES = 3;
const TOPIC = 'com.apple.mgmt.External.starved';

describe('a starved core', () => {
  const planes = useTestPlanes();
  const devices: Array<{ udid: string; identity: Identity }> = [];
  const statuses: number[] = [];
  const send = async (device: (typeof devices)[number], path: string, message: Record<string, unknown>) => {
    const res = await planes.edgeApp.request(signedRequest(path, message as never, device.identity));
    statuses.push(res.status);
    return res;
  };
  const nextCommand = async (device: (typeof devices)[number], answer: Record<string, unknown>) => {
    const text = await (await send(device, '/mdm/connect', { UDID: device.udid, ...answer })).text();
    return /<key>CommandUUID<\/key>\s*<string>([^<]+)<\/string>/.exec(text)?.[1];
  };

  beforeAll(async () => {
    const ca = createTestCa('Keep Starved CA');
    await planes.trust.installChain([
      {
        der: Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(ca.cert)).getBytes(), 'binary'),
        role: 'issuing',
      },
    ]);
    for (let i = 0; i < DEVICES; i++)
      devices.push({ udid: `00008020-0000STARVED00000${i}`, identity: identityFrom(ca, `starved ${i}`) });
  }, 120_000);

  it('answers devices without a 500 and delivers every result exactly once when the worker returns', async () => {
    for (const device of devices) {
      await send(device, '/mdm/checkin', { MessageType: 'Authenticate', UDID: device.udid, Topic: TOPIC });
      await send(device, '/mdm/checkin', {
        MessageType: 'TokenUpdate',
        UDID: device.udid,
        Topic: TOPIC,
        Token: Buffer.alloc(32, 7),
        PushMagic: 'm',
        AwaitingConfiguration: false,
      });
    }
    // The core queued each device's inventory at the edge: the first command is there.
    const first = await Promise.all(
      devices.map((device) => eventually(() => nextCommand(device, { Status: 'Idle' }))),
    );

    await planes.coreWorker.close();
    const answered: string[] = [];
    // The devices work through their queues with no core: every answer is stored, every fetch served.
    await Promise.all(
      devices.map(async (device, i) => {
        let uuid: string | undefined = first[i];
        while (uuid) {
          answered.push(uuid);
          uuid = await nextCommand(device, { Status: 'Acknowledged', CommandUUID: uuid, QueryResponses: {} });
        }
        expect(await nextCommand(device, { Status: 'Idle' })).toBeUndefined();
      }),
    );
    expect(answered.length).toBeGreaterThanOrEqual(DEVICES);
    // What needs the core is refused for now, with a time to come back.
    const refused = await send(devices[0]!, '/mdm/checkin', {
      MessageType: 'GetBootstrapToken',
      UDID: devices[0]!.udid,
      AwaitingConfiguration: false,
    });
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(statuses.filter((s) => s >= 500 && s !== 503)).toEqual([]);
    expect(statuses.filter((s) => s === 503)).toHaveLength(1);

    const core = await startCoreWorker(planes.coreConfig, planes.coreConfig.core.workflowBundle);
    try {
      const outcomes = await eventually(async () => {
        const rows = await planes.database.core.db
          .selectFrom('device_commands')
          .select(['command_uuid', 'status'])
          .where('command_uuid', 'in', answered)
          .execute();
        return rows.length === answered.length && rows.every((r) => r.status === 'acknowledged')
          ? rows
          : undefined;
      }, 60_000);
      expect(outcomes).toHaveLength(answered.length);
      // Relayed again while the core was gone, written once: one ingested report per answer.
      const reports = await planes.database.core.db
        .selectFrom('device_events')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('kind', '=', 'command-report')
        .executeTakeFirstOrThrow();
      expect(Number(reports.n)).toBe(answered.length);
    } finally {
      await core.close();
    }
  });
});
