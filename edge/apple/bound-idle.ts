// Middleware: the Idle check-in, the request a fleet sends most, answered in one Postgres statement when the
// certificate is the one already bound; anything else (renewal, refusal, a report) goes on to the full path.
import type { Context, MiddlewareHandler } from 'hono';
import type { Kysely } from 'kysely';
import type { CommandReport } from '../../core/apple/command-report.js';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { QueuedCommand } from '../../core/db/edge/command-queue.table.js';
import { openCommandBody } from './command-body.js';
import { takeNextCommandIfBound } from './command-queue.repository.js';
import type { DeviceMessageEnv } from './parse-device-body.js';

/**
 * The answer to a command-channel request: the next command's plist, opened from its sealed body here and only
 * here, or an empty 200 when there is none.
 */
export function commandResponse(c: Context, ring: KeyRing, command: QueuedCommand | undefined): Response {
  if (!command) return c.body(null, 200);
  c.header('Content-Type', 'application/xml; charset=utf-8');
  return c.body(new Uint8Array(openCommandBody(ring, command)));
}

export function answerBoundIdle(
  db: Kysely<EdgeDatabase>,
  ring: KeyRing,
  routingIdOf: (report: CommandReport) => string,
): MiddlewareHandler<DeviceMessageEnv<CommandReport>> {
  return async function answerIdleWhenBound(c, next) {
    const report = c.get('message');
    if (report.status !== 'Idle' || report.user) return next();
    const taken = await takeNextCommandIfBound(db, {
      udid: routingIdOf(report),
      fingerprint: c.get('device').certificate.sha256,
    });
    if (!taken) return next();
    return commandResponse(c, ring, taken.command);
  };
}
