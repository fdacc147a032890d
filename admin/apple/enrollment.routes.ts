// /v1/enrollments/apple: a new Apple enrollment — a signed .mobileconfig holding a one-time SCEP challenge
// bound to a fresh enrollment id. The profile is a secret until installed: audited, never logged.
import { randomUUID } from 'node:crypto';
import { ServiceError, WorkflowFailedError, type Client } from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import type { Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { enrollmentProfileWorkflow } from '../../workflows/enrollment-profile.workflow.js';
import { recordAdminStart } from '../admin-command-request.repository.js';
import { recordAudit } from '../audit.repository.js';
import { defineRoute, type AdminRoute } from '../define-route.js';
import { errorBody } from '../openapi.js';
import { TemporalDeadlineError, withTemporalDeadline } from '../temporal-deadline.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { failureType } from '../failure-type.js';
import { profileReplyContext } from '../../core/apple/enrollment-profile.js';
import { generateBoxKeyPair, openSealed } from '../../core/crypto/sealed-box.js';

export interface EnrollmentDeps {
  db: Kysely<CoreDatabase>;
  temporal: Client;
  coreTaskQueue: string;
  timeoutMs: number;
}

export const APPLE_PROFILE_CONTENT_TYPE = 'application/x-apple-aspen-config';

export function enrollmentRoutes(deps: EnrollmentDeps): AdminRoute[] {
  const route = defineRoute(
    {
      method: 'post',
      path: '/v1/enrollments/apple',
      summary:
        'Create an Apple enrollment and download its signed .mobileconfig (SCEP identity with a one-time challenge, MDM payload, Keep CA anchor). Needs an imported push certificate.',
      permission: 'enrollments:create',
      responses: {
        201: {
          description: `The signed profile (${APPLE_PROFILE_CONTENT_TYPE}); header Keep-Enrollment-Id names the enrollment.`,
        },
        409: { description: 'No push certificate has been imported yet.', schema: errorBody },
        503: { description: 'The core did not answer in time.', schema: errorBody },
      },
    },
    async (c) => {
      const enrollmentId = randomUUID();
      await recordAudit(deps.db, c.get('principal'), {
        action: 'enrollment.create',
        targetKind: 'enrollment',
        targetId: enrollmentId,
        details: { platform: 'apple' },
      });
      const reply = generateBoxKeyPair();
      const input = { enrollmentId, replyTo: reply.recipient };
      const workflowId = workflowIds.enrollmentProfile(enrollmentId);
      // The proof the workflow checks first: the edge, which cannot write the core schema, cannot mint a profile.
      await recordAdminStart(deps.db, {
        workflowId,
        workflowType: 'enrollmentProfileWorkflow',
        input,
        requestedBy: c.get('principal').subject,
      });
      let result: { sealedProfile: string; expiresAt?: string };
      try {
        result = await withTemporalDeadline(deps.temporal, deps.timeoutMs, () =>
          deps.temporal.workflow.execute<typeof enrollmentProfileWorkflow>('enrollmentProfileWorkflow', {
            workflowId,
            taskQueue: deps.coreTaskQueue,
            args: [input],
          }),
        );
      } catch (error) {
        if (error instanceof WorkflowFailedError && failureType(error) === 'NoPushCertificate') {
          throw new HTTPException(409, {
            message: 'import an APNs push certificate before enrolling Apple devices',
            cause: error,
          });
        }
        if (
          error instanceof TemporalDeadlineError ||
          error instanceof ServiceError ||
          error instanceof WorkflowFailedError
        ) {
          throw new HTTPException(503, {
            message: 'the core did not create the enrollment profile in time',
            cause: error,
          });
        }
        throw error;
      }
      const profile = openSealed(reply, result.sealedProfile, profileReplyContext(enrollmentId));
      return c.body(new Uint8Array(profile), 201, {
        'Content-Type': APPLE_PROFILE_CONTENT_TYPE,
        'Content-Disposition': `attachment; filename="keep-enrollment-${enrollmentId}.mobileconfig"`,
        'Keep-Enrollment-Id': enrollmentId,
        ...(result.expiresAt ? { 'Keep-Challenge-Expires': result.expiresAt } : {}),
        'Cache-Control': 'no-store',
      });
    },
  );
  return [route];
}
