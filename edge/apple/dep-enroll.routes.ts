// POST /mdm/dep/enroll — the `url` of Keep's ADE profile: a device in Setup Assistant sends its MachineInfo and
// gets its enrollment profile, but only if Apple Business Manager assigns it to Keep (the core decides).
// https://developer.apple.com/documentation/devicemanagement/machineinfo
import { randomUUID } from 'node:crypto';
import { ApplicationFailure, WorkflowFailedError, type Client } from '@temporalio/client';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { verifySignedData } from '../../core/cms/index.js';
import { withDeadline } from '../../core/concurrency/deadline.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { optional } from '../../core/apple/plist-fields.js';
import { profileReplyContext } from '../../core/apple/enrollment-profile.js';
import { generateBoxKeyPair, openSealed } from '../../core/crypto/sealed-box.js';
import type { zeroTouchAdmissionWorkflow } from '../../workflows/zero-touch-admission.workflow.js';
import { parseDeviceBody } from './parse-device-body.js';

export interface DepEnrollDeps {
  temporal: Client;
  coreTaskQueue: string;
  edgeTaskQueue: string;
  temporalTimeoutMs?: number;
}

/** MachineInfo is a handful of short strings. */
const MAX_BODY = 64 * 1024;

/** The NotAdmitted failure behind a failed admission (workflow → activity → application failure). */
function notAdmitted(error: unknown): boolean {
  let cause: unknown = error;
  while (cause instanceof Error) {
    if (cause instanceof ApplicationFailure) return cause.type === 'NotAdmitted';
    cause = cause.cause;
  }
  return false;
}

/**
 * The body is MachineInfo signed by the device (CMS SignedData), or the bare plist. The signature is checked
 * against the certificate the device sent; that certificate's chain to Apple's device CA is not checked yet.
 */
function machineInfoPlist(body: Buffer): Buffer {
  if (body[0] !== 0x30) return body;
  try {
    return verifySignedData(body).content;
  } catch (cause) {
    throw new HTTPException(400, {
      message: 'malformed request: MachineInfo signature does not verify',
      cause,
    });
  }
}

export function depEnrollRoutes(deps: DepEnrollDeps) {
  return new Hono().post(
    '/mdm/dep/enroll',
    bodyLimit({ maxSize: MAX_BODY, onError: (c) => c.text('request body too large', 413) }),
    async (c) => {
      const body = Buffer.from(await c.req.arrayBuffer());
      const { serialNumber, machine } = parseDeviceBody(machineInfoPlist(body), (dict) => {
        const serial = optional(dict, 'SERIAL', 'string');
        if (!serial)
          throw new HTTPException(400, { message: 'malformed request: MachineInfo has no SERIAL' });
        // What the core decides from whether the device can attest (OS_VERSION: iOS 17, macOS 14 and later).
        const product = optional(dict, 'PRODUCT', 'string');
        const osVersion = optional(dict, 'OS_VERSION', 'string');
        return {
          serialNumber: serial,
          machine: { ...(product ? { product } : {}), ...(osVersion ? { osVersion } : {}) },
        };
      });
      const reply = generateBoxKeyPair();
      let result: { enrollmentId: string; sealedProfile: string };
      try {
        result = await withDeadline(
          deps.temporal.workflow.execute<typeof zeroTouchAdmissionWorkflow>('zeroTouchAdmissionWorkflow', {
            workflowId: workflowIds.zeroTouchAdmission(randomUUID()),
            taskQueue: deps.coreTaskQueue,
            args: [{ serialNumber, machine, edgeTaskQueue: deps.edgeTaskQueue, replyTo: reply.recipient }],
          }),
          deps.temporalTimeoutMs ?? 30_000,
        );
      } catch (cause) {
        if (cause instanceof WorkflowFailedError && notAdmitted(cause))
          throw new HTTPException(403, { message: 'this device is not assigned to this MDM server', cause });
        throw new HTTPException(503, { message: 'the core is not reachable; try again later', cause });
      }
      const profile = openSealed(reply, result.sealedProfile, profileReplyContext(result.enrollmentId));
      return c.body(new Uint8Array(profile), 200, {
        'Content-Type': 'application/x-apple-aspen-config',
        'Cache-Control': 'no-store',
      });
    },
  );
}
