// Plays an attacker who owns the edge: its Temporal address, namespace and payload key, nothing of the core's.
// After a full scenario it decodes every payload of every history it can list and searches them for the
// secrets the scenario handled; then it asks the device workflow for a bootstrap token and to queue a command,
// starts the workflows only an admin may start, and runs a worker of its own whose workflows call the core.
import { createServer } from 'node:https';
import { createHash } from 'node:crypto';
import { serve, type ServerType } from '@hono/node-server';
import { fileURLToPath } from 'node:url';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../admin/auth/token-hash.js';
import { buildCommand, serializeCommand } from '../../core/apple/commands/index.js';
import { parseSignedData } from '../../core/cms/index.js';
import { EncryptionCodec } from '../../core/temporal/payload-codec.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { temporalClientOptions } from '../../core/temporal/connection-options.js';
import { workflowIds } from '../../core/temporal/task-queues.js';
import { getBootstrapTokenUpdate, queueCommandUpdate } from '../../workflows/device.messages.js';
import {
  abortRolloutUpdate,
  approveRolloutUpdate,
  pauseRolloutUpdate,
  resumeRolloutUpdate,
} from '../../workflows/rollout.messages.js';
import { createFakeApns, type RunningFakeApns } from '../fakes/apns/fake-apns.js';
import { SimulatedAppleDevice } from '../sim/apple/simulated-device.js';
import { eventually, identityFrom, signedRequest, type Identity } from '../support/apple-requests.js';
import type { PlistValue } from '../../core/apple/plist-codec.js';
import { generateBoxKeyPair } from '../../core/crypto/sealed-box.js';
import { freePort } from '../support/global-setup.js';
import { planesAdminApp } from '../support/planes-admin.js';
import { createTestPushCertificate } from '../support/push-cert.js';
import { createTestCa, issueLoopbackServerCertificate } from '../support/test-ca.js';
import { useTestPlanes } from '../support/test-context.js';
import { collectPayloads, readable } from '../support/history-payloads.js';
import { causes } from '../support/error-causes.js';

describe('an attacker holding only the edge configuration', { timeout: 240_000 }, () => {
  const token = generateToken();
  const tlsCa = createTestCa('Keep Test TLS CA');
  const pushCa = createTestCa('Keep Test Push CA');
  let apns: RunningFakeApns;
  let fake: ReturnType<typeof createFakeApns>;
  let port: number;
  let server: ServerType;
  let admin: ReturnType<typeof planesAdminApp>;
  let mac: SimulatedAppleDevice;
  let deviceId: string;
  let attacker: Client;
  let attackerConnection: Connection;
  const secrets: Record<string, string> = {};
  const controls: Record<string, string> = {};
  const api = (method: string, path: string, body?: unknown) =>
    admin.request(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  beforeAll(async () => {
    fake = createFakeApns({ clientCaPem: pushCa.certPem });
    apns = await fake.start();
    port = await freePort();
  });
  const planes = useTestPlanes(() => ({
    apns: { url: apns.url, caPem: apns.caPem },
    edgePublicUrl: `https://127.0.0.1:${port}`,
  }));

  beforeAll(async () => {
    const tls = issueLoopbackServerCertificate(tlsCa);
    server = await new Promise<ServerType>((resolve) => {
      const s: ServerType = serve(
        {
          fetch: planes.edgeApp.fetch,
          hostname: '127.0.0.1',
          port,
          createServer,
          serverOptions: { cert: tls.certPem, key: tls.keyPem },
        },
        () => resolve(s),
      );
    });
    admin = planesAdminApp(planes, token);
    // The edge's own settings, and only those.
    const edgeTemporal = planes.edgeConfig.temporal;
    attackerConnection = await Connection.connect({ address: edgeTemporal.address });
    attacker = new Client({
      connection: attackerConnection,
      namespace: edgeTemporal.namespace,
      dataConverter: { payloadCodecs: [new EncryptionCodec(KeyRing.parse(edgeTemporal.payloadKeys))] },
    });
    expect(temporalClientOptions(edgeTemporal).namespace).toBe(edgeTemporal.namespace);
  }, 120_000);

  afterAll(async () => {
    mac?.close();
    await attackerConnection?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await apns?.close();
  });

  it('runs the scenario: profile, challenge, enrolment, bootstrap token, a PIN lock and an admin command', async () => {
    const push = createTestPushCertificate({ ca: pushCa });
    const imported = await api('POST', '/v1/push-certificate', {
      certPem: push.certPem,
      keyPem: push.keyPem,
    });
    const { workflowId } = (await imported.json()) as { workflowId: string };
    await planes.temporal.workflow.getHandle(workflowId).result();

    const profile = await api('POST', '/v1/enrollments/apple');
    expect(profile.status).toBe(201);
    const profileBytes = new Uint8Array(await profile.arrayBuffer());
    const plist = Buffer.from(parseSignedData(profileBytes).content!).toString('utf8');
    secrets.profileChallenge = /<key>Challenge<\/key>\s*<string>([^<]+)<\/string>/.exec(plist)![1]!;

    mac = new SimulatedAppleDevice({ kind: 'mac' });
    await mac.enrollFromProfile(profileBytes, {
      edgeCa: tlsCa.certPem,
      fakeApns: fake,
      bootstrapToken: true,
    });
    secrets.bootstrapToken = Buffer.from(mac.state.bootstrapToken!).toString('base64');
    deviceId = (
      await eventually(async () =>
        planes.database.core.db
          .selectFrom('devices')
          .select(['id', 'enrollment_status'])
          .where('udid', '=', mac.udid)
          .executeTakeFirst()
          .then((r) => (r?.enrollment_status === 'enrolled' ? r : undefined)),
      )
    ).id;
    controls.deviceId = deviceId;

    const answer = await mac.checkIn('GetBootstrapToken', { AwaitingConfiguration: false });
    expect(answer.status).toBe(200);
    expect(answer.body.toString()).toContain(secrets.bootstrapToken);

    const challenge = await api('POST', '/v1/scep/challenges', { purpose: 'wifi', deviceId });
    expect(challenge.status).toBe(201);
    secrets.adminChallenge = ((await challenge.json()) as { challenge: string }).challenge;

    const pin = String(100000 + Math.floor(Math.random() * 900000));
    secrets.pin = `<string>${pin}</string>`;
    const lock = await api('POST', `/v1/devices/${deviceId}/commands`, {
      requestType: 'DeviceLock',
      parameters: { pin, message: 'compromised-edge test' },
    });
    expect(lock.status).toBe(202);
    const listed = await api('POST', `/v1/devices/${deviceId}/commands`, { requestType: 'ProfileList' });
    expect(listed.status).toBe(202);
    controls.commandUuid = ((await listed.json()) as { commandUuid: string }).commandUuid;
    // The command's plist, found only by decoding base64 inside a payload: proves the nested search works.
    controls.commandPlist = '<string>ProfileList</string>';
    await mac.runSession();
    // The device got its PIN: sealing hid it from Temporal and the edge database, not from the device.
    expect(mac.state.lock).toMatchObject({ locked: true, pin });
  });

  it('finds no challenge, bootstrap token or profile secret in any history it can decode', async () => {
    const codec = new EncryptionCodec(KeyRing.parse(planes.edgeConfig.temporal.payloadKeys));
    const texts: string[] = [];
    const workflowsSeen: string[] = [];
    const query = `TaskQueue = '${planes.coreConfig.core.taskQueue}'`;
    for await (const execution of attacker.workflow.list({ query })) {
      workflowsSeen.push(execution.workflowId);
      const handle = attacker.workflow.getHandle(execution.workflowId, execution.runId);
      const history = await handle.fetchHistory();
      const decoded = await codec.decode(collectPayloads(history.events));
      for (const payload of decoded) texts.push(readable(Buffer.from(payload.data ?? []).toString('latin1')));
    }
    const haystack = texts.join('\n');
    expect(workflowsSeen).toContain(workflowIds.device(deviceId));
    for (const [name, control] of Object.entries(controls))
      expect(haystack.includes(control), name).toBe(true);
    for (const name of ['profileChallenge', 'adminChallenge', 'bootstrapToken', 'pin'] as const)
      expect(haystack.includes(secrets[name]!), name).toBe(false);
  });

  it('finds no DeviceLock PIN in the edge database once the device answered', async () => {
    const edge = planes.database.edge.db;
    const lock = await edge
      .selectFrom('command_queue')
      .select(['status', 'body'])
      .where('request_type', '=', 'DeviceLock')
      .executeTakeFirstOrThrow();
    // Delivered and answered: the body (sealed while it waited) is gone, the row kept for retention.
    expect(lock.status).toBe('acknowledged');
    expect(lock.body.length).toBe(0);
    const tables = await Promise.all([
      edge.selectFrom('command_queue').select('body').execute(),
      edge.selectFrom('command_results').select('body').execute(),
    ]);
    const stored = tables.flat().map((row) => row.body.toString('latin1'));
    expect(stored.join('\n')).not.toContain(secrets.pin!);
  });

  it('keeps no command result at the edge once it was relayed to the core', async () => {
    const edge = planes.database.edge.db;
    // The core has the ProfileList answer: relayed.
    await eventually(() =>
      planes.database.core.db
        .selectFrom('device_commands')
        .select('status')
        .where('command_uuid', '=', controls.commandUuid!)
        .where('status', '=', 'acknowledged')
        .executeTakeFirst(),
    );
    await eventually(() =>
      edge
        .selectFrom('outbox')
        .select('id')
        .where('relayed_at', 'is', null)
        .executeTakeFirst()
        .then((row) => (row ? undefined : true)),
    );
    const results = await edge.selectFrom('command_results').select(['command_uuid', 'body']).execute();
    // Kept for dedup and retention (the command UUID and status), without the answer.
    expect(results.map((r) => r.command_uuid)).toContain(controls.commandUuid);
    expect(results.every((r) => r.body.length === 0)).toBe(true);
    const events = await edge.selectFrom('outbox').select('event').execute();
    const relayed = JSON.stringify(events.map((e) => e.event));
    expect(relayed).toContain(controls.commandUuid);
    expect(relayed).not.toContain('ProfileList');
  });

  it('is refused a bootstrap token read through Temporal', async () => {
    const handle = attacker.workflow.getHandle(workflowIds.device(deviceId));
    const attempt = handle.executeUpdate(getBootstrapTokenUpdate, { args: [] as never });
    await expect(attempt).rejects.toThrow();
    const reads = await planes.database.core.db
      .selectFrom('audit_log')
      .select('details')
      .where('action', '=', 'bootstrap-token.read')
      .where('target_id', '=', deviceId)
      .execute();
    // Only the device's own read, bound to its certificate fingerprint.
    expect(reads).toHaveLength(1);
    expect(JSON.stringify(reads[0]!.details)).toContain(
      createHash('sha256').update(mac.identity!.certificate).digest('hex'),
    );
  });

  it('is refused a token with a signed message that is not the device asking for it', async () => {
    const handle = attacker.workflow.getHandle(workflowIds.device(deviceId));
    const signedBy = (identity: Identity, message: Record<string, PlistValue>) => {
      const request = signedRequest('/mdm/checkin', message, identity);
      return request.arrayBuffer().then((body) => ({
        bodyBase64: Buffer.from(body).toString('base64'),
        signatureBase64: request.headers.get('mdm-signature')!,
      }));
    };
    const own = { cert: mac.identity!.certificate, key: mac.identity!.privateKey };
    const stranger = identityFrom(createTestCa('Not Keep'), 'stranger');
    const replyTo = generateBoxKeyPair().recipient;
    const attempts = [
      // The device's own signature, over another message type.
      await signedBy(own, { MessageType: 'CheckOut', UDID: mac.udid, Topic: 'com.apple.mgmt.test' }),
      // A well-formed GetBootstrapToken signed by a certificate Keep did not issue for this enrollment.
      await signedBy(stranger, { MessageType: 'GetBootstrapToken', UDID: mac.udid }),
    ];
    for (const signed of attempts) {
      const refused = await handle
        .executeUpdate(getBootstrapTokenUpdate, { args: [{ replyTo, signed }] })
        .catch((error: unknown) => error);
      expect(causes(refused)).toMatch(/the device request is not proven/);
    }
  });

  it('is refused when it queues a command of its own through Temporal', async () => {
    const handle = attacker.workflow.getHandle(workflowIds.device(deviceId));
    const built = buildCommand({ requestType: 'EraseDevice', pin: '123456' });
    const command = {
      commandUuid: built.CommandUUID,
      requestType: 'EraseDevice',
      payload: serializeCommand(built),
      requestedBy: 'admin@example.com',
    };
    const attempt = handle.executeUpdate(queueCommandUpdate, {
      args: [command],
      updateId: command.commandUuid,
    });
    expect(causes(await attempt.catch((error: unknown) => error))).toMatch(/not authorised by an admin/);
    const rows = await planes.database.core.db
      .selectFrom('device_commands')
      .select('command_uuid')
      .where('command_uuid', '=', command.commandUuid)
      .execute();
    expect(rows).toEqual([]);
  });
  it('can neither steer a rollout with Updates nor run it under a plan of its own', async () => {
    const policy = {
      schemaVersion: 1,
      name: 'compromised-edge',
      settings: { screenLock: { idleTimeoutMinutes: 5 } },
    };
    const stored = await api('POST', '/v1/policies', policy);
    expect(stored.status).toBe(201);
    const { policyId } = (await stored.json()) as { policyId: string };
    expect((await api('POST', `/v1/policies/${policyId}/assignments`, { platforms: ['macOS'] })).status).toBe(
      201,
    );
    const staged = { ...policy, settings: { screenLock: { idleTimeoutMinutes: 2 } } };
    expect((await api('POST', '/v1/policies?staged=true', staged)).status).toBe(201);
    // A soak of an hour keeps the first wave waiting at its gate for the whole test.
    const started = await api('POST', '/v1/rollouts', {
      policyId,
      waves: [{ percent: 100 }],
      minSoakSeconds: 3600,
    });
    expect(started.status).toBe(201);
    const rolloutId = ((await started.json()) as { id: string }).id;
    const status = async () =>
      (
        await planes.database.core.db
          .selectFrom('rollouts')
          .select(['status', 'revision'])
          .where('id', '=', rolloutId)
          .executeTakeFirstOrThrow()
      ).status;
    // Released: the workflow runs its gate, its Update handlers in place.
    await eventually(() =>
      planes.database.core.db
        .selectFrom('rollout_devices')
        .select('released_at')
        .where('rollout_id', '=', rolloutId)
        .where('released_at', 'is not', null)
        .executeTakeFirst(),
    );

    const handle = attacker.workflow.getHandle(workflowIds.rollout(rolloutId));
    // Pause and abort are possible while it runs: only the missing proof refuses them.
    for (const update of [pauseRolloutUpdate, abortRolloutUpdate]) {
      const refused = await handle
        .executeUpdate(update, { args: [{ by: 'admin@example.com', requestId: crypto.randomUUID() }] })
        .catch((error: unknown) => error);
      expect(causes(refused), update.name).toMatch(/not authorised by an admin/);
    }
    expect(await status()).toBe('running');
    const paused = await api('POST', `/v1/rollouts/${rolloutId}/pause`);
    expect(paused.status).toBe(200);
    // The admin's own request, read back from the history the attacker can decode and sent again: used up.
    const history = await handle.fetchHistory();
    const codec = new EncryptionCodec(KeyRing.parse(planes.edgeConfig.temporal.payloadKeys));
    const sent = (await codec.decode(collectPayloads(history.events)))
      .map((p) => Buffer.from(p.data ?? []).toString('utf8'))
      .find((text) => text.includes('"requestId"'));
    const replayed = JSON.parse(sent!) as { by: string; requestId: string };
    for (const update of [resumeRolloutUpdate, pauseRolloutUpdate, approveRolloutUpdate]) {
      const refused = await handle
        .executeUpdate(update, { args: [replayed] })
        .catch((error: unknown) => error);
      expect(causes(refused), update.name).toMatch(/not authorised by an admin|cannot/);
    }
    expect(await status()).toBe('paused');

    // The same rollout under another workflow id, told the gate is already met: refused before it acts.
    const forged = await attacker.workflow
      .execute('rolloutWorkflow', {
        workflowId: `forged-${rolloutId}`,
        taskQueue: planes.coreConfig.core.taskQueue,
        args: [
          {
            rolloutId,
            policyId,
            plan: {
              waves: [{ percent: 100 }],
              minSoakSeconds: 0,
              gates: { maxFailedPercent: 100, minVerifiedPercent: 0, timeLimitSeconds: 3600 },
              requireApproval: false,
              checkIntervalSeconds: 1,
            },
          },
        ],
      })
      .catch((error: unknown) => error);
    expect(causes(forged)).toMatch(/not the rollout's own workflow/);
    const never = crypto.randomUUID();
    const unknown = await attacker.workflow
      .execute('rolloutWorkflow', {
        workflowId: workflowIds.rollout(never),
        taskQueue: planes.coreConfig.core.taskQueue,
        args: [{ rolloutId: never }],
      })
      .catch((error: unknown) => error);
    expect(causes(unknown)).toMatch(/no such rollout/);
    expect(await status()).toBe('paused');

    // The admin API's own request carries the proof.
    const aborted = await api('POST', `/v1/rollouts/${rolloutId}/abort`);
    expect(aborted.status).toBe(200);
    expect(await status()).toBe('aborted');
  });
  it('is refused an enrollment profile or a SCEP challenge of its own through Temporal', async () => {
    const replyTo = generateBoxKeyPair().recipient;
    const enrollmentId = crypto.randomUUID();
    const profile = await attacker.workflow
      .execute('enrollmentProfileWorkflow', {
        workflowId: workflowIds.enrollmentProfile(enrollmentId),
        taskQueue: planes.coreConfig.core.taskQueue,
        args: [{ enrollmentId, replyTo }],
      })
      .catch((error: unknown) => error);
    expect(causes(profile)).toMatch(/not authorised by an admin/);
    const challenge = await attacker.workflow
      .execute('scepChallengeWorkflow', {
        workflowId: workflowIds.scepChallenge(crypto.randomUUID()),
        taskQueue: planes.coreConfig.core.taskQueue,
        args: [{ purpose: 'wifi', boundTo: { kind: 'device', id: deviceId }, replyTo }],
      })
      .catch((error: unknown) => error);
    expect(causes(challenge)).toMatch(/not authorised by an admin/);
  });

  it('is refused a push certificate, an ABM token, a revocation, a CA rollover, a bulk command or a secret rotation of its own through Temporal', async () => {
    const push = createTestPushCertificate({ ca: pushCa });
    const serialHex = (
      await planes.database.core.db
        .selectFrom('certificates')
        .select('serial_hex')
        .where(
          'sha256_fingerprint',
          '=',
          createHash('sha256').update(mac.identity!.certificate).digest('hex'),
        )
        .executeTakeFirstOrThrow()
    ).serial_hex;
    const attempts: Array<[string, string, unknown]> = [
      [
        'pushCertificateWorkflow',
        `push-certificate-${crypto.randomUUID()}`,
        {
          edgeTaskQueue: planes.edgeConfig.edge.taskQueue,
          certificate: {
            id: crypto.randomUUID(),
            topic: 'com.apple.mgmt.attacker',
            serialNumber: '01',
            commonName: 'attacker',
            notBefore: new Date().toISOString(),
            notAfter: new Date(Date.now() + 86_400_000).toISOString(),
            certPem: push.certPem,
            keyPem: push.keyPem,
            uploadedBy: 'admin@example.com',
          },
        },
      ],
      ['depServerCreateWorkflow', `dep-${crypto.randomUUID()}`, { id: crypto.randomUUID() }],
      [
        'depTokenImportWorkflow',
        `dep-${crypto.randomUUID()}`,
        { serverId: crypto.randomUUID(), p7mBase64: 'AA==' },
      ],
      ['revocationWorkflow', workflowIds.revocation(crypto.randomUUID()), { serialHex }],
      // A new issuing CA and every device renewed onto it; a command to many devices; a secret rotated on demand.
      [
        'caRolloverWorkflow',
        `ca-rollover-${crypto.randomUUID()}`,
        {
          rolloverId: crypto.randomUUID(),
          announceSeconds: 1,
          batchSize: 1000,
          checkIntervalSeconds: 1,
          askAgainAfterMinutes: 1,
          deadline: new Date().toISOString(),
        },
      ],
      ['bulkCommandWorkflow', `bulk-command-${crypto.randomUUID()}`, { bulkId: crypto.randomUUID() }],
      [
        'secretRotationWorkflow',
        `secret-rotation-${crypto.randomUUID()}`,
        { deviceId, kind: 'recovery-lock', retryAfterMs: 1000 },
      ],
    ];
    for (const [workflowType, workflowId, input] of attempts) {
      const refused = await attacker.workflow
        .execute(workflowType, { workflowId, taskQueue: planes.coreConfig.core.taskQueue, args: [input] })
        .catch((error: unknown) => error);
      expect(causes(refused), workflowType).toMatch(/not authorised by an admin/);
    }
    const revoked = await planes.database.core.db
      .selectFrom('certificates')
      .select('revoked_at')
      .where('serial_hex', '=', serialHex)
      .executeTakeFirstOrThrow();
    expect(revoked.revoked_at).toBeNull();
  });

  it("is refused the core's activities and a revocation from workflows its own worker runs", async () => {
    const edgeTemporal = planes.edgeConfig.temporal;
    const attackerQueue = `attacker-${crypto.randomUUID()}`;
    const worker = await Worker.create({
      connection: await NativeConnection.connect({ address: edgeTemporal.address }),
      namespace: edgeTemporal.namespace,
      taskQueue: attackerQueue,
      workflowsPath: fileURLToPath(
        new URL('../workflows/fixtures/rogue-core-activity.workflow.ts', import.meta.url),
      ),
      dataConverter: { payloadCodecs: [new EncryptionCodec(KeyRing.parse(edgeTemporal.payloadKeys))] },
    });
    const running = worker.run();
    try {
      const coreTaskQueue = planes.coreConfig.core.taskQueue;
      const challenge = await attacker.workflow
        .execute('rogueCoreActivityWorkflow', {
          workflowId: `rogue-${crypto.randomUUID()}`,
          taskQueue: attackerQueue,
          args: [
            {
              coreTaskQueue,
              activity: 'createScepChallenge',
              args: [{ purpose: 'device-identity', boundTo: { kind: 'device', id: deviceId } }],
            },
          ],
        })
        .catch((error: unknown) => error);
      expect(causes(challenge)).toMatch(/not a workflow of the core's task queue/);
      const serialHex = (
        await planes.database.core.db
          .selectFrom('certificates')
          .select('serial_hex')
          .where(
            'sha256_fingerprint',
            '=',
            createHash('sha256').update(mac.identity!.certificate).digest('hex'),
          )
          .executeTakeFirstOrThrow()
      ).serial_hex;
      const revocation = await attacker.workflow
        .execute('rogueRevocationParentWorkflow', {
          workflowId: `rogue-${crypto.randomUUID()}`,
          taskQueue: attackerQueue,
          args: [
            { coreTaskQueue, workflowId: workflowIds.revocation(crypto.randomUUID()), target: { serialHex } },
          ],
        })
        .catch((error: unknown) => error);
      expect(causes(revocation)).toMatch(/not authorised by an admin/);
      const row = await planes.database.core.db
        .selectFrom('certificates')
        .select('revoked_at')
        .where('serial_hex', '=', serialHex)
        .executeTakeFirstOrThrow();
      expect(row.revoked_at).toBeNull();
    } finally {
      worker.shutdown();
      await running;
    }
  });
});
