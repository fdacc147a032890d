// Runs many simulated Apple devices in one process for demos and load tests, bounded in count, time and sockets.
import { generateKeyPair } from 'node:crypto';
import { promisify } from 'node:util';
import type { DeviceKind } from './device-state.js';
import { createHttpAgents, destroyHttpAgents, type HttpAgents } from './mdm-http.js';
import type { SignatureForm } from './mdm-signature.js';
import { readEnrollmentProfile } from './read-enrollment-profile.js';
import type { SigningIdentity } from './mdm-signature.js';
import type { IdentityEnroller } from './scep-enroller.js';
import { SimulatedAppleDevice, type PushSource } from './simulated-device.js';

const generateRsa = promisify(generateKeyPair);

export const MAX_FLEET_SIZE = 20_000;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

export interface FleetOptions {
  count: number;
  /** Which kind device `index` is; alternating Mac and iPhone by default. */
  kind?: (index: number) => DeviceKind;
  /** Each device needs its own profile (its SCEP challenge is single-use). */
  profileFor: (index: number) => Uint8Array | Promise<Uint8Array>;
  edgeCa?: string[];
  fakeApns?: PushSource;
  signatureForm?: SignatureForm;
  enroller?: IdentityEnroller;
  /**
   * Identities issued ahead of time (a benchmark's bulk issue): device `index` installs this one instead of
   * making a key and running `enroller`, so enrolment costs only Authenticate and TokenUpdate.
   */
  identityFor?: (index: number) => SigningIdentity;
  /** Devices enrolling at once (each makes an RSA key and runs SCEP). */
  enrollConcurrency?: number;
  /** Devices in a check-in or session at once. */
  sessionConcurrency?: number;
  /** Sockets shared by the whole fleet. */
  maxSockets?: number;
  /** A phase stops starting new work after this long; what did not start is counted as skipped. */
  phaseTimeoutMs?: number;
}

export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

export interface PhaseReport {
  ok: number;
  failed: number;
  skipped: number;
  /** The first few distinct failure messages, for a readable report. */
  errors: string[];
  latencyMs: LatencySummary;
  elapsedMs: number;
  /** Commands handled across all sessions of the phase. */
  commands: number;
}

export class SimulatedFleet {
  readonly devices: SimulatedAppleDevice[];
  private readonly agents: HttpAgents;

  constructor(private readonly options: FleetOptions) {
    if (!Number.isInteger(options.count) || options.count < 1 || options.count > MAX_FLEET_SIZE) {
      throw new RangeError(`fleet size must be 1..${MAX_FLEET_SIZE}`);
    }
    this.agents = createHttpAgents({ ca: options.edgeCa, maxSockets: options.maxSockets ?? 64 });
    const kind = options.kind ?? ((i: number) => (i % 2 === 0 ? 'mac' : 'iphone'));
    const { identityFor } = options;
    this.devices = Array.from({ length: options.count }, (_, i) => {
      const enroller: IdentityEnroller | undefined = identityFor
        ? () => Promise.resolve(identityFor(i))
        : options.enroller;
      return new SimulatedAppleDevice({
        kind: kind(i),
        agents: this.agents,
        ...(options.signatureForm ? { signatureForm: options.signatureForm } : {}),
        ...(enroller ? { enroller } : {}),
      });
    });
  }

  /** Enrols every device: its identity (a fresh RSA key off the main thread, SCEP), Authenticate, TokenUpdate. */
  enrollAll(): Promise<PhaseReport> {
    return this.phase(this.options.enrollConcurrency ?? 16, async (_device, index) => {
      await this.enroll(index);
      return 0;
    });
  }

  /** Enrols device `index` alone (a load loop that keeps its own figures drives this). */
  async enroll(index: number): Promise<void> {
    const device = this.devices[index];
    if (!device) throw new RangeError(`no device ${index} in a fleet of ${this.devices.length}`);
    const profile = await this.options.profileFor(index);
    assertLoopback(profile);
    // A pre-issued identity carries its key: no key to make.
    const keyPair = this.options.identityFor ? undefined : await generateRsa('rsa', { modulusLength: 2048 });
    await device.enrollFromProfile(profile, {
      ...(keyPair ? { keyPair } : {}),
      ...(this.options.fakeApns ? { fakeApns: this.options.fakeApns } : {}),
    });
  }

  /** One command session per enrolled device (Idle until the server answers empty). */
  runSessions(): Promise<PhaseReport> {
    return this.phase(this.options.sessionConcurrency ?? 64, async (device) => {
      if (!device.enrolled) throw new Error('not enrolled');
      return (await device.runSession()).length;
    });
  }

  close(): void {
    for (const device of this.devices) device.close();
    destroyHttpAgents(this.agents);
  }

  private async phase(
    concurrency: number,
    task: (device: SimulatedAppleDevice, index: number) => Promise<number>,
  ): Promise<PhaseReport> {
    const started = performance.now();
    const deadline = started + (this.options.phaseTimeoutMs ?? 120_000);
    const latencies: number[] = [];
    const errors = new Set<string>();
    const report = { ok: 0, failed: 0, skipped: 0, commands: 0 };
    let next = 0;
    const worker = async () => {
      while (next < this.devices.length) {
        const index = next++;
        if (performance.now() > deadline) {
          report.skipped++;
          continue;
        }
        const begin = performance.now();
        try {
          // Awaited first: `x += await y` would read x before the await and lose other workers' updates.
          const commands = await task(this.devices[index]!, index);
          report.commands += commands;
          latencies.push(performance.now() - begin);
          report.ok++;
        } catch (error) {
          report.failed++;
          if (errors.size < 5)
            errors.add(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
        }
      }
    };
    await Promise.all(
      Array.from({ length: Math.max(1, Math.min(concurrency, this.devices.length)) }, worker),
    );
    return {
      ...report,
      errors: [...errors],
      latencyMs: summarize(latencies),
      elapsedMs: performance.now() - started,
    };
  }
}

export function summarize(samples: number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return { count: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0 };
}

/** A fleet is a load generator: it only ever points at this machine. */
function assertLoopback(profile: Uint8Array): void {
  const { mdm, scep } = readEnrollmentProfile(profile);
  for (const url of [mdm.serverUrl, mdm.checkInUrl, scep.url]) {
    if (!LOOPBACK.has(new URL(url).hostname))
      throw new Error(`fleet URLs must be loopback, not ${new URL(url).host}`);
  }
}
