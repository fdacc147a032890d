// Apple's admin side: commands built from the one Apple command table, and the routes only Apple has — the
// enrollment profile and the APNs push certificate.
import {
  appleCommands,
  isRequestType,
  redactSecrets,
  userEnrollmentRefusal,
} from '../../core/apple/commands/index.js';
import type { AdminPlatform } from '../platform.js';
import { appleCommandRequestBody, buildAppleCommandRequest } from './command-request.js';
import { depRoutes } from './dep.routes.js';
import { enrollmentRoutes } from './enrollment.routes.js';
import { onboardingRoutes } from './onboarding.routes.js';
import { pushCertificateRoutes } from './push-certificate.routes.js';

export const appleAdminPlatform: AdminPlatform = {
  id: 'apple',
  commands: {
    requestBody: appleCommandRequestBody,
    build: buildAppleCommandRequest,
    // The table marks `helpdesk` what a help desk may send; a raw plist may carry anything.
    permission: (requestType, raw) =>
      !raw && isRequestType(requestType) && appleCommands[requestType].helpdesk
        ? 'commands:send'
        : 'commands:send-any',
    carriesSecret: (requestType, raw) =>
      raw || !isRequestType(requestType) || appleCommands[requestType].carriesSecret === true,
    redactResult: redactSecrets,
    refusal: userEnrollmentRefusal,
  },
  routes: (deps) => [
    ...pushCertificateRoutes(deps),
    // Building and signing a profile takes the core longer than a query.
    ...enrollmentRoutes({ ...deps, timeoutMs: Math.max(deps.timeoutMs, 30_000) }),
    // A sync may page through many devices at Apple.
    ...depRoutes({ ...deps, timeoutMs: Math.max(deps.timeoutMs, 60_000) }),
    ...onboardingRoutes(deps),
  ],
};
