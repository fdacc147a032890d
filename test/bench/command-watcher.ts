// Resolves when the core's device_commands row for a command leaves `queued` (one batched poll for all waiters), and tells when enrolment's inventory is answered.
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';

export interface CommandWatcher {
  /** The row's final status, or a rejection after `timeoutMs`. */
  settled(commandUuid: string, timeoutMs: number): Promise<string>;
  stop(): void;
}

export function watchCommands(db: Kysely<CoreDatabase>, pollMs = 20): CommandWatcher {
  const waiting = new Map<
    string,
    { resolve: (status: string) => void; deadline: number; reject: (e: Error) => void }
  >();
  let stopped = false;
  const poll = async () => {
    while (!stopped) {
      if (waiting.size > 0) {
        const rows = await db
          .selectFrom('device_commands')
          .select(['command_uuid', 'status'])
          .where('command_uuid', 'in', [...waiting.keys()])
          .where('status', '!=', 'queued')
          .execute();
        for (const row of rows) {
          waiting.get(row.command_uuid)?.resolve(row.status);
          waiting.delete(row.command_uuid);
        }
        const now = performance.now();
        for (const [uuid, waiter] of waiting) {
          if (now > waiter.deadline) {
            waiter.reject(new Error('command result did not reach the core in time'));
            waiting.delete(uuid);
          }
        }
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  };
  const running = poll();
  return {
    settled: (commandUuid, timeoutMs) =>
      new Promise((resolve, reject) => {
        waiting.set(commandUuid, { resolve, reject, deadline: performance.now() + timeoutMs });
      }),
    stop() {
      stopped = true;
      void running;
    },
  };
}

/** Whether every enrolled device has answered the inventory commands its workflow queued. */
export async function inventoryDone(db: Kysely<CoreDatabase>, devices: number): Promise<boolean> {
  const rows = await db
    .selectFrom('device_commands')
    .select((eb) => [
      eb.fn.countAll<string>().as('all'),
      eb.fn.count<string>('status').filterWhere('status', '=', 'queued').as('queued'),
    ])
    .executeTakeFirstOrThrow();
  return Number(rows.all) >= devices && Number(rows.queued) === 0;
}
