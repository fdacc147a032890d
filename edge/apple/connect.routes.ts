// PUT /mdm/connect — the command channel: store the device's report, then hand out the next command.
// https://developer.apple.com/documentation/devicemanagement/implementing-device-management/sending-mdm-commands-to-a-device
import { edgeMetrics } from '../edge-metrics.js';
import { Hono } from 'hono';
import type { Kysely } from 'kysely';
import { decodeCommandReport, type CommandReport } from '../../core/apple/command-report.js';
import { holdsSecretResult } from '../../core/apple/commands/index.js';
import { sealCommandResult } from '../../core/device/sealed-command-result.js';
import type { BoxRecipient } from '../../core/crypto/sealed-box.js';
import { plistToJson } from '../../core/apple/plist-json.js';
import type { KeyRing } from '../../core/crypto/key-ring.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import { takeNextCommand, recordReport } from './command-queue.repository.js';
import { answerBoundIdle, commandResponse } from './bound-idle.js';
import { boundEnrollment, type BoundEnrollmentEnv } from './bound-enrollment.js';
import { deviceIdentity, type DeviceIdentityOptions } from './device-identity.js';
import { addToOutbox } from './apple-outbox.js';
import { deviceMessage } from './parse-device-body.js';
import { findUserChannel, userChannelId } from './user-channel.repository.js';
import { DeviceRefusal } from '../errors.js';

export interface ConnectDeps {
  db: Kysely<EdgeDatabase>;
  /** The core's sealing key (edge/core-sealing-key.ts): answers with a secret are sealed to it. */
  coreRecipient: () => Promise<BoxRecipient>;
  identity: DeviceIdentityOptions;
  onOutbox?: () => void;
  /** Opens the command bodies sealed at rest. */
  keyRing: KeyRing;
}

const routingId = (report: CommandReport) => (report.enrollment.udid ?? report.enrollment.enrollmentId)!;

export function connectRoutes(deps: ConnectDeps) {
  return new Hono<BoundEnrollmentEnv<CommandReport>>().put(
    '/mdm/connect',
    deviceIdentity(deps.identity),
    deviceMessage(decodeCommandReport),
    async function countReport(c, next) {
      const { status } = c.get('message');
      edgeMetrics.checkins.inc({ platform: 'apple', endpoint: 'connect', message_type: status });
      await next();
    },
    answerBoundIdle(deps.db, deps.keyRing, routingId),
    boundEnrollment(deps, routingId),
    async (c) => {
      const report = c.get('message');
      const enrollment = c.get('enrollment');
      // The user channel fetches only its own queue, once the user's TokenUpdate opened it.
      const userId = report.user ? userChannelId(report.user) : null;
      if (userId !== null && !(await findUserChannel(deps.db, enrollment.id, userId)))
        throw new DeviceRefusal(
          403,
          'unknown-user-channel',
          enrollment.id,
          'user channel not open: send TokenUpdate first',
        );
      const result =
        report.status === 'Idle' || report.status === 'NotNow'
          ? undefined
          : (plistToJson(report.result) as Record<string, unknown>);
      const commandUuid = report.status === 'Idle' ? '' : report.commandUuid;
      // An answer with a secret is sealed to the core before it is stored: not even this edge can read it back.
      // Asked before the transaction, so none is held open while the core's key is fetched (once per process).
      const sealedResult =
        result && holdsSecretResult(result)
          ? sealCommandResult(await deps.coreRecipient(), commandUuid, result)
          : undefined;
      const next = await deps.db.transaction().execute(async (tx) => {
        if (report.status !== 'Idle') {
          const fresh = await recordReport(tx, {
            enrollmentId: enrollment.id,
            commandUuid: report.commandUuid,
            status: report.status,
          });
          if (fresh) {
            await addToOutbox(tx, enrollment.device_id, {
              kind: 'command-report',
              enrollmentId: enrollment.id,
              at: new Date().toISOString(),
              commandUuid: report.commandUuid,
              status: report.status,
              ...(sealedResult ? { sealedResult } : result ? { result } : {}),
              ...(report.status === 'Error' || report.status === 'CommandFormatError'
                ? { errorChain: report.errorChain }
                : {}),
            });
          }
        }
        await tx
          .updateTable('apple_enrollments')
          .set({ last_seen_at: new Date() })
          .where('id', '=', enrollment.id)
          .execute();
        return takeNextCommand(tx, enrollment.id, report.status === 'Idle', userId);
      });
      if (report.status !== 'Idle') deps.onOutbox?.();
      return commandResponse(c, deps.keyRing, next);
    },
  );
}
