// Apple MDM at scale: N simulated devices over HTTPS on loopback — Idle check-ins/s and command round trips/s.
import { randomUUID } from 'node:crypto';
import { enrollmentUri } from '../../core/pki/device-identity-profile.js';
import { buildCommand, serializeCommand } from '../../core/apple/commands/index.js';
import { buildEnrollmentProfile } from '../../core/apple/enrollment-profile.js';
import { buildPlist } from '../../core/apple/plist-codec.js';
import { createCaHierarchy } from '../../core/pki/ca-create.js';
import { issueCertificate } from '../../core/pki/issue-certificate.js';
import { generateSerialNumber } from '../../core/pki/serial-number.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { queueCommandUpdate } from '../../workflows/device.messages.js';
import { createFakeApns } from '../fakes/apns/fake-apns.js';
import { SimulatedFleet } from '../sim/apple/fleet.js';
import type { IdentityEnroller } from '../sim/apple/scep-enroller.js';
import { createTestPushCertificate } from '../support/push-cert.js';
import { createTestCa, issueLoopbackServerCertificate } from '../support/test-ca.js';
import { serveEdge } from '../support/served-edge.js';
import { startBenchPlanes } from './bench-planes.js';
import { intParam, metric, type BenchParams, type BenchResult } from './benchmark.js';
import { watchCommands, inventoryAnswered } from './command-watcher.js';
import { runLoad } from './load-loop.js';

const MiB = 1024 * 1024;

export default async function run(raw: BenchParams): Promise<BenchResult> {
  const params = {
    devices: intParam(raw, 'devices', 200, 10_000),
    checkins: intParam(raw, 'checkins', 5000, 200_000),
    commands: intParam(raw, 'commands', 500, 20_000),
    concurrency: intParam(raw, 'concurrency', 32, 256),
    commandConcurrency: intParam(raw, 'commandConcurrency', 16, 256),
    maxSeconds: intParam(raw, 'maxSeconds', 120, 600),
  };
  const maxMs = params.maxSeconds * 1000;
  const pushCa = createTestCa('Bench Push CA');
  const pushCert = createTestPushCertificate({ ca: pushCa });
  const apns = createFakeApns({ clientCaPem: pushCa.certPem });
  const apnsServer = await apns.start();
  const bench = await startBenchPlanes({ apns: { url: apnsServer.url, caPem: apnsServer.caPem } });
  const { planes } = bench;
  const tlsCa = createTestCa('Bench Edge TLS CA');
  const edge = await serveEdge(planes, issueLoopbackServerCertificate(tlsCa));
  let fleet: SimulatedFleet | undefined;
  const watcher = watchCommands(planes.database.core.db);
  try {
    await planes.push.installCertificate({
      topic: pushCert.topic,
      certPem: pushCert.certPem,
      keyPem: pushCert.keyPem,
      notAfter: new Date(Date.now() + 86_400_000),
    });
    // Identities straight from a device CA the edge trusts: SCEP has its own benchmark.
    const deviceCa = createCaHierarchy({ organization: 'Bench', now: new Date() });
    await planes.trust.installChain([
      { der: deviceCa.root.certificateDer, role: 'root' },
      { der: deviceCa.issuing.certificateDer, role: 'issuing' },
    ]);
    const enroller: IdentityEnroller = async (_payload, context) => {
      if (!context.keyPair) throw new Error('the fleet hands every device its key');
      const issued = issueCertificate({
        ca: deviceCa.issuing,
        profile: 'device-identity',
        template: { commonName: 'bench device', sans: [{ type: 'uri', value: enrollmentUri(randomUUID()) }] },
        serial: generateSerialNumber(),
        now: new Date(),
        publicKey: context.keyPair.publicKey,
      });
      return { certificate: issued.der, privateKey: context.keyPair.privateKey };
    };
    const profile = new TextEncoder().encode(
      buildPlist(
        buildEnrollmentProfile({
          identifier: 'dev.keep.bench',
          displayName: 'Keep bench',
          serverUrl: `${edge.baseUrl}/mdm/connect`,
          checkInUrl: `${edge.baseUrl}/mdm/checkin`,
          topic: pushCert.topic,
          scep: {
            url: `${edge.baseUrl}/scep/${randomUUID()}`,
            subject: [['CN', 'bench']],
            challenge: 'unused',
          },
        }),
      ),
    );
    fleet = new SimulatedFleet({
      count: params.devices,
      profileFor: () => profile,
      edgeCa: [tlsCa.certPem],
      fakeApns: apns,
      enroller,
      enrollConcurrency: 16,
      maxSockets: 64,
      // Enrolment is set-up, not a measured figure: it gets its own, wider bound.
      phaseTimeoutMs: 600_000,
    });
    const devices = fleet.devices;

    const enrolled = await fleet.enrollAll();
    if (enrolled.failed || enrolled.skipped) throw new Error(`enrolment: ${JSON.stringify(enrolled)}`);
    // Each device workflow queues its inventory commands and pushes; the devices answer them. Wait
    // for that to finish so the Idle phase measures empty queues.
    const core = planes.database.core.db;
    await inventoryAnswered(core, params.devices, 2 * maxMs);
    const afterEnrol = process.memoryUsage();
    const deviceIds = new Map(
      (await core.selectFrom('devices').select(['id', 'udid']).execute()).map((d) => [d.udid, d.id]),
    );

    let idleCommands = 0;
    const idle = await runLoad(
      { count: params.checkins, concurrency: params.concurrency, maxMs },
      async (i) => {
        idleCommands += (await devices[i % devices.length]!.runSession()).length;
      },
    );

    const enqueueMs: number[] = [];
    const roundTrip = await runLoad(
      { count: params.commands, concurrency: params.commandConcurrency, maxMs },
      async (i) => {
        const device = devices[i % devices.length]!;
        const commandUuid = randomUUID();
        const plist = serializeCommand(
          buildCommand(
            { requestType: 'DeviceInformation', queries: ['DeviceName', 'OSVersion'] },
            commandUuid,
          ),
        );
        const handle = planes.temporal.workflow.getHandle(workflowIds.device(deviceIds.get(device.udid)!));
        const begin = performance.now();
        const settled = watcher.settled(commandUuid, 60_000);
        await handle.executeUpdate(queueCommandUpdate, {
          args: [{ commandUuid, requestType: 'DeviceInformation', payload: plist, requestedBy: 'bench' }],
        });
        enqueueMs.push(performance.now() - begin);
        const status = await settled;
        if (status !== 'acknowledged') throw new Error(`command ended ${status}`);
      },
    );
    const afterLoad = process.memoryUsage();
    for (const report of [idle, roundTrip]) if (report.errors.length) console.error(report.errors);
    enqueueMs.sort((a, b) => a - b);
    const at = (q: number) =>
      enqueueMs[Math.min(enqueueMs.length - 1, Math.ceil(q * enqueueMs.length) - 1)] ?? 0;

    return {
      params: { ...params, transport: 'https-loopback', signature: 'Mdm-Signature (SHA-1, detached)' },
      metrics: {
        enrolled: metric(enrolled.ok, 'devices'),
        enrol_per_s: metric(enrolled.ok / (enrolled.elapsedMs / 1000), 'devices/s'),
        idle_checkins: metric(idle.ok, 'count'),
        idle_failures: metric(idle.failed, 'count'),
        idle_per_s: metric(idle.perSecond, 'checkins/s'),
        idle_p50: metric(idle.latencyMs.p50, 'ms'),
        idle_p99: metric(idle.latencyMs.p99, 'ms'),
        command_round_trips: metric(roundTrip.ok, 'count'),
        command_failures: metric(roundTrip.failed, 'count'),
        command_per_s: metric(roundTrip.perSecond, 'commands/s'),
        command_p50: metric(roundTrip.latencyMs.p50, 'ms'),
        command_p99: metric(roundTrip.latencyMs.p99, 'ms'),
        command_enqueue_p50: metric(at(0.5), 'ms'),
        command_enqueue_p99: metric(at(0.99), 'ms'),
        rss_after_enrol: metric(afterEnrol.rss / MiB, 'MiB'),
        rss_after_load: metric(afterLoad.rss / MiB, 'MiB'),
        heap_used_after_load: metric(afterLoad.heapUsed / MiB, 'MiB'),
      },
      notes: [
        `Idle: one signed PUT /mdm/connect answered empty (${idleCommands} commands met on the way)`,
        'command: queueCommand Update → edge queue + APNs push (fake, HTTP/2) → device session → result relayed to core device_commands (polled every 20 ms)',
        'command_enqueue: the Update alone (core record + edge enqueue + push activities)',
        'RSS/heap are of this one process: edge, core worker, edge worker, relay and the simulated fleet',
      ],
    };
  } finally {
    watcher.stop();
    fleet?.close();
    await edge.close();
    await bench.close();
    await apnsServer.close();
  }
}
