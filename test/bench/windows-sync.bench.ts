// Windows OMA-DM at scale: N simulated PCs enrol (discovery, XCEP, WSTEP with a real CSR and an LDAP bind), then
// run sessions over mTLS against the served edge (sessions/s, p50/p99 of a whole session, Alert 1201 to the last
// message), then one policy change (a new policy assigned to every Windows PC) is timed until every PC holds it,
// each PC polling as its schedule would, back to back.
import { generateToken } from '../../admin/auth/token-hash.js';
import { SimulatedPc } from '../sim/windows/simulated-pc.js';
import { PASSWORD, startWindowsEnvironment } from '../sim/windows/windows-environment.js';
import { summarize } from '../sim/apple/fleet.js';
import { planesAdminApp } from '../support/planes-admin.js';
import { startKeepTestStack } from '../support/start-stack.js';
import '../support/quiet-temporal.js';
import { intParam, metric, type BenchParams, type BenchResult } from './benchmark.js';
import { runLoad } from './load-loop.js';

const CAMERA = './Device/Vendor/MSFT/Policy/Config/Camera/AllowCamera';

export default async function run(raw: BenchParams): Promise<BenchResult> {
  const params = {
    pcs: intParam(raw, 'pcs', 20, 500),
    sessionsPerPc: intParam(raw, 'sessionsPerPc', 5, 100),
    concurrency: intParam(raw, 'concurrency', 8, 64),
    maxSeconds: intParam(raw, 'maxSeconds', 120, 600),
  };
  const concurrency = Math.min(params.concurrency, params.pcs);
  const running = await startKeepTestStack();
  const env = await startWindowsEnvironment({ users: ['ada'], stack: running.stack });
  const token = generateToken();
  const admin = planesAdminApp(env.planes, token);
  const pcs = Array.from({ length: params.pcs }, () => new SimulatedPc({ edgeCa: env.tlsCa.certPem }));
  try {
    const maxMs = params.maxSeconds * 1000;
    const enrolment = await runLoad({ count: pcs.length, concurrency, maxMs }, async (i) => {
      const result = await pcs[i]!.enroll(env.served.baseUrl, { username: 'ada', password: PASSWORD });
      if (!result.ok) throw new Error(`enrolment refused: ${result.status} ${result.fault}`);
      // The first session makes the channel ready; the second answers the inventory the core then queues.
      await pcs[i]!.session();
    });
    if (enrolment.failed > 0) throw new Error(`enrolment failed: ${enrolment.errors.join('; ')}`);

    // Steady state: every PC runs its sessions, one at a time per PC (a PC never opens two at once).
    const sessions = await runLoad(
      { count: pcs.length * params.sessionsPerPc, concurrency, maxMs },
      async (i) => {
        await pcs[i % pcs.length]!.session();
      },
    );

    // One policy change reaching every PC: from the admin's call to each PC holding the value.
    const call = async (path: string, body: unknown) => {
      const res = await admin.request(path, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as Record<string, unknown>;
    };
    const started = performance.now();
    const policy = await call('/v1/policies', {
      schemaVersion: 1,
      name: 'bench-camera-off',
      settings: { restrictions: { allowCamera: false } },
    });
    await call(`/v1/policies/${policy.policyId as string}/assignments`, { platforms: ['windows'] });
    const reached: number[] = [];
    const deadline = started + maxMs;
    let index = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (index < pcs.length) {
          const pc = pcs[index++]!;
          while (pc.nodes.get(CAMERA) !== '0') {
            if (performance.now() > deadline) throw new Error('the policy did not reach every PC in time');
            await pc.session();
          }
          reached.push(performance.now() - started);
        }
      }),
    );
    const change = summarize(reached);
    return {
      params: { ...params, transport: 'https-mtls-loopback' },
      metrics: {
        enrolments_per_s: metric(enrolment.perSecond, 'PCs/s'),
        enrolment_p50: metric(enrolment.latencyMs.p50, 'ms'),
        enrolment_p99: metric(enrolment.latencyMs.p99, 'ms'),
        sessions_per_s: metric(sessions.perSecond, 'sessions/s'),
        session_p50: metric(sessions.latencyMs.p50, 'ms'),
        session_p99: metric(sessions.latencyMs.p99, 'ms'),
        sessions_failed: metric(sessions.failed, 'sessions'),
        policy_reached_all: metric(change.max, 'ms'),
        policy_reached_p50: metric(change.p50, 'ms'),
      },
      notes: [
        'edge, core worker, admin API, slapd and the PCs share this process and machine',
        'a session is Alert 1201 + DevInfo through the last message of the package; PCs poll back to back (no WNS)',
        ...sessions.errors,
      ],
    };
  } finally {
    for (const pc of pcs) pc.close();
    await env.close();
    await running.stop();
  }
}
