// `npm run bench -- rollout`: N enrolled simulated devices (Macs and iPhones alternating), a staged policy version
// rolled out in three waves (a canary of `canary` devices, 50%, 100%; no soak, gates checked every second) until
// the rollout completes, i.e. every wave is verified by the devices' own answers. A session loop answers each
// device's commands (one session per device per round: the fleet does not listen for pushes). Time per wave,
// devices/s, Temporal's work and Postgres transactions per device. Keep runs split as deployed.
import { setTimeout as sleep } from 'node:timers/promises';
import { summarize } from '../sim/apple/fleet.js';
import { createTestCa, issueLoopbackServerCertificate } from '../support/test-ca.js';
import { startKeepTestStack } from '../support/start-stack.js';
import '../support/quiet-temporal.js';
import { adminGet, adminPost, pgTransactions } from './bench-admin.js';
import { issueIdentities } from './bench-identities.js';
import { BENCH_POLICY } from './bench-policy.js';
import { benchProfile } from './bench-profile.js';
import { intParam, metric, type BenchParams, type BenchResult, type Metric } from './benchmark.js';
import { FleetProcesses, MAX_FLEET_PROCESSES } from './fleet-processes.js';
import { keepPhases } from './keep-phases.js';
import { startKeepProcesses } from './keep-processes.js';
import { workflowCostCounter, workPerOperation } from './workflow-cost.js';

/** What GET /v1/rollouts/{id} answers, as far as the bench reads it. */
interface RolloutView {
  status: string;
  reason: string | null;
  currentWave: number;
  waveCount: number;
  waves: Array<{ targeted: number; verified: number; failed: number }>;
}

export default async function run(raw: BenchParams): Promise<BenchResult> {
  const devices = intParam(raw, 'devices', 50, 1000);
  const params = {
    devices,
    canary: intParam(raw, 'canary', Math.max(1, Math.round(devices / 10)), devices),
    concurrency: intParam(raw, 'concurrency', 16, 256),
    sockets: intParam(raw, 'sockets', 64, 1024),
    fleets: intParam(raw, 'fleets', 2, MAX_FLEET_PROCESSES),
    maxSeconds: intParam(raw, 'maxSeconds', 300, 1800),
  };
  const maxMs = params.maxSeconds * 1000;
  const running = await startKeepTestStack();
  let fleet: FleetProcesses | undefined;
  try {
    const tlsCa = createTestCa('Bench Edge TLS CA');
    const keep = await startKeepProcesses(running, { edgeTls: issueLoopbackServerCertificate(tlsCa) });
    try {
      const identities = await issueIdentities(keep.issuingCa, keep.database.edge.db, params.devices);
      const profile = benchProfile(
        { serverUrl: `${keep.edge.baseUrl}/mdm/connect`, checkInUrl: `${keep.edge.baseUrl}/mdm/checkin` },
        keep.pushTopic,
      );
      fleet = await FleetProcesses.start({
        processes: params.fleets,
        profile,
        edgeCaPem: tlsCa.certPem,
        identities,
        maxSockets: params.sockets,
      });
      await keepPhases(keep, fleet).enrol({ concurrency: params.concurrency, maxMs });

      // Staged, then assigned: no device holds any version of the policy until the rollout releases it.
      const staged = await adminPost(keep, '/v1/policies?staged=true', BENCH_POLICY);
      const policyId = staged.policyId as string;
      await adminPost(keep, `/v1/policies/${policyId}/assignments`, { platforms: ['macOS', 'iOS'] });

      const cost = workflowCostCounter(keep.temporal);
      const before = { work: await cost.count(), xacts: await pgTransactions(keep) };
      const started = performance.now();
      const rollout = await adminPost(keep, '/v1/rollouts', {
        policyId,
        waves: [{ count: params.canary }, { percent: 50 }, { percent: 100 }],
        minSoakSeconds: 0,
        gates: { maxFailedPercent: 0, minVerifiedPercent: 100, timeLimitSeconds: params.maxSeconds },
        checkIntervalSeconds: 1,
      });
      const waveEnds: number[] = [];
      const sessions: number[] = [];
      let view: RolloutView;
      for (;;) {
        view = (await adminGet(keep, `/v1/rollouts/${rollout.id as string}`)) as unknown as RolloutView;
        const now = performance.now() - started;
        const passed = view.status === 'completed' ? view.waveCount : view.currentWave;
        while (waveEnds.length < passed) waveEnds.push(now);
        if (view.status === 'completed') break;
        if (view.status !== 'running')
          throw new Error(`the rollout is ${view.status}: ${view.reason ?? 'no reason given'}`);
        if (now > maxMs)
          throw new Error(`wave ${view.currentWave + 1} not verified after ${params.maxSeconds} s`);
        const sweep = await fleet.sweep(params.concurrency, maxMs);
        sessions.push(...sweep.samplesMs);
        // A round that met no command waits for the gate check or the next release rather than spinning Idle
        // sessions, which would load the machine it measures.
        if (sweep.commandsMet === 0) await sleep(250);
      }
      const allMs = performance.now() - started;
      const after = { work: await cost.settled(30_000), xacts: await pgTransactions(keep) };
      const work = workPerOperation(before.work, after.work, params.devices);
      const waveMetrics: Record<string, Metric> = {};
      waveEnds.forEach((end, i) => {
        waveMetrics[`wave_${i + 1}_devices`] = metric(view.waves[i]?.verified ?? 0, 'devices');
        waveMetrics[`wave_${i + 1}_s`] = metric((end - (waveEnds[i - 1] ?? 0)) / 1000, 's');
      });
      const session = summarize(sessions);
      return {
        params: { ...params, waves: `count ${params.canary}, 50%, 100%`, soak: 0 },
        metrics: {
          verified: metric(
            view.waves.reduce((sum, w) => sum + w.verified, 0),
            'devices',
          ),
          all_verified: metric(allMs / 1000, 's'),
          devices_per_s: metric(params.devices / (allMs / 1000), 'devices/s'),
          ...waveMetrics,
          sessions: metric(session.count, 'sessions'),
          session_p50: metric(session.p50, 'ms'),
          session_p99: metric(session.p99, 'ms'),
          workflow_tasks_per_device: metric(work.workflowTasks, 'tasks'),
          history_events_per_device: metric(work.historyEvents, 'events'),
          pg_transactions_per_device: metric((after.xacts - before.xacts) / params.devices, 'transactions'),
        },
        notes: [
          `policy: ${Object.keys(BENCH_POLICY.settings).join(', ')}; staged (no device holds it), assigned to macOS and iOS, then POST /v1/rollouts`,
          'a wave ends when GET /v1/rollouts/{id} first shows the next wave (or completed) after a round of sessions: the time includes that round, so it is an upper bound at the round’s granularity',
          "workflow tasks, history events: every execution in the run's namespace from the rollout's start (rollout, policy fan-out, device workflows, event ingest), counted once the counts settle; Postgres transactions: pg_stat_database of the run's database; both divided by the devices",
        ],
      };
    } finally {
      fleet?.close();
      await keep.close();
    }
  } finally {
    await running.stop();
  }
}
