// `keep rollout` against the real admin API on loopback, with the core's Postgres, Temporal and rollout workflow
// behind it: start, watch, list, show, pause, resume and abort a rollout, and the exit codes a CI pipeline acts on.
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

  it('starts a rollout from flags; a canary label no targeted device carries is refused with exit 3 naming the field', async () => {
    const policyId = (await api('GET', `/v1/rollouts/${rolloutId}`)).body.policyId as string;
    const refused = await keep('start', '--policy', policyId, '--waves', 'label:nobody,100%');
    expect(refused.code).toBe(ROLLOUT_EXIT.refused);
    expect(refused.err).toContain('waves[0].label: no device the rollout targets carries the label "nobody"');
    const started = await keep(
      'start',
      '--policy',
      policyId,
      '--waves',
      '1,100%',
      '--approval',
      '--max-failed',
      '10',
      '--check-interval',
      '1',
      '--json',
    );
    expect(started.code, started.err).toBe(ROLLOUT_EXIT.ok);
    const view = JSON.parse(started.out) as { id: string; status: string; plan: Record<string, unknown> };
    expect(view.status).toBe('running');
    expect(view.plan).toMatchObject({
      waves: [{ count: 1 }, { percent: 100 }],
      requireApproval: true,
      checkIntervalSeconds: 1,
      gates: { maxFailedPercent: 10 },
    });
    // Its device never answers: paused, `watch` stops at once and says a person must decide.
    expect((await keep('pause', view.id)).code).toBe(ROLLOUT_EXIT.ok);
    const watched = await keep('watch', view.id, '--interval', '0.2');
    expect(watched.code).toBe(ROLLOUT_EXIT.needsDecision);
    expect(watched.out).toContain(`${view.id}  paused`);
    expect((await keep('abort', view.id)).code).toBe(ROLLOUT_EXIT.ok);
    expect((await keep('watch', view.id)).code).toBe(ROLLOUT_EXIT.aborted);
  });

  it('starts a rollout with --watch and follows it until it completes', async () => {
    // A policy no device carries the label of: no wave to wait for, so the rollout completes by itself.
    const other = await api('POST', '/v1/policies', { ...policy(8), name: 'other' });
    const policyId = other.body.policyId as string;
    expect((await api('POST', `/v1/policies/${policyId}/assignments`, { label: 'kiosk' })).status).toBe(201);
    expect((await api('POST', '/v1/policies?staged=true', { ...policy(12), name: 'other' })).status).toBe(
      201,
    );
    const lines: string[] = [];
    const code = await runRollout(
      [
        'start',
        '--policy',
        policyId,
        '--waves',
        '100%',
        '--check-interval',
        '1',
        '--watch',
        '--interval',
        '0.2',
      ],
      {
        env: { KEEP_ADMIN_URL: served.baseUrl, KEEP_ADMIN_TOKEN: token },
        out: (text) => lines.push(text),
        err: () => {},
        tty: true,
      },
    );
    expect(code).toBe(ROLLOUT_EXIT.ok);
    // On a terminal each change is drawn in place; the last one is the completed rollout.
    const last = lines.at(-1)!;
    expect(last.startsWith('\u001b[H\u001b[2J')).toBe(true);
    expect(last).toMatch(/ {2}completed {2}policy \S+ v1 -> v2/);
  });

  it('refuses bad arguments and a missing token before calling anything', async () => {
    const bad = await keep('pause');
    expect(bad.code).toBe(ROLLOUT_EXIT.failed);
    expect(bad.err).toContain('keep rollout: pause needs a rollout id');
    expect((await keep('promote', rolloutId)).err).toContain('unknown command promote');
    expect((await keep('start', '--policy', rolloutId, '--waves', '10,half')).err).toContain(
      '"half" is not a count',
    );
    expect((await keep('show', rolloutId, '--waves', '10')).err).toContain('--waves is for start');
    let err = '';
    const code = await runRollout(['list'], { env: {}, out: () => {}, err: (t) => (err += t) });
    expect(code).toBe(ROLLOUT_EXIT.failed);
    expect(err).toContain('KEEP_ADMIN_TOKEN or KEEP_ADMIN_TOKEN_FILE is required');
  });
});
