// `keep rollout` against the real admin API on loopback, with the core's Postgres, Temporal and rollout workflow
// behind it: list, show, pause, resume and abort a rollout, and the exit codes a CI pipeline acts on.
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateToken } from '../../../admin/auth/token-hash.js';
import { ROLLOUT_EXIT, runRollout } from '../../../cli/rollout/rollout-command.js';
import { insertDevice } from '../../admin/support.js';
import { planesAdminApp } from '../../support/planes-admin.js';
import { servedOnLoopback, type ServedEdge } from '../../support/served-edge.js';
import { useTestPlanes } from '../../support/test-context.js';

const policy = (minLength: number) => ({
  schemaVersion: 1,
  name: 'baseline',
  settings: { passcode: { minLength } },
});

describe('keep rollout', { timeout: 120_000 }, () => {
  const planes = useTestPlanes();
  const token = generateToken();
  let served: ServedEdge;
  let rolloutId: string;

  async function api(method: string, path: string, body?: unknown) {
    const res = await fetch(`${served.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  async function keep(...args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const code = await runRollout(args, {
      env: { KEEP_ADMIN_URL: served.baseUrl, KEEP_ADMIN_TOKEN: token },
      out: (text) => (out += `${text}\n`),
      err: (text) => (err += `${text}\n`),
    });
    return { code, out, err };
  }

  beforeAll(async () => {
    const admin = planesAdminApp(planes, token);
    const server = await new Promise<ServerType>((resolve) => {
      const s: ServerType = serve({ fetch: admin.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s));
    });
    served = servedOnLoopback(server, false);
    const stored = await api('POST', '/v1/policies', policy(8));
    const policyId = stored.body.policyId as string;
    // A device that never answers keeps the first wave waiting on its gate until the test changes the rollout.
    await insertDevice(planes.database.core.db);
    expect((await api('POST', `/v1/policies/${policyId}/assignments`, {})).status).toBe(201);
    expect((await api('POST', '/v1/policies?staged=true', policy(12))).status).toBe(201);
    const started = await api('POST', '/v1/rollouts', {
      policyId,
      waves: [{ count: 1 }, { percent: 100 }],
    });
    expect(started.status).toBe(201);
    rolloutId = started.body.id as string;
  });
  afterAll(async () => served?.close());

  it('lists rollouts, one line each, or as JSON', async () => {
    const listed = await keep('list');
    expect(listed.code).toBe(ROLLOUT_EXIT.ok);
    expect(listed.out).toMatch(
      new RegExp(`^${rolloutId}  running(, wave \\d of \\d)?  policy \\S+ v1 -> v2\\n$`),
    );
    const json = await keep('list', '--json');
    expect((JSON.parse(json.out) as { items: Array<{ id: string }> }).items.map((r) => r.id)).toEqual([
      rolloutId,
    ]);
  });

  it('shows one, and exits 2 once it is paused and waits for a decision', async () => {
    const shown = await keep('show', rolloutId);
    expect(shown.code).toBe(ROLLOUT_EXIT.ok);
    expect(shown.out.startsWith(`${rolloutId}  running`)).toBe(true);
    const paused = await keep('pause', rolloutId, '--json');
    expect(paused.code, paused.err).toBe(ROLLOUT_EXIT.ok);
    expect(JSON.parse(paused.out)).toMatchObject({ id: rolloutId, status: 'paused' });
    const again = await keep('show', rolloutId);
    expect(again.code).toBe(ROLLOUT_EXIT.needsDecision);
    expect(again.out).toContain(`${rolloutId}  paused`);
  });

  it('resumes and aborts it; a change its status does not allow is refused with exit 3 and the reason', async () => {
    expect((await keep('resume', rolloutId)).code).toBe(ROLLOUT_EXIT.ok);
    const aborted = await keep('abort', rolloutId);
    expect(aborted.code).toBe(ROLLOUT_EXIT.ok);
    expect(aborted.out).toContain(`${rolloutId}  aborted`);
    const refused = await keep('resume', rolloutId);
    expect(refused.code).toBe(ROLLOUT_EXIT.refused);
    expect(refused.err).toMatch(/^keep rollout: POST \/v1\/rollouts\/\S+\/resume: 409 /);
    expect((await keep('show', crypto.randomUUID())).code).toBe(ROLLOUT_EXIT.refused);
  });

  it('refuses bad arguments and a missing token before calling anything', async () => {
    const bad = await keep('pause');
    expect(bad.code).toBe(ROLLOUT_EXIT.failed);
    expect(bad.err).toContain('keep rollout: pause needs a rollout id');
    expect((await keep('promote', rolloutId)).err).toContain('unknown command promote');
    let err = '';
    const code = await runRollout(['list'], { env: {}, out: () => {}, err: (t) => (err += t) });
    expect(code).toBe(ROLLOUT_EXIT.failed);
    expect(err).toContain('KEEP_ADMIN_TOKEN or KEEP_ADMIN_TOKEN_FILE is required');
  });
});
