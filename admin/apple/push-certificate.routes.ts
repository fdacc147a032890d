// /v1/push-certificate: import the APNs push certificate (validated here, stored and installed by a
// workflow) and show which one is in use — topic and expiry, never the key.
import { randomUUID } from 'node:crypto';
import { ServiceError } from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import {
  parsePushCertificate,
  PushCertificateError,
  type PushCertificateInput,
} from '../../core/apple/push-certificate.js';
import { pushCertificateExpiry } from '../../core/apple/push-certificate-expiry.js';
import type { pushCertificateWorkflow } from '../../workflows/push-certificate.workflow.js';
import { recordAdminStart } from '../admin-command-request.repository.js';
import { recordAudit } from '../audit.repository.js';
import { readJson } from '../json-body.js';
import { errorBody } from '../openapi.js';
import { currentPushCertificate, hasEnrolledAppleDevices } from './push-certificate.repository.js';
import { TemporalDeadlineError, withTemporalDeadline } from '../temporal-deadline.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { defineRoute, type AdminRoute } from '../define-route.js';
import type { AdminPlatformDeps } from '../platform.js';

/** The admin app's platform deps are exactly what these routes need. */
export type PushCertificateDeps = AdminPlatformDeps;

export const pushCertificateWorkflowId = workflowIds.pushCertificate;

const MAX_PEM = 64 * 1024;

const uploadBody = z.union([
  z.strictObject({
    certPem: z.string().min(1).max(MAX_PEM).describe('The push certificate, PEM.'),
    keyPem: z.string().min(1).max(MAX_PEM).describe('Its RSA private key, PEM (may be encrypted).'),
    keyPassword: z.string().max(1000).optional().describe('Password of an encrypted keyPem.'),
  }),
  z.strictObject({
    pkcs12: z
      .base64('expected base64')
      .max(MAX_PEM)
      .describe('A PKCS#12 (.p12) holding certificate and key, base64.'),
    password: z.string().max(1000),
  }),
]);

const certificateView = z.object({
  id: z.uuid(),
  topic: z.string().describe('The APNs topic, com.apple.mgmt.External.<uuid>.'),
  commonName: z.string().nullable(),
  serialNumber: z.string(),
  notBefore: z.iso.datetime(),
  notAfter: z.iso.datetime(),
  uploadedBy: z.string(),
  uploadedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().describe('When pushes stop working unless a renewed certificate is imported.'),
  daysLeft: z.number().int().describe('Whole days left; negative once expired.'),
  warning: z
    .enum(['none', '30-days', '14-days', '7-days', '1-day', 'expired'])
    .describe('Warned at 30, 14, 7 and 1 days before expiry, and once expired.'),
});

const accepted = z.object({
  id: z.uuid(),
  workflowId: z.string(),
  topic: z.string(),
  notAfter: z.iso.datetime(),
});

const problemBody = errorBody.extend({
  problem: z.string().describe('e.g. wrong-password, expired, key-mismatch'),
});

function pushExpiryView(notAfter: Date, now: Date) {
  const { expiresAt, daysLeft, warning } = pushCertificateExpiry(notAfter, now);
  return { expiresAt: expiresAt.toISOString(), daysLeft, warning };
}

function toInput(body: z.infer<typeof uploadBody>): PushCertificateInput {
  if ('pkcs12' in body)
    return { kind: 'pkcs12', data: Buffer.from(body.pkcs12, 'base64'), password: body.password };
  return { kind: 'pem', certPem: body.certPem, keyPem: body.keyPem, keyPassword: body.keyPassword };
}

export function pushCertificateRoutes(deps: PushCertificateDeps): AdminRoute[] {
  return [
    defineRoute(
      {
        method: 'post',
        path: '/v1/push-certificate',
        summary:
          'Import the APNs MDM push certificate (PEM pair or PKCS#12). It is validated here, then stored with its key sealed and installed at the edge by a workflow.',
        permission: 'push-certificate:write',
        body: uploadBody,
        responses: {
          202: { description: 'Valid; the import workflow has started.', schema: accepted },
          400: { description: 'The upload is unusable; `problem` says why.', schema: problemBody },
          409: {
            description:
              'A renewal with another topic than the current certificate while Apple devices are enrolled (`topic-changed`; the message names both topics).',
            schema: problemBody,
          },
          503: { description: 'Temporal did not accept the import in time.', schema: errorBody },
        },
      },
      async (c) => {
        const body = await readJson(c, uploadBody);
        let certificate;
        try {
          certificate = parsePushCertificate(toInput(body), { now: deps.now() });
        } catch (error) {
          if (!(error instanceof PushCertificateError)) throw error;
          return c.json({ error: `${error.problem}: ${error.message}`, problem: error.problem }, 400);
        }
        // Devices address pushes by the topic in their enrollment profile: another topic would strand them all.
        const current = await currentPushCertificate(deps.db);
        if (current && current.topic !== certificate.topic && (await hasEnrolledAppleDevices(deps.db)))
          return c.json(
            {
              error: `topic-changed: this certificate's topic is "${certificate.topic}" but enrolled devices use "${current.topic}"; renew the certificate for "${current.topic}" in the Apple Push Certificates Portal with the Apple ID that created it`,
              problem: 'topic-changed',
            },
            409,
          );
        const id = randomUUID();
        const workflowId = pushCertificateWorkflowId(id);
        const notAfter = certificate.notAfter.toISOString();
        await recordAudit(deps.db, c.get('principal'), {
          action: 'push-certificate.import',
          targetKind: 'push-certificate',
          targetId: id,
          details: { topic: certificate.topic, serialNumber: certificate.serialNumber, notAfter },
        });
        const input = {
          edgeTaskQueue: deps.edgeTaskQueue,
          certificate: {
            id,
            topic: certificate.topic,
            serialNumber: certificate.serialNumber,
            commonName: certificate.commonName,
            notBefore: certificate.notBefore.toISOString(),
            notAfter,
            certPem: certificate.certPem,
            keyPem: certificate.keyPem,
            uploadedBy: c.get('principal').subject,
          },
        };
        // The proof the workflow checks first: the edge cannot swap the push certificate through Temporal.
        await recordAdminStart(deps.db, {
          workflowId,
          workflowType: 'pushCertificateWorkflow',
          input,
          requestedBy: c.get('principal').subject,
        });
        try {
          await withTemporalDeadline(deps.temporal, deps.timeoutMs, () =>
            deps.temporal.workflow.start<typeof pushCertificateWorkflow>('pushCertificateWorkflow', {
              workflowId,
              taskQueue: deps.coreTaskQueue,
              args: [input],
            }),
          );
        } catch (error) {
          if (error instanceof TemporalDeadlineError || error instanceof ServiceError) {
            throw new HTTPException(503, {
              message: `Temporal did not accept the import in time; workflow ${workflowId} may or may not have started`,
              cause: error,
            });
          }
          throw error;
        }
        return c.json({ id, workflowId, topic: certificate.topic, notAfter }, 202);
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/push-certificate',
        summary:
          'The push certificate in use: topic, validity and how close it is to expiring (warned at 30, 14, 7 and 1 days), never the key.',
        permission: 'push-certificate:read',
        responses: {
          200: { description: 'The newest imported certificate.', schema: certificateView },
          404: { description: 'None imported yet.', schema: errorBody },
        },
      },
      async (c) => {
        const row = await currentPushCertificate(deps.db);
        if (!row) throw new HTTPException(404, { message: 'no push certificate has been imported yet' });
        const view: z.infer<typeof certificateView> = {
          id: row.id,
          topic: row.topic,
          commonName: row.common_name,
          serialNumber: row.serial_number,
          notBefore: row.not_before.toISOString(),
          notAfter: row.not_after.toISOString(),
          uploadedBy: row.uploaded_by,
          uploadedAt: row.created_at.toISOString(),
          ...pushExpiryView(row.not_after, deps.now()),
        };
        return c.json(view);
      },
    ),
  ];
}
