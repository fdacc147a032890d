// Rollout notifications through the real admin API, Temporal and core: a local receiver on 127.0.0.1 hears a
// signed event when a rollout pauses (with why), waits for approval, completes or is aborted, and a receiver that
// refuses once gets the event again; a canary by label puts the labelled device first. The devices targeted never
// answer, so only the gates decide.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookSignature } from '../../activities/webhook/signed-webhook.js';
import { generateToken } from '../../admin/auth/token-hash.js';
import { insertDevice } from '../admin/support.js';
import { eventually } from '../support/apple-requests.js';
import { planesAdminApp } from '../support/planes-admin.js';
import { useTestPlanes } from '../support/test-context.js';

const SECRET = 'a rollout webhook secret of 32+ characters';
const WAIT_MS = 60_000;

interface Heard {
  id: string;
  event: string;
  rolloutId: string;
  reason: string | null;
}

describe('rollout webhooks', { timeout: 180_000 }, () => {
  const heard: Heard[] = [];
  let refusals = 1;
  let receiver: Server;
  let url = '';
  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const signature = String(req.headers['keep-signature']);
        const t = Number(/^t=(\d+),/.exec(signature)?.[1]);
        // The receiver checks the signature as any would: recomputed over "<t>.<body>" with the shared secret.
        if (signature !== webhookSignature(SECRET, body, new Date(t * 1000))) {
          res.writeHead(401).end();
          return;
        }
        if (refusals > 0) {
          refusals--;
          res.writeHead(503).end();
          return;
        }
        heard.push(JSON.parse(body) as Heard);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/keep`;
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  const planes = useTestPlanes(() => ({
    coreEnv: { KEEP_CORE_ROLLOUT_WEBHOOK_URLS: url, KEEP_CORE_ROLLOUT_WEBHOOK_SECRET: SECRET },
  }));
  const token = generateToken();
  let admin: ReturnType<typeof planesAdminApp>;
  async function api(method: string, path: string, body?: unknown) {
    const res = await admin.request(path, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  }
  const policy = (minLength: number) => ({
    schemaVersion: 1,
    name: 'baseline',
    settings: { passcode: { minLength } },
  });
  let policyId = '';
  const devices: string[] = [];
  const heardOf = (rolloutId: string) => heard.filter((h) => h.rolloutId === rolloutId).map((h) => h.event);
  const until = (rolloutId: string, events: string[]) =>
    eventually(
      async () => (heardOf(rolloutId).length >= events.length ? heardOf(rolloutId) : undefined),
      WAIT_MS,
    );

  beforeAll(async () => {
    admin = planesAdminApp(planes, token);
    const team = (await api('POST', '/v1/teams', { name: 'Canaries' })).body.id as string;
    // Two, so that a canary of one leaves a second wave to approve.
    devices.push(await insertDevice(planes.database.core.db), await insertDevice(planes.database.core.db));
    for (const deviceId of devices)
      expect((await api('PUT', `/v1/teams/${team}/devices/${deviceId}`)).status).toBe(204);
    policyId = (await api('POST', '/v1/policies', policy(8))).body.policyId as string;
    expect((await api('POST', `/v1/policies/${policyId}/assignments`, { teamId: team })).status).toBe(201);
  });

  it('tells the receiver a rollout paused, with why, then that it was aborted, retrying a refusal', async () => {
    expect((await api('POST', '/v1/policies?staged=true', policy(10))).status).toBe(201);
    const started = await api('POST', '/v1/rollouts', {
      policyId,
      waves: [{ percent: 100 }],
      gates: { timeLimitSeconds: 1 },
      checkIntervalSeconds: 1,
    });
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    expect(await until(id, ['rollout.paused'])).toEqual(['rollout.paused']);
    expect(refusals).toBe(0);
    expect(heard.find((h) => h.rolloutId === id)?.reason).toBe(
      'wave 1: 0 of 2 devices verified within 1 s (0% < 100%)',
    );
    expect((await api('POST', `/v1/rollouts/${id}/abort`)).status).toBe(200);
    expect(await until(id, ['rollout.paused', 'rollout.aborted'])).toEqual([
      'rollout.paused',
      'rollout.aborted',
    ]);
  });

  it('tells the receiver a canary by label waits for approval, and that it completed once approved', async () => {
    // The device last in id order carries the label, so only the label puts it in the canary wave.
    const labelled = [...devices].sort().at(-1)!;
    expect((await api('PUT', `/v1/devices/${labelled}/labels/canary`)).status).toBe(204);
    expect((await api('POST', '/v1/policies?staged=true', policy(12))).status).toBe(201);
    const started = await api('POST', '/v1/rollouts', {
      policyId,
      waves: [{ label: 'canary' }, { percent: 100 }],
      gates: { minVerifiedPercent: 0 },
      requireApproval: true,
      checkIntervalSeconds: 1,
    });
    expect(started.status).toBe(201);
    const id = started.body.id as string;
    expect(await until(id, ['rollout.awaiting-approval'])).toEqual(['rollout.awaiting-approval']);
    const placed = await planes.database.core.db
      .selectFrom('rollout_devices')
      .select(['device_id', 'wave'])
      .where('rollout_id', '=', id)
      .orderBy('wave')
      .execute();
    expect(placed).toEqual([
      { device_id: labelled, wave: 0 },
      { device_id: devices.find((d) => d !== labelled), wave: 1 },
    ]);
    expect((await api('POST', `/v1/rollouts/${id}/approve`)).status).toBe(200);
    expect(await until(id, ['rollout.awaiting-approval', 'rollout.completed'])).toEqual([
      'rollout.awaiting-approval',
      'rollout.completed',
    ]);
    // Each event names itself once: a receiver tells a repeat by its id.
    const ids = heard.map((h) => h.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
