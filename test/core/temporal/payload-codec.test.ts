import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import {
  EncryptionCodec,
  ENCRYPTED_ENCODING,
  keepDataConverter,
} from '../../../core/temporal/payload-codec.js';
import { testStack } from '../../support/stack.js';
import type { FailingActivities } from './fixtures/failing.workflow.js';
import { useTestPlanes } from '../../support/test-context.js';
import { collectPayloads } from '../../support/history-payloads.js';

const text = new TextEncoder();

describe('EncryptionCodec', () => {
  it('round-trips a payload and hides its data and encoding', async () => {
    const codec = new EncryptionCodec(new KeyRing([{ id: 'a', key: Buffer.alloc(32, 1) }]));
    const payload = {
      metadata: { encoding: text.encode('json/plain') },
      data: text.encode('"SECRET-MARKER"'),
    };
    const [encoded] = await codec.encode([payload]);
    expect(Buffer.from(encoded!.data!).includes('SECRET-MARKER')).toBe(false);
    expect(new TextDecoder().decode(encoded!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(new TextDecoder().decode(encoded!.metadata!['encryption-key-id'])).toBe('a');
    const [decoded] = await codec.decode([encoded!]);
    expect(new TextDecoder().decode(decoded!.data)).toBe('"SECRET-MARKER"');
  });

  it('keeps reading payloads sealed under a rotated-out key while sealing new ones with the new key', async () => {
    const old = { id: 'old', key: Buffer.alloc(32, 2) };
    const [sealedBefore] = await new EncryptionCodec(new KeyRing([old])).encode([
      { metadata: {}, data: text.encode('x') },
    ]);
    const rotated = new EncryptionCodec(new KeyRing([{ id: 'new', key: Buffer.alloc(32, 3) }, old]));
    const [decoded] = await rotated.decode([sealedBefore!]);
    expect(new TextDecoder().decode(decoded!.data)).toBe('x');
    const [sealedAfter] = await rotated.encode([{ metadata: {}, data: text.encode('y') }]);
    expect(new TextDecoder().decode(sealedAfter!.metadata!['encryption-key-id'])).toBe('new');
  });

  it('refuses a payload whose ciphertext was altered or whose key is not in the ring', async () => {
    const codec = new EncryptionCodec(new KeyRing([{ id: 'a', key: Buffer.alloc(32, 1) }]));
    const [encoded] = await codec.encode([{ metadata: {}, data: text.encode('x') }]);
    // Flip every bit of one byte: a change whatever the byte held (setting it to 0 missed one time in 256).
    const altered = Buffer.from(encoded!.data!);
    altered[20] = altered[20]! ^ 0xff;
    const tampered = { ...encoded!, data: altered };
    await expect(codec.decode([tampered])).rejects.toThrow(/authentication/);
    const stranger = new EncryptionCodec(new KeyRing([{ id: 'b', key: Buffer.alloc(32, 1) }]));
    await expect(stranger.decode([encoded!])).rejects.toThrow(/no key "a"/);
  });
});

describe('Temporal history of a finished workflow', () => {
  const planes = useTestPlanes();

  it('holds only ciphertext when read without the codec, and the values when read with it', async () => {
    const marker = `MARKER-${randomUUID()}`;
    const app = planes.edgeApp;
    const res = await app.request('/v1/probe', { method: 'POST', body: JSON.stringify({ marker }) });
    expect(res.status).toBe(200);
    const { workflowId } = (await res.json()) as { workflowId: string };

    const connection = await Connection.connect({ address: testStack().temporalAddress });
    try {
      const raw = new Client({ connection, namespace: testStack().temporalNamespace });
      const history = await raw.workflow.getHandle(workflowId).fetchHistory();
      const payloads = collectPayloads(history);
      // input, signal, two activity inputs and results, the workflow result
      expect(payloads.length).toBeGreaterThanOrEqual(7);
      for (const payload of payloads) {
        expect(Buffer.from(payload.metadata?.encoding ?? []).toString()).toBe(ENCRYPTED_ENCODING);
        expect(Buffer.from(payload.data ?? []).includes(marker)).toBe(false);
      }
      expect(JSON.stringify(history)).not.toContain(Buffer.from(marker).toString('base64').slice(0, 16));
      await expect(raw.workflow.getHandle(workflowId).result()).rejects.toThrow();

      const result = (await planes.temporal.workflow.getHandle(workflowId).result()) as { marker: string };
      expect(result.marker).toBe(marker);
    } finally {
      await connection.close();
    }
  });
});

describe('Temporal history of a failed workflow', () => {
  let worker: Worker;
  let workerDone: Promise<void>;
  let client: Client;
  const taskQueue = `failing-${randomUUID()}`;
  beforeAll(async () => {
    const stack = testStack();
    const activities: FailingActivities = {
      failWith: async (message) => {
        throw ApplicationFailure.nonRetryable(message);
      },
    };
    worker = await Worker.create({
      connection: await NativeConnection.connect({ address: stack.temporalAddress }),
      namespace: stack.temporalNamespace,
      taskQueue,
      workflowsPath: fileURLToPath(new URL('./fixtures/failing.workflow.ts', import.meta.url)),
      activities,
      dataConverter: keepDataConverter(stack.payloadKeys),
    });
    workerDone = worker.run();
    client = new Client({
      connection: await Connection.connect({ address: stack.temporalAddress }),
      namespace: stack.temporalNamespace,
      dataConverter: keepDataConverter(stack.payloadKeys),
    });
  });
  afterAll(async () => {
    worker?.shutdown();
    await workerDone;
    await client?.connection.close();
  });

  it('holds activity and workflow failure messages only as ciphertext, and the codec reads them back', async () => {
    const marker = `SERIAL-${randomUUID()}`;
    const workflowId = `failing-${randomUUID()}`;
    const handle = await client.workflow.start('failingWorkflow', { workflowId, taskQueue, args: [marker] });
    const failure = await handle.result().then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect((failure as WorkflowFailedError).cause?.message).toBe(`the activity failed: ${marker}`);

    const raw = new Client({ connection: client.connection, namespace: testStack().temporalNamespace });
    const history = JSON.stringify(await raw.workflow.getHandle(workflowId).fetchHistory());
    expect(history).toContain('activityTaskFailedEventAttributes');
    expect(history).toContain('workflowExecutionFailedEventAttributes');
    expect(history).not.toContain(marker);
    expect(history).not.toContain(Buffer.from(marker).toString('base64').slice(0, 16));
  });
});
