// /v1/scep/challenges and /v1/certificates/{serial}/revoke: SCEP challenges for other enrolments (Wi-Fi, VPN,
// user identities) and revocation — both carried out by core workflows, both audited before they happen.
import { randomUUID } from 'node:crypto';
import {
  ServiceError,
  WithStartWorkflowOperation,
  WorkflowFailedError,
  type Client,
} from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../core/db/core-database.js';
import { revocationRecordedUpdate, type revocationWorkflow } from '../workflows/revocation.workflow.js';
import type { scepChallengeWorkflow } from '../workflows/scep-challenge.workflow.js';
import { recordAdminStart } from './admin-command-request.repository.js';
import { recordAudit } from './audit.repository.js';
import { readJson } from './json-body.js';
import { errorBody } from './openapi.js';
import { TemporalDeadlineError, withTemporalDeadline } from './temporal-deadline.js';
import { workflowIds } from '../core/temporal/task-queues.js';
import { generateBoxKeyPair, openSealed } from '../core/crypto/sealed-box.js';
import { challengeReplyContext } from '../core/pki/scep-challenge.js';
import { defineRoute, type AdminRoute } from './define-route.js';

export interface PkiRoutesDeps {
  db: Kysely<CoreDatabase>;
  temporal: Client;
  coreTaskQueue: string;
  timeoutMs: number;
}

const challengeBody = z
  .strictObject({
    purpose: z.enum(['device-identity', 'user-identity', 'wifi', 'vpn']),
    enrollmentId: z.uuid().optional().describe('Bind the challenge to this enrollment…'),
    deviceId: z.uuid().optional().describe('…or to this enrolled device.'),
    minutes: z.number().int().min(1).max(10080).optional().describe('Lifetime; the core default otherwise.'),
  })
  .refine((b) => Boolean(b.enrollmentId) !== Boolean(b.deviceId), {
    message: 'give exactly one of enrollmentId or deviceId',
    path: ['enrollmentId'],
  });

const challengeView = z.object({
  challenge: z.string().describe('Shown once; only its HMAC is stored.'),
  expiresAt: z.iso.datetime(),
});

const revokeBody = z.strictObject({
  reason: z
    .enum(['unspecified', 'keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation'])
    .optional(),
});

const SERIAL = /^[0-9a-fA-F]{2,64}$/;

async function inCore<T>(deps: PkiRoutesDeps, call: () => Promise<T>): Promise<T> {
  try {
    return await withTemporalDeadline(deps.temporal, deps.timeoutMs, call);
  } catch (error) {
    if (
      error instanceof TemporalDeadlineError ||
      error instanceof ServiceError ||
      error instanceof WorkflowFailedError
    ) {
      throw new HTTPException(503, { message: 'the core did not answer in time', cause: error });
    }
    throw error;
  }
}

export function pkiRoutes(deps: PkiRoutesDeps): AdminRoute[] {
  return [
    defineRoute(
      {
        method: 'post',
        path: '/v1/scep/challenges',
        summary:
          'Issue a single-use, time-limited SCEP challenge for a purpose, bound to an enrollment or a device.',
        permission: 'challenges:create',
        body: challengeBody,
        responses: {
          201: { description: 'The challenge (shown once).', schema: challengeView },
          400: { description: 'The body names the field that is wrong.', schema: errorBody },
          503: { description: 'The core did not answer in time.', schema: errorBody },
        },
      },
      async (c) => {
        const body = await readJson(c, challengeBody);
        const boundTo = body.enrollmentId
          ? { kind: 'enrollment' as const, id: body.enrollmentId }
          : { kind: 'device' as const, id: body.deviceId! };
        const id = randomUUID();
        await recordAudit(deps.db, c.get('principal'), {
          action: 'scep-challenge.create',
          targetKind: boundTo.kind,
          targetId: boundTo.id,
          details: { purpose: body.purpose },
        });
        // The challenge crosses Temporal sealed to a key that lives only in this request.
        const reply = generateBoxKeyPair();
        const input = {
          purpose: body.purpose,
          boundTo,
          replyTo: reply.recipient,
          ...(body.minutes ? { minutes: body.minutes } : {}),
        };
        const workflowId = workflowIds.scepChallenge(id);
        // The proof the workflow checks first: the edge, which cannot write the core schema, cannot mint one.
        await recordAdminStart(deps.db, {
          workflowId,
          workflowType: 'scepChallengeWorkflow',
          input,
          requestedBy: c.get('principal').subject,
        });
        const { sealedChallenge, expiresAt } = await inCore(deps, () =>
          deps.temporal.workflow.execute<typeof scepChallengeWorkflow>('scepChallengeWorkflow', {
            workflowId,
            taskQueue: deps.coreTaskQueue,
            args: [input],
          }),
        );
        const challenge = openSealed(reply, sealedChallenge, challengeReplyContext(boundTo)).toString();
        c.header('Cache-Control', 'no-store');
        return c.json({ challenge, expiresAt }, 201);
      },
    ),
    defineRoute(
      {
        method: 'post',
        path: '/v1/certificates/{serial}/revoke',
        summary:
          'Revoke a certificate by serial: recorded in the core, a new CRL published, every edge refuses it.',
        permission: 'certificates:revoke',
        params: { serial: 'The certificate serial number, hex.' },
        body: revokeBody,
        responses: {
          200: {
            description:
              'Revoked (or already revoked) in the core; everyEdge says whether every edge refuses it yet (an edge that is down gets it when it is back).',
            schema: z.object({ serial: z.string(), revoked: z.number(), everyEdge: z.boolean() }),
          },
          400: { description: 'Not a serial number.', schema: errorBody },
          404: { description: 'No certificate with this serial.', schema: errorBody },
          503: { description: 'The core did not answer in time.', schema: errorBody },
        },
      },
      async (c) => {
        const serial = c.req.param('serial');
        if (!SERIAL.test(serial))
          throw new HTTPException(400, { message: 'serial: expected the hex serial number' });
        const body = await readJson(c, revokeBody);
        const known = await deps.db
          .selectFrom('certificates')
          .select('serial_hex')
          .where('serial_hex', '=', serial.toLowerCase())
          .executeTakeFirst();
        if (!known) throw new HTTPException(404, { message: `no certificate with serial ${serial}` });
        await recordAudit(deps.db, c.get('principal'), {
          action: 'certificate.revoke',
          targetKind: 'certificate',
          targetId: known.serial_hex,
          details: { reason: body.reason ?? 'unspecified' },
        });
        const workflowId = workflowIds.revocation(randomUUID());
        const input = { serialHex: known.serial_hex, ...(body.reason ? { reason: body.reason } : {}) };
        // The proof the workflow checks first: the edge cannot revoke a certificate through Temporal.
        await recordAdminStart(deps.db, {
          workflowId,
          workflowType: 'revocationWorkflow',
          input,
          requestedBy: c.get('principal').subject,
        });
        const result = await inCore(deps, () =>
          deps.temporal.workflow.executeUpdateWithStart(revocationRecordedUpdate, {
            startWorkflowOperation: new WithStartWorkflowOperation<typeof revocationWorkflow>(
              'revocationWorkflow',
              {
                workflowId,
                taskQueue: deps.coreTaskQueue,
                workflowIdConflictPolicy: 'FAIL',
                args: [input],
              },
            ),
          }),
        );
        return c.json({ serial: known.serial_hex, revoked: result.revoked, everyEdge: result.everyEdge });
      },
    ),
  ];
}
