// PUT /mdm/checkin — Apple's check-in protocol: one handler per MessageType, chosen by an exhaustive switch.
// https://developer.apple.com/documentation/devicemanagement/check-in
import { Hono, type Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { Kysely } from 'kysely';
import { WithStartWorkflowOperation, type Client } from '@temporalio/client';
import {
  buildGetBootstrapTokenResponse,
  decodeCheckin,
  type CheckinMessage,
} from '../../core/apple/checkin/index.js';
import {
  buildDeclarationItemsResponse,
  buildTokensResponse,
  decodeStatusReport,
} from '../../core/apple/declarative/index.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import { newOpaqueId, workflowIds } from '../../core/temporal/task-queues.js';
import {
  getBootstrapTokenUpdate,
  setBootstrapTokenUpdate,
  type DeviceWorkflowInput,
} from '../../workflows/device.messages.js';
import { authorizeAuthenticate } from './authenticate-binding.js';
import { boundEnrollment, type BoundEnrollmentEnv } from './bound-enrollment.js';
import { deviceIdentity, type DeviceIdentityOptions } from './device-identity.js';
import { bindOnAuthenticate, markCheckedOut, updatePushToken } from './enrollment.repository.js';
import { addToOutbox } from './apple-outbox.js';
import { deviceMessage } from './parse-device-body.js';

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

const routingId = (m: CheckinMessage) => (m.enrollment.udid ?? m.enrollment.enrollmentId)!;
const now = () => new Date().toISOString();

/** The device's workflow, started if the relay has not started it yet (the token must not wait for it). */
function startDeviceWorkflow(deps: CheckinDeps, deviceId: string) {
  const input: DeviceWorkflowInput = { deviceId, edgeTaskQueue: deps.edgeTaskQueue };
  return new WithStartWorkflowOperation('deviceWorkflow', {
    workflowId: workflowIds.device(deviceId),
    taskQueue: deps.coreTaskQueue,
    args: [input],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
}

async function withTimeout<T>(deps: CheckinDeps, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), deps.temporalTimeoutMs ?? 10_000);
      }),
    ]);
  } catch (cause) {
    throw new HTTPException(503, { message: 'the core is not reachable; try again later', cause });
  } finally {
    clearTimeout(timer);
  }
}

async function authenticate(
  deps: CheckinDeps,
  c: CheckinContext,
  m: Extract<CheckinMessage, { messageType: 'Authenticate' }>,
) {
  const { certificate, enrollmentId } = c.get('device');
  const udid = routingId(m);
  const grant = await authorizeAuthenticate(deps.db, { udid, enrollmentId, fingerprint: certificate.sha256 });
  await deps.db.transaction().execute(async (tx) => {
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
    });
  });
  deps.onOutbox?.();
  return c.body(null, 200);
}

async function handle(deps: CheckinDeps, c: CheckinContext, m: CheckinMessage): Promise<Response> {
  switch (m.messageType) {
    case 'Authenticate':
      return authenticate(deps, c, m);
    case 'TokenUpdate': {
      const enrollment = c.get('enrollment');
      await deps.db.transaction().execute(async (tx) => {
        // Per-user channels are recorded as events; only the device channel's token is used for pushes.
        if (!m.user) {
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
      deps.onOutbox?.();
      return c.body(null, 200);
    }
    case 'CheckOut': {
      const enrollment = c.get('enrollment');
      await deps.db.transaction().execute(async (tx) => {
        await markCheckedOut(tx, enrollment.id);
        await addToOutbox(tx, enrollment.device_id, {
          kind: 'checked-out',
          enrollmentId: enrollment.id,
          at: now(),
        });
      });
      deps.onOutbox?.();
      return c.body(null, 200);
    }
    case 'UserAuthenticate':
      // Keep does not manage user channels that need a server-side sign-in: 410 declines, per Apple.
      return c.text('user channel declined', 410);
    case 'SetBootstrapToken': {
      const enrollment = c.get('enrollment');
      // The token goes straight to the core vault (through Temporal, encrypted); the edge never stores it.
      const token = m.bootstrapToken?.length ? Buffer.from(m.bootstrapToken).toString('base64') : undefined;
      await withTimeout(
        deps,
        deps.temporal.workflow.executeUpdateWithStart(setBootstrapTokenUpdate, {
          args: [token ? { token } : {}],
          startWorkflowOperation: startDeviceWorkflow(deps, enrollment.device_id),
        }),
      );
      return c.body(null, 200);
    }
    case 'GetBootstrapToken': {
      const enrollment = c.get('enrollment');
      const { token } = await withTimeout(
        deps,
        deps.temporal.workflow.executeUpdateWithStart(getBootstrapTokenUpdate, {
          args: [],
          startWorkflowOperation: startDeviceWorkflow(deps, enrollment.device_id),
        }),
      );
      c.header('Content-Type', 'application/xml');
      return c.body(buildGetBootstrapTokenResponse(token ? Buffer.from(token, 'base64') : undefined));
    }
    case 'DeclarativeManagement': {
      const enrollment = c.get('enrollment');
      if (m.endpoint === 'tokens') return c.json(buildTokensResponse([], enrollment.created_at));
      if (m.endpoint === 'declaration-items') return c.json(buildDeclarationItemsResponse([]));
      if (m.endpoint === 'status') {
        const report = decodeStatusReport(m.data ?? new Uint8Array());
        await addToOutbox(deps.db, enrollment.device_id, {
          kind: 'declarative-status',
          enrollmentId: enrollment.id,
          at: now(),
          report: JSON.parse(JSON.stringify(report)) as unknown,
        });
        deps.onOutbox?.();
        return c.body(null, 200);
      }
      throw new HTTPException(404, { message: `no declaration at ${m.endpoint}` });
    }
    case 'GetToken':
      throw new HTTPException(400, { message: `token service ${m.tokenServiceType} is not offered` });
    default: {
      const unknown: never = m;
      throw new HTTPException(400, { message: `unsupported message ${String(unknown)}` });
    }
  }
}

export function checkinRoute(deps: CheckinDeps) {
  return new Hono<BoundEnrollmentEnv<CheckinMessage>>().put(
    '/mdm/checkin',
    deviceIdentity(deps.identity),
    deviceMessage(decodeCheckin),
    boundEnrollment(deps, (m: CheckinMessage) =>
      m.messageType === 'Authenticate' ? undefined : routingId(m),
    ),
    (c) => handle(deps, c, c.get('message')),
  );
}
