// PUT /mdm/checkin — Apple's check-in protocol: one handler per MessageType, in a table keyed like the decoders.
// https://developer.apple.com/documentation/devicemanagement/check-in
import { edgeMetrics } from '../edge-metrics.js';
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Kysely, Transaction } from 'kysely';
import type { Client } from '@temporalio/client';
import {
  buildGetBootstrapTokenResponse,
  buildUserAuthenticateResponse,
  decodeCheckin,
  type CheckinMessage,
  type CheckinMessageType,
} from '../../core/apple/checkin/index.js';
import {
  buildDeclarationItemsResponse,
  buildTokensResponse,
  declarationAt,
  declarationDocument,
  decodeStatusReport,
} from '../../core/apple/declarative/index.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import { newOpaqueId } from '../../core/temporal/task-queues.js';
import { authorizeAuthenticate } from './authenticate-binding.js';
import { boundEnrollment, type BoundEnrollmentEnv } from './bound-enrollment.js';
import { deviceIdentity, type DeviceIdentityOptions } from './device-identity.js';
import { bindOnAuthenticate, markCheckedOut, updatePushToken } from './enrollment.repository.js';
import { addToOutbox } from './apple-outbox.js';
import { escrowBootstrapToken, fetchBootstrapToken } from './bootstrap-token.js';
import { deviceMessage } from './parse-device-body.js';
import { declarationSetOf } from './declaration-set.js';
import { recordUserChannel } from './user-channel.repository.js';

export interface CheckinDeps {
  db: Kysely<EdgeDatabase>;
  identity: DeviceIdentityOptions;
  temporal: Client;
  /** Nudges the outbox relay so events reach the core quickly; the relay also polls. */
  onOutbox?: () => void;
  temporalTimeoutMs?: number;
  /** Where device workflows run, and this edge's queue, for starting a device workflow not yet running. */
  coreTaskQueue: string;
  edgeTaskQueue: string;
}

type CheckinContext = Context<BoundEnrollmentEnv<CheckinMessage>>;
type Message<T extends CheckinMessageType> = Extract<CheckinMessage, { messageType: T }>;
type Handler<T extends CheckinMessageType> = (
  c: CheckinContext,
  m: Message<T>,
) => Promise<Response> | Response;

const routingId = (m: CheckinMessage) => (m.enrollment.udid ?? m.enrollment.enrollmentId)!;
const now = () => new Date().toISOString();

function checkinHandlers(deps: CheckinDeps): { [T in CheckinMessageType]: Handler<T> } {
  /** What a message changes and the events it sends the core commit together; then the relay is nudged. */
  async function recordThenOk(c: CheckinContext, write: (tx: Transaction<EdgeDatabase>) => Promise<void>) {
    await deps.db.transaction().execute(write);
    deps.onOutbox?.();
    return c.body(null, 200);
  }

  const askDeviceWorkflow = {
    temporal: deps.temporal,
    coreTaskQueue: deps.coreTaskQueue,
    edgeTaskQueue: deps.edgeTaskQueue,
    timeoutMs: deps.temporalTimeoutMs,
  };

  return {
    async Authenticate(c, m) {
      const { certificate, enrollmentId } = c.get('device');
      const udid = routingId(m);
      const grant = await authorizeAuthenticate(deps.db, {
        udid,
        enrollmentId,
        fingerprint: certificate.sha256,
      });
      return recordThenOk(c, async (tx) => {
        const enrollment = await bindOnAuthenticate(tx, {
          udid,
          kind: m.enrollment.udid ? 'device' : 'user-enrollment',
          fingerprint: certificate.sha256,
          topic: m.topic,
          enrollmentId,
          newDeviceId: grant.existing?.device_id ?? newOpaqueId(),
          ...(grant.replaces ? { replaces: grant.replaces } : {}),
        });
        if (grant.renews) {
          await addToOutbox(tx, enrollment.device_id, {
            kind: 'identity-renewed',
            enrollmentId,
            at: now(),
            previousFingerprint: grant.renews,
          });
        }
        await addToOutbox(tx, enrollment.device_id, {
          kind: 'authenticated',
          enrollmentId: enrollment.id,
          at: now(),
          udid,
          serialNumber: m.serialNumber,
          deviceName: m.deviceName,
          model: m.model,
          modelName: m.modelName,
          osVersion: m.osVersion,
          buildVersion: m.buildVersion,
          productName: m.productName,
          ...(m.enrollment.udid ? {} : { userEnrollment: true as const }),
        });
      });
    },

    TokenUpdate(c, m) {
      const enrollment = c.get('enrollment');
      return recordThenOk(c, async (tx) => {
        // A user's TokenUpdate opens (or renews) that user's channel, with its own token and command queue.
        if (m.user) {
          await recordUserChannel(tx, enrollment.id, m.user, {
            token: Buffer.from(m.token),
            magic: m.pushMagic,
          });
        } else {
          await updatePushToken(tx, enrollment.id, {
            topic: m.topic,
            pushToken: Buffer.from(m.token),
            pushMagic: m.pushMagic,
          });
        }
        await addToOutbox(tx, enrollment.device_id, {
          kind: 'token-updated',
          enrollmentId: enrollment.id,
          at: now(),
          user: Boolean(m.user),
          awaitingConfiguration: m.awaitingConfiguration,
        });
      });
    },

    CheckOut(c) {
      const enrollment = c.get('enrollment');
      return recordThenOk(c, async (tx) => {
        await markCheckedOut(tx, enrollment.id);
        await addToOutbox(tx, enrollment.device_id, {
          kind: 'checked-out',
          enrollmentId: enrollment.id,
          at: now(),
        });
      });
    },

    // The request is signed by the enrollment's bound identity, so the Mac vouches for its user: an empty
    // DigestChallenge lets the user channel open without a server-side sign-in (no second round follows).
    UserAuthenticate(c, m) {
      if (m.digestResponse !== undefined)
        throw new HTTPException(400, { message: 'DigestResponse: Keep sent no digest challenge' });
      c.header('Content-Type', 'application/xml');
      return c.body(buildUserAuthenticateResponse({ digestChallenge: '' }));
    },

    async SetBootstrapToken(c, m) {
      // Sealed to the core before it enters Temporal (edge/apple/bootstrap-token.ts); the edge never stores it.
      await escrowBootstrapToken(askDeviceWorkflow, c.get('enrollment').device_id, m.bootstrapToken);
      return c.body(null, 200);
    },

    async GetBootstrapToken(c) {
      const token = await fetchBootstrapToken(
        askDeviceWorkflow,
        c.get('enrollment').device_id,
        c.get('device'),
        c.req.header('Mdm-Signature'),
      );
      c.header('Content-Type', 'application/xml');
      return c.body(buildGetBootstrapTokenResponse(token));
    },

    async DeclarativeManagement(c, m) {
      const enrollment = c.get('enrollment');
      if (m.endpoint === 'status') {
        const report = decodeStatusReport(m.data ?? new Uint8Array());
        return recordThenOk(c, (tx) =>
          addToOutbox(tx, enrollment.device_id, {
            kind: 'declarative-status',
            enrollmentId: enrollment.id,
            at: now(),
            report: JSON.parse(JSON.stringify(report)) as unknown,
          }),
        );
      }
      const set = await declarationSetOf(deps.db, enrollment);
      if (m.endpoint === 'tokens') return c.json(buildTokensResponse(set.declarations, set.changedAt));
      if (m.endpoint === 'declaration-items') return c.json(buildDeclarationItemsResponse(set.declarations));
      const wanted = declarationAt(m.endpoint, set.declarations);
      if (!wanted) throw new HTTPException(404, { message: `no declaration at ${m.endpoint}` });
      return c.json(declarationDocument(wanted));
    },

    GetToken(_c, m) {
      throw new HTTPException(400, { message: `token service ${m.tokenServiceType} is not offered` });
    },
  };
}

export function checkinRoutes(deps: CheckinDeps) {
  const handlers = checkinHandlers(deps);
  return new Hono<BoundEnrollmentEnv<CheckinMessage>>().put(
    '/mdm/checkin',
    deviceIdentity(deps.identity),
    deviceMessage(decodeCheckin),
    boundEnrollment(deps, (m: CheckinMessage) =>
      m.messageType === 'Authenticate' ? undefined : routingId(m),
    ),
    (c) => {
      const m = c.get('message');
      edgeMetrics.checkins.inc({ platform: 'apple', endpoint: 'checkin', message_type: m.messageType });
      // The decoder chose messageType from the same key set; TypeScript cannot correlate the lookup with `m`.
      const handle = handlers[m.messageType] as Handler<typeof m.messageType>;
      return handle(c, m);
    },
  );
}
