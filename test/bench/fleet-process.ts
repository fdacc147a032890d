// A fleet process: simulated devices with pre-issued identities (or their own profiles, enrolling through SCEP), driven by the benchmark over Node IPC, so the
// load generator's CPU and memory are not the server's. Start it with `node --import tsx test/bench/fleet-process.ts`
// and an IPC channel (child_process.fork or spawn with 'ipc').
import { createPrivateKey } from 'node:crypto';
import { SimulatedFleet } from '../sim/apple/fleet.js';
import type { FleetMessage, FleetReplies, FleetReply, FleetRequest } from './fleet-protocol.js';
import { runLoad } from './load-loop.js';

let fleet: SimulatedFleet | undefined;

function requireFleet(): SimulatedFleet {
  if (!fleet) throw new Error('init first');
  return fleet;
}

async function handle(request: FleetRequest): Promise<FleetReplies[keyof FleetReplies]> {
  switch (request.op) {
    case 'init': {
      const { init } = request;
      const edgeCa = init.edgeCaPem ? { edgeCa: [init.edgeCaPem] } : {};
      fleet?.close();
      if (init.profiles) {
        const profiles = init.profiles.map((p) => Buffer.from(p, 'base64'));
        fleet = new SimulatedFleet({
          count: profiles.length,
          profileFor: (i) => profiles[i]!,
          ...edgeCa,
          maxSockets: init.maxSockets,
        });
      } else {
        const profile = Buffer.from(init.profile, 'base64');
        const keys = init.keysPem.map((pem) => createPrivateKey(pem));
        fleet = new SimulatedFleet({
          count: init.certificates.length,
          profileFor: () => profile,
          ...edgeCa,
          identityFor: (i) => ({
            certificate: Buffer.from(init.certificates[i]!, 'base64'),
            privateKey: keys[(init.first + i) % keys.length]!,
          }),
          maxSockets: init.maxSockets,
        });
      }
      return { udids: fleet.devices.map((d) => d.udid) };
    }
    case 'enrol': {
      const current = requireFleet();
      const { loop } = request;
      return runLoad({ ...loop, count: current.devices.length }, (i) => current.enroll(i));
    }
    case 'idle':
    case 'sweep': {
      const { devices } = requireFleet();
      const { loop } = request;
      let commandsMet = 0;
      const report = await runLoad(
        { ...loop, count: request.op === 'sweep' ? devices.length : loop.count },
        async (i) => {
          const handled = await devices[i % devices.length]!.runSession();
          commandsMet += handled.length;
        },
      );
      return { ...report, commandsMet };
    }
    case 'session': {
      const device = requireFleet().devices[request.index];
      if (!device) throw new RangeError(`no device ${request.index}`);
      const handled = await device.runSession();
      return { commands: handled.map((h) => ({ commandUuid: h.commandUuid, status: h.status })) };
    }
  }
}

if (!process.send) {
  console.error('fleet-process: start me with an IPC channel (the benchmarks do)');
  process.exit(2);
}
process.on('message', (message: FleetMessage) => {
  const { id, ...request } = message;
  handle(request).then(
    (result) => process.send!({ id, ok: true, result } satisfies FleetReply),
    (error: unknown) =>
      process.send!({
        id,
        ok: false,
        error: error instanceof Error ? `${error.name}: ${error.message}` : String(error),
      } satisfies FleetReply),
  );
});
// The parent going away (or closing the channel) ends the fleet.
process.on('disconnect', () => {
  fleet?.close();
  process.exit(0);
});
