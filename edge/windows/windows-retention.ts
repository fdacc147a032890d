// Keeps the Windows command queue bounded: finished commands leave after `edge.commandRetentionHours`, as
// Apple's do. Every edge replica prunes; the deletes are idempotent, so replicas do not need to agree.
import type { Kysely } from 'kysely';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { Logger } from '../../core/log/logger.js';
import { pruneFinishedWindowsCommands } from './windows-command-queue.repository.js';

const EVERY_MS = 10 * 60_000;

export function startWindowsRetention(
  db: Kysely<EdgeDatabase>,
  retentionHours: number,
  log: Logger,
): { stop(): void } {
  const timer = setInterval(() => {
    pruneFinishedWindowsCommands(db, new Date(Date.now() - retentionHours * 3_600_000)).catch(
      (error: unknown) =>
        log.warn({ err: { name: (error as Error).name } }, 'pruning finished Windows commands failed'),
    );
  }, EVERY_MS);
  // The timer must never keep a stopping edge alive.
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
