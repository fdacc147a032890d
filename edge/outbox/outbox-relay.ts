// Relays the edge outbox to device workflows (signal-with-start), in order per device, at least once;
// a Temporal outage only delays events, which wait in Postgres. Also enforces the queue's retention.
import type { Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { DeviceEvent } from '../../core/device/device-event.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { Logger } from '../../core/log/logger.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { deviceEventSignal, type DeviceWorkflowInput } from '../../workflows/device.messages.js';
import { pruneFinishedCommands } from '../apple/command-queue.repository.js';
import { lockPending, markFailed, markRelayed, oldestPending, pruneRelayed } from './outbox.repository.js';

export interface OutboxRelayOptions {
  db: Kysely<EdgeDatabase>;
  temporal: Client;
  coreTaskQueue: string;
  edgeTaskQueue: string;
  log: Logger;
  batchSize?: number;
  pollMs?: number;
  retention?: { commandsHours: number; outboxHours: number };
}

export interface OutboxRelay {
  /** Relays one batch now; returns how many events went out. */
  drainOnce(): Promise<number>;
  wake: () => void;
  stop(): Promise<void>;
}

export function startOutboxRelay(options: OutboxRelayOptions, autostart = true): OutboxRelay {
  const batchSize = options.batchSize ?? 200;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let lastPrune = 0;

  async function relayDevice(
    deviceId: string,
    events: Array<{ id: string; event: DeviceEvent }>,
  ): Promise<string[]> {
    const done: string[] = [];
    for (const { id, event } of events) {
      const input: DeviceWorkflowInput = { deviceId, edgeTaskQueue: options.edgeTaskQueue };
      await options.temporal.workflow.signalWithStart('deviceWorkflow', {
        workflowId: workflowIds.device(deviceId),
        taskQueue: options.coreTaskQueue,
        args: [input],
        signal: deviceEventSignal,
        signalArgs: [event],
      });
      done.push(id);
    }
    return done;
  }

  async function drainOnce(): Promise<number> {
    return options.db.transaction().execute(async (tx) => {
      const rows = await lockPending(tx, batchSize);
      const byDevice = new Map<string, Array<{ id: string; event: DeviceEvent }>>();
      for (const row of rows) {
        const list = byDevice.get(row.device_id) ?? [];
        list.push({ id: row.id, event: row.event as DeviceEvent });
        byDevice.set(row.device_id, list);
      }
      // A device whose older events another relayer holds right now waits: its events must arrive in order.
      for (const { device_id, first } of await oldestPending(tx, [...byDevice.keys()])) {
        if (Number(first) < Number(byDevice.get(device_id)![0]!.id)) byDevice.delete(device_id);
      }
      const results = await Promise.allSettled(
        [...byDevice].map(async ([deviceId, events]) => {
          const done = await relayDevice(deviceId, events).catch(async (err: Error) => {
            // Keep per-device order: the first failure stops that device's batch; the rest wait.
            const failed = events.map((e) => e.id);
            await markFailed(tx, failed, err.message);
            throw err;
          });
          await markRelayed(tx, done);
          return done.length;
        }),
      );
      return results.reduce((sum, r) => sum + (r.status === 'fulfilled' ? r.value : 0), 0);
    });
  }

  async function prune(): Promise<void> {
    if (!options.retention || Date.now() - lastPrune < 60_000) return;
    lastPrune = Date.now();
    const hour = 3600_000;
    await pruneFinishedCommands(options.db, new Date(Date.now() - options.retention.commandsHours * hour));
    await pruneRelayed(options.db, new Date(Date.now() - options.retention.outboxHours * hour));
  }

  let busy = false;
  let again = false;

  /** One drain at a time in this process; a wake during a drain runs another right after it. */
  function schedule(delay: number) {
    if (stopped) return;
    if (busy) {
      again = true;
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(() => {
      busy = true;
      running = (async () => {
        let relayed = 0;
        try {
          relayed = await drainOnce();
          await prune();
        } catch (err) {
          options.log.warn({ err: { message: (err as Error).message } }, 'outbox relay failed; retrying');
        }
        busy = false;
        const next = again || relayed >= batchSize ? 0 : (options.pollMs ?? 500);
        again = false;
        schedule(next);
      })();
    }, delay);
  }

  if (autostart) schedule(0);
  return {
    drainOnce,
    // In manual mode (no autostart) only drainOnce relays, so tests can stage a crash.
    wake: () => (autostart ? schedule(0) : undefined),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
