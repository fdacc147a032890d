// The demo fleet of `npm start -- --demo N`: simulated Macs and iPhones enrol through the real edge from profiles
// the admin API hands out, answer the commands pushed to them, check in now and then, and now and then drift (a
// user removes a managed profile, a software update lands) so inventory and compliance move. Test code (the
// simulators) is imported here only, and this module only when the demo is on: never in `keep edge` or `keep core`.
import type { Logger } from '../../core/log/logger.js';
import { SimulatedFleet } from '../../test/sim/apple/fleet.js';
import type { SimulatedAppleDevice, PushSource } from '../../test/sim/apple/simulated-device.js';

export interface DemoFleetOptions {
  count: number;
  /** The admin API (HTTP on loopback) and a bearer token allowed to create enrollments. */
  adminUrl: string;
  adminToken: string;
  /** The CA behind the edge's TLS certificate. */
  edgeCaPem: string;
  /** Where the devices hear their pushes (the demo's fake APNs). */
  pushSource: PushSource;
  log: Logger;
  /** Time between two moves of the living fleet (a check-in or a drift of one device). */
  tickMs?: number;
  /**
   * How long a device keeps trying to enrol: on a first start the push certificate import and the edge's
   * provisioning (503 until the core has given it its SCEP RA) run while the fleet starts.
   */
  enrollWaitMs?: number;
}

export interface DemoFleet {
  readonly devices: readonly SimulatedAppleDevice[];
  /** Settles when every device has enrolled or given up. */
  readonly enrolled: Promise<EnrollReport>;
  stop(): void;
}

export interface EnrollReport {
  ok: number;
  failed: number;
  /** The first few distinct reasons of devices that gave up. */
  errors: string[];
}

/** Devices enrolling at once: each makes an RSA key and runs SCEP, gently on a laptop. */
const ENROLL_CONCURRENCY = 4;
const RETRY_MS = 2_000;

/** One move in ten is a drift; the others are check-ins. */
const DRIFT_SHARE = 0.1;

export function startDemoFleet(options: DemoFleetOptions): DemoFleet {
  const { log } = options;
  const fleet = new SimulatedFleet({
    count: options.count,
    edgeCa: [options.edgeCaPem],
    fakeApns: options.pushSource,
    profileFor: () => fetchProfile(options),
  });
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const enrolled = enrollWithRetries(fleet, options.enrollWaitMs ?? 300_000, () => stopped).then((report) => {
    log.info({ ok: report.ok, failed: report.failed, errors: report.errors }, 'demo fleet enrolled');
    if (!stopped) timer = setInterval(() => void move(fleet.devices, log), options.tickMs ?? 2_000);
    return report;
  });
  return {
    devices: fleet.devices,
    enrolled,
    stop: () => {
      stopped = true;
      clearInterval(timer);
      fleet.close();
    },
  };
}

/** Each device tries again (with a fresh profile: its challenge is single-use) until it enrols or time runs out. */
async function enrollWithRetries(
  fleet: SimulatedFleet,
  waitMs: number,
  stopped: () => boolean,
): Promise<EnrollReport> {
  const deadline = Date.now() + waitMs;
  const report: EnrollReport = { ok: 0, failed: 0, errors: [] };
  let next = 0;
  const worker = async () => {
    while (next < fleet.devices.length && !stopped()) {
      const index = next++;
      for (;;) {
        try {
          await fleet.enroll(index);
          report.ok++;
          break;
        } catch (error) {
          if (Date.now() + RETRY_MS > deadline || stopped()) {
            report.failed++;
            const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
            if (report.errors.length < 5 && !report.errors.includes(reason)) report.errors.push(reason);
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(ENROLL_CONCURRENCY, fleet.devices.length) }, worker));
  return report;
}

async function fetchProfile(options: DemoFleetOptions): Promise<Uint8Array> {
  const res = await fetch(new URL('/v1/enrollments/apple', options.adminUrl), {
    method: 'POST',
    headers: { authorization: `Bearer ${options.adminToken}` },
  });
  if (res.status !== 201) throw new Error(`enrollment profile: ${res.status} ${await res.text()}`);
  return new Uint8Array(await res.arrayBuffer());
}

async function move(devices: readonly SimulatedAppleDevice[], log: Logger): Promise<void> {
  const enrolled = devices.filter((device) => device.enrolled);
  const device = enrolled[Math.floor(Math.random() * enrolled.length)];
  if (!device) return;
  try {
    if (Math.random() < DRIFT_SHARE) drift(device);
    // A check-in: the device polls its queue as it does after a push or on its own schedule.
    await device.runSession();
  } catch (error) {
    log.warn({ err: error }, 'demo device check-in failed');
  }
}

/** A user removes a managed profile, or a minor software update lands (the next inventory reports it). */
function drift(device: SimulatedAppleDevice): void {
  const removable = [...device.state.profiles.values()].filter(
    (profile) => !profile.payloads.some((payload) => payload.PayloadType === 'com.apple.mdm'),
  );
  const profile = removable[Math.floor(Math.random() * removable.length)];
  if (profile && Math.random() < 0.5) {
    device.drift.removeProfile(profile.identifier);
    return;
  }
  const [major = '0', minor = '0'] = device.state.osVersion.split('.');
  device.state.osVersion = `${major}.${Number(minor) + 1}`;
}
