// Simulated Apple devices on the topology: each request a new connection through the balancer (so to a random
// edge), enrolled from a profile the admin API hands out; and admin calls retried blindly, as a careful client does.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { afterAll, beforeAll } from 'vitest';
import { findTemporalServer, TEMPORAL_SERVER_HELP } from '../../deploy/dev-stack/temporal-server.js';
import type { HttpAgents } from '../sim/apple/mdm-http.js';
import { SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { testStack } from '../support/stack.js';
import { startTopology, type Topology } from '../support/topology.js';

export interface FleetDevice {
  device: SimulatedAppleDevice;
  /** Keep's id of the device. */
  id: string;
}

/** Agents without keep-alive: the balancer picks an edge per connection, so per request. */
export function perRequestAgents(edgeCaPem: string): HttpAgents {
  return {
    http: new HttpAgent({ keepAlive: false }),
    https: new HttpsAgent({ keepAlive: false, ca: [edgeCaPem] }),
    ca: [edgeCaPem],
    timeoutMs: 15_000,
  };
}

export interface AdminAnswer {
  status: number;
  body: unknown;
}

/**
 * An admin call, sent again on a 503, a 502/504 or a connection error until it gets another answer or `withinMs`
 * passes; `retried` counts the blind retries, `other5xx` any other 5xx (a bug: overload and outages are 503s).
 */
export async function adminCall(
  topology: Topology,
  method: string,
  path: string,
  options: { body?: unknown; headers?: Record<string, string>; withinMs?: number } = {},
  counters: { retried: number; other5xx: number } = { retried: 0, other5xx: 0 },
): Promise<AdminAnswer> {
  const deadline = Date.now() + (options.withinMs ?? 60_000);
  for (;;) {
    try {
      const res = await fetch(`${topology.admin.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${topology.admin.token}`,
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
        ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
        signal: AbortSignal.timeout(30_000),
      });
      const type = res.headers.get('content-type') ?? '';
      const body: unknown = type.includes('json')
        ? await res.json()
        : new Uint8Array(await res.arrayBuffer());
      if (res.status < 500 || ![502, 503, 504].includes(res.status) || Date.now() > deadline) {
        if (res.status >= 500 && ![502, 503, 504].includes(res.status)) counters.other5xx++;
        return { status: res.status, body };
      }
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    counters.retried++;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Enrols `device` from a fresh profile; answers Keep's id once the core holds it enrolled with its OS known. */
export async function enrollThroughTopology(
  topology: Topology,
  device: SimulatedAppleDevice,
): Promise<FleetDevice> {
  const profile = await adminCall(topology, 'POST', '/v1/enrollments/apple');
  if (profile.status !== 201) throw new Error(`enrollment profile: ${profile.status}`);
  await device.enrollFromProfile(profile.body as Uint8Array, { bootstrapToken: true });
  const deadline = Date.now() + 60_000;
  for (;;) {
    const row = await topology.database.core.db
      .selectFrom('devices')
      .select(['id', 'enrollment_status', 'os_platform'])
      .where('udid', '=', device.udid)
      .executeTakeFirst();
    if (row?.enrollment_status === 'enrolled' && row.os_platform) return { device, id: row.id };
    if (Date.now() > deadline) throw new Error(`device ${device.udid} not enrolled in the core`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    // The OS comes from the device's answer to Keep's inventory commands: fetch them (no push listener here).
    if (row?.enrollment_status === 'enrolled') await device.runSession();
  }
}

/**
 * Registers, in the calling `describe`, a production topology (embedded Postgres, the real Temporal server, `keep
 * core`, `keep admin`, two `keep edge`) with `size` simulated Apple devices enrolled through it, half Macs. Under
 * CI a missing Temporal server build fails the file rather than skipping it.
 */
export function useTopologyFleet(size: number): { topology: () => Topology; fleet: FleetDevice[] } {
  let topology: Topology | undefined;
  const fleet: FleetDevice[] = [];
  beforeAll(async () => {
    const binaries = findTemporalServer();
    if (!binaries) throw new Error(TEMPORAL_SERVER_HELP);
    topology = await startTopology({ binaries, workflowBundle: testStack().workflowBundle });
    const started = topology;
    const agents = perRequestAgents(started.edgeCaPem);
    const devices = Array.from(
      { length: size },
      (_, i) => new SimulatedAppleDevice({ kind: i % 2 === 0 ? 'mac' : 'iphone', agents }),
    );
    // A few at a time: each makes an RSA key and runs SCEP.
    for (let i = 0; i < devices.length; i += 5)
      fleet.push(
        ...(await Promise.all(devices.slice(i, i + 5).map((d) => enrollThroughTopology(started, d)))),
      );
  }, 300_000);
  afterAll(async () => {
    for (const { device } of fleet) device.close();
    await topology?.close();
  }, 120_000);
  return {
    topology: () => {
      if (!topology) throw new Error('the topology is not started');
      return topology;
    },
    fleet,
  };
}

/** Whether this run cannot start the Temporal server, and may skip (never under CI, where that fails). */
export function skipWithoutTemporalServer(what: string): boolean {
  const skip = !findTemporalServer() && !process.env.CI;
  if (skip) console.warn(`skipping ${what}: ${TEMPORAL_SERVER_HELP}`);
  return skip;
}
