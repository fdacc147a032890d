// MS-MDE2 enrolment at the edge: discovery, the enrolment policy (MS-XCEP) and the enrolment itself (MS-WSTEP),
// whose credential (a directory password, or the token of a federated sign-in) and CSR the core checks and signs.
import type { Client } from '@temporalio/client';
import { Hono, type Context } from 'hono';
import type { Kysely } from 'kysely';
import type { WindowsEnrollmentOutcome } from '../../activities/windows/windows-enrollment.activities.js';
import { withDeadline } from '../../core/concurrency/deadline.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { Logger } from '../../core/log/logger.js';
import { newOpaqueId, workflowIds } from '../../core/temporal/task-queues.js';
import {
  buildDiscoverResponse,
  buildGetPoliciesResponse,
  buildProvisioningDoc,
  buildRequestSecurityTokenResponse,
  decodeDiscoverRequest,
  decodeGetPoliciesRequest,
  decodeRequestSecurityToken,
  WindowsProtocolError,
  type RequestSecurityTokenRequest,
} from '../../core/windows/index.js';
import { ACTION } from '../../core/windows/soap-namespaces.js';
import type { windowsEnrollmentWorkflow } from '../../workflows/windows-enrollment.workflow.js';
import { addDeviceEvent } from '../outbox/outbox.repository.js';
import { peerOf } from '../scep/scep-work-limit.js';
import type { TrustState } from '../trust-state.js';
import type { CredentialThrottle } from './credential-throttle.js';
import { soapAnswer, soapFault } from './soap-answer.js';
import { bindWindowsEnrollment, deviceIdOfHardware } from './windows-enrollment.repository.js';

export const WINDOWS_PATHS = {
  discovery: '/EnrollmentServer/Discovery.svc',
  policy: '/EnrollmentServer/Policy.svc',
  enrollment: '/EnrollmentServer/Enrollment.svc',
  management: '/ManagementServer/MDM.svc',
} as const;

/** Shown in Settings as the management server, and the DM account's name on the PC. */
export const PROVIDER_ID = 'Keep';
/** Between the sessions a PC opens on its own once the first configuration has arrived. */
const POLL_MINUTES = 15;
const DEVICE_CERTIFICATE_DAYS = 365;
const HARDWARE_ID = /^[\w{}.:-]{1,128}$/;

export interface WindowsEnrollmentDeps {
  db: Kysely<EdgeDatabase>;
  temporal: Client;
  coreTaskQueue: string;
  trust: TrustState;
  throttle: CredentialThrottle;
  log: Logger;
  onOutbox: () => void;
  /** How long the edge waits for the core before answering a retryable fault. */
  timeoutMs: number;
  /** `edge.windowsFederated`: discovery offers Federated, users sign in at this URL (federated-sign-in.routes.ts). */
  federatedSignInUrl?: string | undefined;
}

/** Absolute URLs of this edge as the PC reached it (enterpriseenrollment.<domain>, or the URL a user typed). */
const urlOf = (c: Context, path: string) => new URL(path, new URL(c.req.url).origin).toString();

async function readBody(c: Context): Promise<Uint8Array> {
  return new Uint8Array(await c.req.arrayBuffer());
}

export function windowsEnrollmentRoutes(deps: WindowsEnrollmentDeps) {
  /** A message Keep cannot read answers s:MessageFormat naming what is wrong, never quoting the input. */
  function malformed(c: Context, error: unknown, action: string): Response {
    if (!(error instanceof WindowsProtocolError)) throw error;
    return soapFault(c, { code: 'MessageFormat', reason: error.message, action });
  }

  async function enroll(c: Context, request: RequestSecurityTokenRequest): Promise<Response> {
    const fault = (
      code: 'Authentication' | 'Authorization' | 'CertificateRequest' | 'EnrollmentServer' | 'MessageFormat',
      reason: string,
    ) =>
      soapFault(c, {
        code,
        reason,
        relatesTo: request.messageId,
        action: ACTION.requestSecurityTokenResponse,
      });
    const { credential } = request;
    if (credential.kind === 'federated' && !deps.federatedSignInUrl)
      return fault('Authentication', 'this server does not offer federated enrolment');
    const hardwareId = (request.context.get('DeviceID') ?? request.context.get('HWDevID'))?.[0] ?? '';
    if (!HARDWARE_ID.test(hardwareId))
      return fault('MessageFormat', '<ac:AdditionalContext> has no usable DeviceID');
    const peer = peerOf(c);
    // A sign-in token is 256 random bits and single-use: only passwords need the lockout-friendly throttle.
    if (credential.kind === 'username' && !deps.throttle.allowed(credential.username, peer))
      return fault('Authentication', 'too many failed sign-ins; try again later');

    const enrollmentId = newOpaqueId();
    const deviceId = (await deviceIdOfHardware(deps.db, hardwareId)) ?? newOpaqueId();
    let outcome: WindowsEnrollmentOutcome;
    try {
      outcome = await withDeadline(
        deps.temporal.workflow.execute<typeof windowsEnrollmentWorkflow>('windowsEnrollmentWorkflow', {
          workflowId: workflowIds.windowsEnrollment(enrollmentId),
          taskQueue: deps.coreTaskQueue,
          args: [
            {
              enrollmentId,
              deviceId,
              ...(credential.kind === 'username'
                ? { username: credential.username, password: credential.password }
                : { signInToken: credential.token }),
              csrBase64: Buffer.from(request.csrDer).toString('base64'),
            },
          ],
        }),
        deps.timeoutMs,
      );
    } catch (error) {
      deps.log.warn(
        { err: { name: (error as Error).name }, enrollmentId },
        'windows enrolment: core unavailable',
      );
      return fault('EnrollmentServer', 'the server cannot enrol devices right now; try again later');
    }
    switch (outcome.status) {
      case 'refused':
        deps.log.info({ reason: outcome.reason, enrollmentId }, 'windows enrolment refused');
        if (outcome.reason === 'no-directory')
          return fault('Authorization', 'on-premises enrolment is not configured on this server');
        if (credential.kind === 'federated')
          return fault('Authentication', 'the sign-in token is invalid, used or expired; sign in again');
        deps.throttle.failed(credential.username, peer);
        return fault('Authentication', 'the user name or password is incorrect');
      case 'rejected':
        deps.log.info(
          { reason: outcome.reason, enrollmentId },
          'windows enrolment: certificate request refused',
        );
        return fault('CertificateRequest', `the certificate request was refused (${outcome.reason})`);
      case 'issued':
        break;
      default:
        return unreachable(outcome);
    }
    if (credential.kind === 'username') deps.throttle.succeeded(credential.username);
    const context = (name: string) => request.context.get(name)?.[0];
    await deps.db.transaction().execute(async (tx) => {
      await bindWindowsEnrollment(tx, {
        id: enrollmentId,
        deviceId,
        hardwareId,
        fingerprint: outcome.fingerprint,
      });
      await addDeviceEvent(tx, deviceId, {
        platform: 'windows',
        kind: 'authenticated',
        enrollmentId,
        at: new Date().toISOString(),
        data: {
          hardwareId,
          ...(context('OSVersion') ? { osVersion: context('OSVersion')! } : {}),
          facts: {
            windowsEnrollment: {
              deviceType: context('DeviceType') ?? null,
              enrollmentType: context('EnrollmentType') ?? null,
            },
          },
        },
      });
    });
    deps.onOutbox();
    const chain = deps.trust.chain();
    const provisioningDoc = buildProvisioningDoc({
      rootCertDer: chain.at(-1)!,
      deviceCertDer: Buffer.from(outcome.certificateBase64, 'base64'),
      managementUrl: urlOf(c, WINDOWS_PATHS.management),
      providerId: PROVIDER_ID,
      serverName: PROVIDER_ID,
      pollMinutes: POLL_MINUTES,
      certificateStore: context('EnrollmentType') === 'Device' ? 'System' : 'User',
    });
    return soapAnswer(
      c,
      buildRequestSecurityTokenResponse({ relatesTo: request.messageId, provisioningDoc }),
    );
  }

  return new Hono()
    .get(WINDOWS_PATHS.discovery, (c) => c.body(null, 200))
    .post(WINDOWS_PATHS.discovery, async (c) => {
      let request;
      try {
        request = decodeDiscoverRequest(await readBody(c));
      } catch (error) {
        return malformed(c, error, ACTION.discoverResponse);
      }
      // Federated when this edge offers it and the PC can: the admin chose sign-in over directory passwords.
      const federated = deps.federatedSignInUrl !== undefined && request.authPolicies.includes('Federated');
      if (!federated && !request.authPolicies.includes('OnPremise'))
        return soapFault(c, {
          code: 'Authorization',
          reason: deps.federatedSignInUrl
            ? 'this server offers on-premises or federated enrolment only'
            : 'this server offers on-premises (user name and password) enrolment only',
          relatesTo: request.messageId,
          action: ACTION.discoverResponse,
        });
      return soapAnswer(
        c,
        buildDiscoverResponse({
          relatesTo: request.messageId,
          authPolicy: federated ? 'Federated' : 'OnPremise',
          enrollmentPolicyServiceUrl: urlOf(c, WINDOWS_PATHS.policy),
          enrollmentServiceUrl: urlOf(c, WINDOWS_PATHS.enrollment),
          ...(federated ? { authenticationServiceUrl: deps.federatedSignInUrl } : {}),
        }),
      );
    })
    .post(WINDOWS_PATHS.policy, async (c) => {
      let request;
      try {
        request = decodeGetPoliciesRequest(await readBody(c));
      } catch (error) {
        return malformed(c, error, ACTION.getPoliciesResponse);
      }
      // The credential is checked once, at RequestSecurityToken: a second bind per enrolment would double
      // what a mistyped password counts towards the directory's lockout.
      return soapAnswer(
        c,
        buildGetPoliciesResponse({
          relatesTo: request.messageId,
          validityPeriodSeconds: DEVICE_CERTIFICATE_DAYS * 86_400,
          renewalPeriodSeconds: 42 * 86_400,
        }),
      );
    })
    .post(WINDOWS_PATHS.enrollment, async (c) => {
      let request;
      try {
        request = decodeRequestSecurityToken(await readBody(c));
      } catch (error) {
        return malformed(c, error, ACTION.requestSecurityTokenResponse);
      }
      return enroll(c, request);
    });
}

function unreachable(value: never): never {
  throw new TypeError(`unhandled enrolment outcome ${JSON.stringify(value)}`);
}
