import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCommand } from '../../../core/apple/commands/index.js';
import { SimulatedFleet, summarize } from './fleet.js';
import { startTestEnvironment, type TestEnvironment } from './test-environment.js';

describe('simulated fleet', () => {
  let env: TestEnvironment;
  beforeAll(async () => {
    env = await startTestEnvironment();
  });
  afterAll(async () => {
    await env.close();
  });

  it('enrols devices with bounded concurrency, runs their sessions and reports latencies', async () => {
    const fleet = new SimulatedFleet({
      count: 12,
      profileFor: () => env.enrollmentProfile(),
      edgeCa: [env.mdm.tlsCa.certPem],
      enrollConcurrency: 4,
      sessionConcurrency: 6,
      maxSockets: 8,
      phaseTimeoutMs: 60_000,
    });
    try {
      const enrolled = await fleet.enrollAll();
      expect(enrolled).toMatchObject({ ok: 12, failed: 0, skipped: 0 });
      for (const device of fleet.devices) {
        env.mdm.enqueue(device.udid, buildCommand({ requestType: 'DeviceInformation', queries: ['UDID'] }));
      }
      const sessions = await fleet.runSessions();
      expect(sessions).toMatchObject({ ok: 12, failed: 0, commands: 12 });
      expect(sessions.latencyMs.count).toBe(12);
      expect(sessions.latencyMs.p50).toBeLessThanOrEqual(sessions.latencyMs.p99);
      expect(new Set(fleet.devices.map((d) => d.state.kind))).toEqual(new Set(['mac', 'iphone']));
    } finally {
      fleet.close();
    }
  });

  it('refuses profiles that point away from this machine', async () => {
    const remote = new TextEncoder().encode(
      Buffer.from(env.enrollmentProfile({ signed: false }))
        .toString('utf8')
        .replaceAll('127.0.0.1', 'example.com'),
    );
    let enrolled = false;
    const refused = new SimulatedFleet({
      count: 1,
      profileFor: () => remote,
      enroller: async () => {
        enrolled = true;
        throw new Error('not reached');
      },
    });
    try {
      const report = await refused.enrollAll();
      expect(report).toMatchObject({ ok: 0, failed: 1 });
      expect(report.errors[0]).toMatch(/loopback/);
      expect(enrolled).toBe(false);
    } finally {
      refused.close();
    }
  });

  it('refuses a fleet larger than its bound', () => {
    expect(() => new SimulatedFleet({ count: 1_000_000, profileFor: () => new Uint8Array() })).toThrow(
      RangeError,
    );
  });

  it('summarizes latencies as p50 and p99', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(summarize(samples)).toEqual({ count: 100, p50: 50, p99: 99, max: 100 });
    expect(summarize([])).toEqual({ count: 0, p50: 0, p99: 0, max: 0 });
  });
});
