// A compromised edge holds the namespace's credentials, so it can run a worker of its own and have its own
// workflows schedule the core's activities on the core's task queue. The core worker runs an activity only for a
// workflow that runs on the core's task queue (Keep's own code); the attacker's workflow is refused.
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { WorkflowFailedError } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keepDataConverter } from '../../core/temporal/payload-codec.js';
import { newOpaqueId, workflowIds } from '../../core/temporal/task-queues.js';
import { testStack } from '../support/stack.js';
import { useTestPlanes } from '../support/test-context.js';
import { causes } from '../support/error-causes.js';

describe(
  "the core's activities, scheduled by a workflow that is not the core's",
  { timeout: 120_000 },
  () => {
    const planes = useTestPlanes();
    const attackerQueue = `attacker-${newOpaqueId()}`;
    let worker: Worker;
    let workerDone: Promise<void>;

    beforeAll(async () => {
      const stack = testStack();
      worker = await Worker.create({
        connection: await NativeConnection.connect({ address: stack.temporalAddress }),
        namespace: stack.temporalNamespace,
        taskQueue: attackerQueue,
        workflowsPath: fileURLToPath(
          new URL('../workflows/fixtures/rogue-core-activity.workflow.ts', import.meta.url),
        ),
        dataConverter: keepDataConverter(stack.payloadKeys),
      });
      workerDone = worker.run();
    }, 60_000);

    afterAll(async () => {
      worker?.shutdown();
      await workerDone;
    });

    const rogue = (activity: string, args: unknown[]) =>
      planes.temporal.workflow.execute('rogueCoreActivityWorkflow', {
        workflowId: `rogue-${newOpaqueId()}`,
        taskQueue: attackerQueue,
        args: [{ coreTaskQueue: planes.coreConfig.core.taskQueue, activity, args }],
      });

    it('refuses to create a SCEP challenge for it (a certificate from the CA would follow)', async () => {
      const attempt = rogue('createScepChallenge', [
        { purpose: 'device-identity', boundTo: { kind: 'enrollment', id: newOpaqueId() } },
      ]);
      const error = await attempt.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(WorkflowFailedError);
      expect(causes(error)).toMatch(/not a workflow of the core's task queue/);
      const challenges = await planes.database.core.db
        .selectFrom('scep_challenges')
        .select('bound_id')
        .execute();
      expect(challenges).toEqual([]);
    });

    it("refuses a revocation started as the child of its own workflow (a check-out's looks so)", async () => {
      const serialHex = randomBytes(8).toString('hex');
      const enrollmentId = randomUUID();
      await planes.database.core.db
        .insertInto('certificates')
        .values({
          serial_hex: serialHex,
          subject: `CN=keep-enrollment-${enrollmentId}`,
          profile: 'device-identity',
          device_id: null,
          enrollment_id: enrollmentId,
          not_before: new Date(Date.now() - 60_000),
          not_after: new Date(Date.now() + 86_400_000),
          sha256_fingerprint: randomBytes(32).toString('hex'),
          der: randomBytes(16),
          challenge_hash: null,
          revoked_at: null,
          revocation_reason: null,
        })
        .execute();
      const error = await planes.temporal.workflow
        .execute('rogueRevocationParentWorkflow', {
          workflowId: `rogue-${newOpaqueId()}`,
          taskQueue: attackerQueue,
          args: [
            {
              coreTaskQueue: planes.coreConfig.core.taskQueue,
              workflowId: workflowIds.revocation(randomUUID()),
              target: { serialHex },
            },
          ],
        })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(error).toBeInstanceOf(WorkflowFailedError);
      expect(causes(error)).toMatch(/not authorised by an admin/);
      const row = await planes.database.core.db
        .selectFrom('certificates')
        .select('revoked_at')
        .where('serial_hex', '=', serialHex)
        .executeTakeFirstOrThrow();
      expect(row.revoked_at).toBeNull();
    });

    it("still runs the core's activities for the core's own workflows (the edge may start this one)", async () => {
      const recipient = await planes.temporal.workflow.execute('coreSealingKeyWorkflow', {
        workflowId: `core-sealing-key-${newOpaqueId()}`,
        taskQueue: planes.coreConfig.core.taskQueue,
        args: [],
      });
      expect(recipient).toBeDefined();
    });
  },
);
