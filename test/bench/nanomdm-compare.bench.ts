// Keep's edge against NanoMDM on the same machine and Postgres: signed Idle check-ins/s, p50, p99 over plain HTTP on loopback.
import { randomUUID, X509Certificate } from 'node:crypto';
import { enrollmentUri } from '../../core/pki/device-identity-profile.js';
import { buildEnrollmentProfile } from '../../core/apple/enrollment-profile.js';
import { buildPlist, type PlistDict } from '../../core/apple/plist-codec.js';
import type { CertificateAuthority } from '../../core/pki/certificate-authority.js';
import { createCaHierarchy } from '../../core/pki/ca-create.js';
import { issueCertificate } from '../../core/pki/issue-certificate.js';
import { generateSerialNumber } from '../../core/pki/serial-number.js';
import { createFakeApns } from '../fakes/apns/fake-apns.js';
import { SimulatedFleet, type FleetOptions } from '../sim/apple/fleet.js';
import type { IdentityEnroller } from '../sim/apple/scep-enroller.js';
import { startTestPlanes } from '../support/planes.js';
import { createTestPushCertificate } from '../support/push-cert.js';
import { startKeepTestStack, type RunningKeepTestStack } from '../support/start-stack.js';
import { createTestCa } from '../support/test-ca.js';
import { serveEdge } from '../support/served-edge.js';
import { intParam, metric, type BenchParams, type BenchResult } from './benchmark.js';
import { inventoryAnswered } from './command-watcher.js';
import { runLoad, type LoadReport } from './load-loop.js';
import { buildNanoMdm, NANOMDM_VERSION, startNanoMdm, type NanoMdmBuild } from './nanomdm-server.js';

interface Params {
  devices: number;
  checkins: number;
  concurrency: number;
  warmup: number;
  maxSeconds: number;
}

interface IdleRun {
  report: LoadReport;
  /** Commands the Idle sessions met: 0 when both servers' queues were empty, as intended. */
  commandsMet: number;
  /** NanoMDM only: Postgres sessions its pool opened during the measured loop. */
  databaseSessions?: number;
}

/** Identities straight from a device CA both servers trust: SCEP is not what is compared. */
function enrollerFor(issuing: CertificateAuthority): IdentityEnroller {
  return (_payload, context) => {
    if (!context.keyPair) throw new Error('the fleet hands every device its key');
    const issued = issueCertificate({
      ca: issuing,
      profile: 'device-identity',
      template: { commonName: 'bench device', sans: [{ type: 'uri', value: enrollmentUri(randomUUID()) }] },
      serial: generateSerialNumber(),
      now: new Date(),
      publicKey: context.keyPair.publicKey,
    });
    return Promise.resolve({ certificate: issued.der, privateKey: context.keyPair.privateKey });
  };
}

/**
 * A profile whose MDM payload points at plain-HTTP URLs. Keep's profile builder accepts only https (as
 * a real device requires), so it is built with https and the two URLs are set afterwards.
 */
function profileFor(
  urls: { serverUrl: string; checkInUrl: string; base: string },
  topic: string,
): Uint8Array {
  const profile = buildEnrollmentProfile({
    identifier: 'dev.keep.bench',
    displayName: 'Keep bench',
    serverUrl: urls.serverUrl.replace(/^http:/, 'https:'),
    checkInUrl: urls.checkInUrl.replace(/^http:/, 'https:'),
    topic,
    scep: { url: `${urls.base}/scep/unused`, subject: [['CN', 'bench']], challenge: 'unused' },
  });
  const payloads = profile.PayloadContent as PlistDict[];
  const mdm = payloads.find((payload) => payload.PayloadType === 'com.apple.mdm');
  if (!mdm) throw new Error('the profile has no com.apple.mdm payload');
  mdm.ServerURL = urls.serverUrl;
  mdm.CheckInURL = urls.checkInUrl;
  return new TextEncoder().encode(buildPlist(profile));
}

async function enrol(fleet: SimulatedFleet, server: string): Promise<void> {
  const enrolled = await fleet.enrollAll();
  if (enrolled.failed || enrolled.skipped)
    throw new Error(`${server} enrolment: ${JSON.stringify(enrolled)}`);
}

/** The same bounded loop for both servers: an unmeasured warm-up, then `checkins` Idle sessions. */
async function idleLoop(fleet: SimulatedFleet, params: Params): Promise<IdleRun> {
  const { devices } = fleet;
  let commandsMet = 0;
  const session = async (i: number) => {
    const handled = await devices[i % devices.length]!.runSession();
    commandsMet += handled.length;
  };
  const maxMs = params.maxSeconds * 1000;
  await runLoad({ count: params.warmup, concurrency: params.concurrency, maxMs }, session);
  commandsMet = 0;
  const report = await runLoad({ count: params.checkins, concurrency: params.concurrency, maxMs }, session);
  if (report.errors.length) console.error(report.errors);
  return { report, commandsMet };
}

async function measureNanoMdm(
  build: NanoMdmBuild,
  running: RunningKeepTestStack,
  ca: ReturnType<typeof createCaHierarchy>,
  fleetOptions: Omit<FleetOptions, 'profileFor'>,
  params: Params,
): Promise<IdleRun> {
  const nano = await startNanoMdm({
    build,
    postgresUrl: running.stack.postgresUrl,
    caPem: new X509Certificate(ca.root.certificateDer).toString(),
    intermediatePem: new X509Certificate(ca.issuing.certificateDer).toString(),
  });
  const mdmUrl = `${nano.baseUrl}/mdm`;
  const profile = profileFor(
    { serverUrl: mdmUrl, checkInUrl: mdmUrl, base: nano.baseUrl },
    'com.apple.mgmt.External.bench',
  );
  const fleet = new SimulatedFleet({ ...fleetOptions, profileFor: () => profile });
  try {
    await enrol(fleet, 'NanoMDM');
    const before = await nano.databaseSessions();
    const idle = await idleLoop(fleet, params);
    return { ...idle, databaseSessions: (await nano.databaseSessions()) - before };
  } finally {
    fleet.close();
    await nano.stop();
  }
}

/** Keep as `apple-checkin` runs it (both planes in this process), but its edge served over plain HTTP. */
async function measureKeep(
  running: RunningKeepTestStack,
  ca: ReturnType<typeof createCaHierarchy>,
  fleetOptions: Omit<FleetOptions, 'profileFor'>,
  params: Params,
): Promise<IdleRun> {
  const pushCa = createTestCa('Bench Push CA');
  const pushCert = createTestPushCertificate({ ca: pushCa });
  const apns = createFakeApns({ clientCaPem: pushCa.certPem });
  const apnsServer = await apns.start();
  const planes = await startTestPlanes(
    { apns: { url: apnsServer.url, caPem: apnsServer.caPem } },
    running.stack,
  );
  const edge = await serveEdge(planes);
  let fleet: SimulatedFleet | undefined;
  try {
    await planes.push.installCertificate({
      topic: pushCert.topic,
      certPem: pushCert.certPem,
      keyPem: pushCert.keyPem,
      notAfter: new Date(Date.now() + 86_400_000),
    });
    await planes.trust.installChain([
      { der: ca.root.certificateDer, role: 'root' },
      { der: ca.issuing.certificateDer, role: 'issuing' },
    ]);
    const profile = profileFor(
      {
        serverUrl: `${edge.baseUrl}/mdm/connect`,
        checkInUrl: `${edge.baseUrl}/mdm/checkin`,
        base: edge.baseUrl,
      },
      pushCert.topic,
    );
    fleet = new SimulatedFleet({ ...fleetOptions, profileFor: () => profile, fakeApns: apns });
    await enrol(fleet, 'Keep');
    // Each new device's workflow queues inventory commands and pushes: let the devices answer them so
    // the Idle loop meets empty queues, as it does on NanoMDM.
    await inventoryAnswered(planes.database.core.db, params.devices, 2 * params.maxSeconds * 1000);
    return await idleLoop(fleet, params);
  } finally {
    fleet?.close();
    await edge.close();
    await planes.close();
    await apnsServer.close();
  }
}

export default async function run(raw: BenchParams): Promise<BenchResult> {
  const params: Params = {
    devices: intParam(raw, 'devices', 100, 10_000),
    checkins: intParam(raw, 'checkins', 3000, 200_000),
    concurrency: intParam(raw, 'concurrency', 32, 256),
    warmup: intParam(raw, 'warmup', 300, 10_000),
    maxSeconds: intParam(raw, 'maxSeconds', 120, 600),
  };
  // Build first: when NanoMDM cannot be had here, say so before starting anything.
  const build = await buildNanoMdm();
  const ca = createCaHierarchy({ organization: 'Bench', now: new Date() });
  const fleetOptions = {
    count: params.devices,
    enroller: enrollerFor(ca.issuing),
    enrollConcurrency: 16,
    maxSockets: 64,
    phaseTimeoutMs: 600_000,
  };
  const running = await startKeepTestStack();
  try {
    // One server at a time, each with the machine to itself (the Temporal dev server idles during NanoMDM's turn).
    const nano = await measureNanoMdm(build, running, ca, fleetOptions, params);
    const keep = await measureKeep(running, ca, fleetOptions, params);
    const side = (prefix: string, { report, commandsMet }: IdleRun) => ({
      [`${prefix}_idle_checkins`]: metric(report.ok, 'count'),
      [`${prefix}_idle_failures`]: metric(report.failed, 'count'),
      [`${prefix}_commands_met`]: metric(commandsMet, 'count'),
      [`${prefix}_idle_per_s`]: metric(report.perSecond, 'checkins/s'),
      [`${prefix}_idle_p50`]: metric(report.latencyMs.p50, 'ms'),
      [`${prefix}_idle_p99`]: metric(report.latencyMs.p99, 'ms'),
    });
    return {
      params: {
        ...params,
        nanomdm: NANOMDM_VERSION,
        transport: 'http-loopback',
        signature: 'Mdm-Signature (SHA-1, detached)',
      },
      metrics: {
        ...side('keep', keep),
        ...side('nanomdm', nano),
        nanomdm_pg_sessions_opened: metric(nano.databaseSessions ?? 0, 'sessions'),
        keep_over_nanomdm_per_s: metric(keep.report.perSecond / nano.report.perSecond, 'ratio'),
        keep_over_nanomdm_p50: metric(keep.report.latencyMs.p50 / nano.report.latencyMs.p50, 'ratio'),
        keep_over_nanomdm_p99: metric(keep.report.latencyMs.p99 / nano.report.latencyMs.p99, 'ratio'),
      },
      notes: [
        `both servers over plain HTTP on 127.0.0.1 (Keep's edge too, for parity with NanoMDM's listener; apple-checkin measures it over HTTPS)`,
        `same Postgres (embedded), same device CA, same simulated fleet and signing, ${params.warmup} unmeasured Idle sessions first`,
        `NanoMDM ${NANOMDM_VERSION}: its own Go process, pgsql storage, Mdm-Signature verified against -ca/-intermediate, default request logging (drained)`,
        "Keep: the edge runs in this Node process beside the fleet that signs the requests, with the core worker, edge worker and relay; Keep's logger silent",
        'Idle: one signed PUT answered with an empty 200 (NanoMDM at /mdm, Keep at /mdm/connect)',
      ],
    };
  } finally {
    await running.stop();
  }
}
