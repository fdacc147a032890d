// POST /mdm/dep/enroll — the `url` of Keep's ADE profile: a device in Setup Assistant sends its MachineInfo and
// gets its enrollment profile, but only if Apple Business Manager assigns it to Keep (the core decides).
// https://developer.apple.com/documentation/devicemanagement/machineinfo
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { withDeadline } from '../../core/concurrency/deadline.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { profileReplyContext } from '../../core/apple/enrollment-profile.js';
import { generateBoxKeyPair, openSealed } from '../../core/crypto/sealed-box.js';
import type { TrustStore } from '../../core/cms/index.js';
import type { zeroTouchAdmissionWorkflow } from '../../workflows/zero-touch-admission.workflow.js';
import { notAdmitted, readMachineInfo } from './machine-info.js';

export interface DepEnrollDeps {
  temporal: Client;
  coreTaskQueue: string;
  edgeTaskQueue: string;
  temporalTimeoutMs?: number;
  /** The roots a MachineInfo signer must chain to (edge.appleDeviceCaFile). */
  machineInfoCa?: TrustStore;
}

/** MachineInfo is a handful of short strings. */
const MAX_BODY = 64 * 1024;

export function depEnrollRoutes(deps: DepEnrollDeps) {
  return new Hono().post(
    '/mdm/dep/enroll',
    bodyLimit({ maxSize: MAX_BODY, onError: (c) => c.text('request body too large', 413) }),
    async (c) => {
      const body = Buffer.from(await c.req.arrayBuffer());
      const { serialNumber, machine } = readMachineInfo(body, false, deps.machineInfoCa);
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
