// A device moving between two edge replicas mid-session, on the production topology (embedded Postgres, the real
// Temporal server, `keep core`, `keep admin`, two `keep edge` behind a loopback balancer): its queue, its binding
// and its revocation are the shared edge database's, so either replica serves it the same.
import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MdmHttpError } from '../sim/apple/simulated-device.js';
import { adminCall, skipWithoutTemporalServer, useTopologyFleet } from './topology-fleet.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(skipWithoutTemporalServer('the edge-move test'))('two edge replicas', () => {
  const fleetOf = useTopologyFleet(2);
  const { fleet } = fleetOf;

  it("keeps a device's queue, binding and revocation consistent while it moves between the edges mid-session", async () => {
    const topology = fleetOf.topology();
    const { device, id } = fleet[1]!;
    topology.route('alternate');
    try {
      const queued: string[] = [];
      for (const requestType of ['ProfileList', 'SecurityInfo', 'ProfileList']) {
        const answer = await adminCall(topology, 'POST', `/v1/devices/${id}/commands`, {
          body: { requestType },
        });
        expect(answer.status).toBe(202);
        queued.push((answer.body as { commandUuid: string }).commandUuid);
      }
      // Idle on one edge, each answer (and the next command) on the other: the queue is the edge database's.
      const handled = await device.runSession();
      expect(handled.map((command) => command.commandUuid).filter((uuid) => queued.includes(uuid))).toEqual(
        queued,
      );
      for (const uuid of queued) expect(device.commandLedger.answered.get(uuid)).toBe(1);
      const deadline = Date.now() + 60_000;
      for (;;) {
        const rows = await topology.database.core.db
          .selectFrom('device_commands')
          .select('status')
          .where('command_uuid', 'in', queued)
          .execute();
        if (rows.length === queued.length && rows.every((row) => row.status === 'acknowledged')) break;
        if (Date.now() > deadline) throw new Error('the results taken by two edges are not all recorded');
        await sleep(250);
      }

      // The identity bound at enrolment speaks for the device on both edges; once revoked, on neither.
      const serial = new X509Certificate(
        Buffer.from(device.identity!.certificate),
      ).serialNumber.toLowerCase();
      const revoked = await adminCall(topology, 'POST', `/v1/certificates/${serial}/revoke`, {
        body: { reason: 'keyCompromise' },
      });
      expect(revoked.status).toBe(200);
      // Alternating, two Idle polls reach both edges; a refusal is a 4xx (a session that fails throws its status).
      const idleStatus = () =>
        device.runSession().then(
          () => 200,
          (error: unknown) => (error instanceof MdmHttpError ? error.status : 0),
        );
      const refusedByBoth = async () => {
        const statuses = [await idleStatus(), await idleStatus()];
        return statuses.every((status) => status >= 400 && status < 500);
      };
      // The edge whose worker ran the revocation refuses at once; the other replica reads the revocation from the
      // shared edge database at its next trust refresh (10 s): the bound says so.
      const refusedDeadline = Date.now() + 15_000;
      while (!(await refusedByBoth())) {
        if (Date.now() > refusedDeadline) throw new Error('an edge still accepts the revoked identity');
        await sleep(500);
      }
    } finally {
      topology.route('random');
    }
  }, 120_000);
});
