// Bulk command round trips, the same for every server: one call queues the same command to every device, each
// device's session fetches and answers it, and the round trip of each device ends when its result is stored.
import { summarize } from '../sim/apple/fleet.js';
import type { FleetReplies } from './fleet-protocol.js';
import type { LoadReport } from './load-loop.js';
import { runLoad } from './load-loop.js';

export interface BulkRoundOptions {
  rounds: number;
  devices: number;
  /** Device sessions in flight at once. */
  concurrency: number;
  maxMs: number;
}

export interface BulkRoundServer {
  /** Queues the command to every device with one call; answers each device's command UUID by fleet index. */
  send(): Promise<(index: number) => string>;
  session(index: number): Promise<FleetReplies['session']>;
  /** Resolves once the server has stored the device's answer (at once where storing precedes the reply). */
  stored(commandUuid: string): Promise<void>;
}

/** A device whose command is not queued yet (the fan-out is still running) tries again after this long. */
const RETRY_MS = 20;

/** Latency per device: from the start of its round's call to its result stored. */
export async function runBulkRounds(options: BulkRoundOptions, server: BulkRoundServer): Promise<LoadReport> {
  const samples: number[] = [];
  const errors = new Set<string>();
  let failed = 0;
  const started = performance.now();
  const deadline = started + options.maxMs;
  for (let round = 0; round < options.rounds && performance.now() < deadline; round++) {
    const sent = performance.now();
    const uuidOf = await server.send();
    const report = await runLoad(
      { count: options.devices, concurrency: options.concurrency, maxMs: options.maxMs },
      async (index) => {
        const commandUuid = uuidOf(index);
        for (;;) {
          const { commands } = await server.session(index);
          const answer = commands.find((c) => c.commandUuid === commandUuid);
          if (answer) {
            if (answer.status !== 'Acknowledged') throw new Error(`the device answered ${answer.status}`);
            break;
          }
          if (performance.now() > deadline) throw new Error('the command never reached the device');
          await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
        }
        await server.stored(commandUuid);
        samples.push(performance.now() - sent);
      },
    );
    failed += report.failed + report.skipped;
    for (const error of report.errors) if (errors.size < 5) errors.add(error);
  }
  const elapsedMs = performance.now() - started;
  return {
    ok: samples.length,
    failed,
    skipped: 0,
    elapsedMs,
    perSecond: samples.length / (elapsedMs / 1000),
    latencyMs: summarize(samples),
    samplesMs: samples,
    errors: [...errors],
  };
}
