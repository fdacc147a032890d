// Relays the edge outbox to the core: each drain claims a batch with a lease (committed at once, so no
// transaction is held across Temporal), sends it as ONE Update to this edge's device-events workflow, and
// marks it relayed once the Update says the batch is durable in the core DB. At least once (the core dedupes
// on outbox id), in order per device; a Temporal outage only delays events, which wait in Postgres. Also
// enforces the queue's retention.
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import type { Kysely } from 'kysely';
import { withDeadline } from '../../core/concurrency/deadline.js';
import type { RelayedDeviceEvent } from '../../core/device/device-event-batch.js';
import type { ReceivedDeviceEvent } from '../../core/device/received-device-event.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { Logger } from '../../core/log/logger.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import {
  ingestDeviceEventsUpdate,
  type DeviceEventsWorkflowInput,
} from '../../workflows/device-events.messages.js';
import { pruneFinishedCommands } from '../apple/command-queue.repository.js';
import {
  claimable,
  lease,
  markFailed,
  markRelayed,
  oldestPending,
  pruneRelayed,
} from './outbox.repository.js';

export interface OutboxRelayOptions {
  db: Kysely<EdgeDatabase>;
  temporal: Client;
  coreTaskQueue: string;
  edgeTaskQueue: string;
  log: Logger;
  /** Events per drain (default 500). */
  batchSize?: number;
  /** Bytes of event JSON per drain (default 1 MiB, well under Temporal's 2 MB payload limit); a larger event goes alone. */
  batchBytes?: number;
  /** How long a claim holds its rows (default 60 s); a relayer that died frees them after this. */
  leaseMs?: number;
  pollMs?: number;
  retention?: { commandsHours: number; outboxHours: number };
}

export interface OutboxRelay {
  /** Relays one batch now; returns how many events went out. */
  drainOnce(): Promise<number>;
  wake: () => void;
  stop(): Promise<void>;
}

/** Keeps the oldest-first prefix of `rows` that fits in `maxBytes` (at least one row). */
function withinBytes<T extends { bytes: number }>(rows: readonly T[], maxBytes: number): T[] {
  let total = 0;
  const kept: T[] = [];
  for (const row of rows) {
    total += Number(row.bytes);
    if (kept.length > 0 && total > maxBytes) break;
    kept.push(row);
  }
  return kept;
}

export function startOutboxRelay(options: OutboxRelayOptions, autostart = true): OutboxRelay {
  const batchSize = options.batchSize ?? 500;
  const batchBytes = options.batchBytes ?? 1024 * 1024;
  const leaseMs = options.leaseMs ?? 60_000;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  let lastPrune = 0;

  /** Claims the next batch: a short transaction that leases the rows and commits before Temporal is called. */
  function claim(): Promise<RelayedDeviceEvent[]> {
    return options.db.transaction().execute(async (tx) => {
      const rows = withinBytes(await claimable(tx, batchSize), batchBytes);
      // A device whose older events another relayer holds waits: its events must arrive in order.
      const first = new Map<string, string>();
      for (const row of rows) if (!first.has(row.device_id)) first.set(row.device_id, row.id);
      const blocked = new Set<string>();
      for (const { device_id, first: oldest } of await oldestPending(tx, [...first.keys()])) {
        if (Number(oldest) < Number(first.get(device_id))) blocked.add(device_id);
      }
      const claimed = rows.filter((row) => !blocked.has(row.device_id));
      await lease(
        tx,
        claimed.map((row) => row.id),
        leaseMs,
      );
      return claimed.map((row) => ({
        // pg may hand a bigserial back as a number; the core keys on its text.
        outboxId: String(row.id),
        deviceId: row.device_id,
        event: row.event as ReceivedDeviceEvent,
      }));
    });
  }

  async function send(events: RelayedDeviceEvent[]): Promise<void> {
    const input: DeviceEventsWorkflowInput = { edgeTaskQueue: options.edgeTaskQueue };
    const startWorkflowOperation = new WithStartWorkflowOperation('deviceEventsWorkflow', {
      workflowId: workflowIds.deviceEvents(options.edgeTaskQueue),
      taskQueue: options.coreTaskQueue,
      args: [input],
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    // Bounded well inside the lease (past it another relayer may send the same rows: harmless, deduped), and
    // short enough that a starved core delays the next try by seconds, not minutes.
    await withDeadline(
      options.temporal.workflow.executeUpdateWithStart(ingestDeviceEventsUpdate, {
        args: [events],
        startWorkflowOperation,
      }),
      Math.min(10_000, leaseMs / 2),
    );
  }

  async function drainOnce(): Promise<number> {
    const events = await claim();
    if (events.length === 0) return 0;
    const ids = events.map((e) => e.outboxId);
    try {
      await send(events);
    } catch (err) {
      await markFailed(options.db, ids, (err as Error).message);
      throw err;
    }
    await markRelayed(options.db, ids);
    return events.length;
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
        const next = again || relayed > 0 ? 0 : (options.pollMs ?? 500);
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
