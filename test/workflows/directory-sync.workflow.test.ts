// The directory-sync workflow rides out a directory outage (cursor intact, nothing lost), and the core's
// schedule for it is created once and updated in place.
import { Client, Connection, ScheduleOverlapPolicy } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectoryActivities } from '../../activities/directory/directory-sync.activities.js';
import {
  DIRECTORY_SYNC_SCHEDULE,
  ensureDirectorySyncSchedule,
} from '../../activities/directory/directory-sync.schedule.js';
import { startCoreWorker } from '../../activities/core-worker.js';
import { runWorker, type RunningWorker } from '../../runtime/run-worker.js';
import { coreProcessConfig } from '../../core/config/config.schema.js';
import { loadConfig } from '../../core/config/load-config.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { keepDataConverter } from '../../core/temporal/payload-codec.js';
import { eventually } from '../support/apple-requests.js';
import { recordableHistory } from '../support/histories.js';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { addGroup, addUser, settingsFor, userDn } from '../support/directory-seed.js';
import { slapdInstalled, startSlapd, type Slapd } from '../support/slapd.js';
import { testStack } from '../support/stack.js';

describe.skipIf(!slapdInstalled())('directorySyncWorkflow', () => {
  let slapd: Slapd;
  let database: TestDatabase;
  let worker: RunningWorker;
  let connection: Connection;
  let client: Client;
  const taskQueue = `directory-${randomUUID()}`;

  beforeAll(async () => {
    const stack = testStack();
    [slapd, database] = await Promise.all([startSlapd(), createTestDatabase()]);
    await addUser(slapd, { uid: 'alice' });
    await addGroup(slapd, { cn: 'staff', members: [userDn(slapd, 'alice')] });
    const workerConnection = await NativeConnection.connect({ address: stack.temporalAddress });
    worker = runWorker(
      await Worker.create({
        connection: workerConnection,
        namespace: stack.temporalNamespace,
        dataConverter: keepDataConverter(stack.payloadKeys),
        taskQueue,
        workflowBundle: { codePath: stack.workflowBundle },
        activities: createDirectoryActivities({ db: database.core.db, directory: settingsFor(slapd) }),
      }),
      workerConnection,
    );
    connection = await Connection.connect({ address: stack.temporalAddress });
    client = new Client({
      connection,
      namespace: stack.temporalNamespace,
      dataConverter: keepDataConverter(stack.payloadKeys),
    });
  }, 120_000);
  afterAll(async () => {
    await worker?.close();
    await connection?.close();
    await slapd?.close();
    await database?.drop();
  });

  const syncState = () =>
    database.core.db.selectFrom('directory_sync_state').selectAll().executeTakeFirstOrThrow();

  it('retries through a directory outage and completes when it is back, losing nothing', async () => {
    await client.workflow.execute('directorySyncWorkflow', {
      taskQueue,
      workflowId: randomUUID(),
      args: [{}],
    });
    const before = await syncState();
    expect(before.cursor).not.toBeNull();

    await addUser(slapd, { uid: 'bob' });
    await slapd.stop();
    const handle = await client.workflow.start('directorySyncWorkflow', {
      taskQueue,
      workflowId: randomUUID(),
      args: [{}],
    });
    // The activity fails while the directory is down, records why, and leaves the cursor alone.
    await eventually(async () => {
      const pending = (await handle.describe()).raw.pendingActivities ?? [];
      return (pending[0]?.attempt ?? 0) >= 2 ? true : undefined;
    });
    const during = await syncState();
    expect(during.cursor).toBe(before.cursor);
    expect(during.last_error).toMatch(/directory: connect to .* failed/);

    await slapd.start();
    const summary = await handle.result();
    expect(summary.full).toBe(false);
    const after = await syncState();
    expect(after.last_error).toBeNull();
    expect(after.cursor! >= before.cursor!).toBe(true);
    const usernames = await database.core.db
      .selectFrom('directory_users')
      .select('username')
      .orderBy('username')
      .execute();
    expect(usernames.map((u) => u.username)).toEqual(['alice', 'bob']);

    // KEEP_RECORD_HISTORIES=1 refreshes the fixture that test/workflows/replay.test.ts replays on every run.
    if (process.env.KEEP_RECORD_HISTORIES) {
      const file = new URL('../fixtures/histories/directory-sync-workflow.history.pb', import.meta.url);
      writeFileSync(file, await recordableHistory(await handle.fetchHistory(), testStack().payloadKeys));
    }
  });

  it('is scheduled by the core worker at start when a directory is configured (overlap SKIP), and updated in place', async () => {
    const stack = testStack();
    const suffix = randomUUID();
    const config = loadConfig(coreProcessConfig, {
      env: {
        KEEP_DATABASE_URL: database.coreUrl,
        KEEP_TEMPORAL_ADDRESS: stack.temporalAddress,
        KEEP_TEMPORAL_NAMESPACE: stack.temporalNamespace,
        KEEP_TEMPORAL_PAYLOAD_KEYS: stack.payloadKeys,
        KEEP_CORE_SECRET_KEYS: KeyRing.generateSpec('secret-test'),
        KEEP_CORE_TASK_QUEUE: `core-${suffix}`,
        KEEP_CORE_EDGE_TASK_QUEUES: `edge-${suffix}`,
        KEEP_DIRECTORY_URL: slapd.url,
        KEEP_DIRECTORY_BIND_DN: slapd.adminDn,
        KEEP_DIRECTORY_BIND_PASSWORD: slapd.adminPassword,
        KEEP_DIRECTORY_BASE_DN: slapd.baseDn,
        KEEP_DIRECTORY_CA_FILE: slapd.caFile,
        KEEP_DIRECTORY_SYNC_INTERVAL_MINUTES: '720',
      },
    });
    const core = await startCoreWorker(config, stack.workflowBundle);
    const schedule = client.schedule.getHandle(DIRECTORY_SYNC_SCHEDULE);
    try {
      const created = await schedule.describe();
      expect(created.policies.overlap).toBe(ScheduleOverlapPolicy.SKIP);
      expect(created.spec.intervals?.[0]?.every).toBe(720 * 60_000);
      expect(created.action).toMatchObject({
        type: 'startWorkflow',
        workflowType: 'directorySyncWorkflow',
        workflowId: 'directory-sync',
        taskQueue: `core-${suffix}`,
      });
      // A restart with another interval updates the one schedule rather than failing or adding a second.
      await ensureDirectorySyncSchedule(client, { taskQueue: `core-${suffix}`, intervalMinutes: 60 });
      expect((await schedule.describe()).spec.intervals?.[0]?.every).toBe(60 * 60_000);
    } finally {
      await schedule.delete();
      await core.close();
    }
  });
});
