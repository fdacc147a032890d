// `npm run bench -- policy`: a policy assigned to N enrolled simulated devices (Macs and iPhones, alternating),
// until every device is compliant by its own answers (ProfileList, SecurityInfo, DDM status reports): time to all
// compliant, p50/p99 per device, profiles proven installed per second, Temporal's work and Postgres transactions per
// device. Keep runs split as deployed (the edge in its own process); the fleet does not listen for pushes, so the
// bench runs one session per device in rounds (`sweeps`) until all are compliant.
import { sql } from 'kysely';
import { createTestCa, issueLoopbackServerCertificate } from '../support/test-ca.js';
import { startKeepTestStack } from '../support/start-stack.js';
import '../support/quiet-temporal.js';
import { issueIdentities } from './bench-identities.js';
import { adminPost, pgTransactions } from './bench-admin.js';
import { benchProfile } from './bench-profile.js';
import { BENCH_POLICY as POLICY } from './bench-policy.js';
import { intParam, metric, type BenchParams, type BenchResult } from './benchmark.js';
import { FleetProcesses, MAX_FLEET_PROCESSES } from './fleet-processes.js';
import { keepPhases } from './keep-phases.js';
import { startKeepProcesses, type KeepProcesses } from './keep-processes.js';
import { workflowCostCounter, workPerOperation } from './workflow-cost.js';

/** Devices whose every setting of the policy is compliant or not applicable. */
async function compliantDevices(keep: KeepProcesses, policyId: string): Promise<string[]> {
  const rows = await keep.database.core.db
    .selectFrom('device_policy_compliance')
    .select('device_id')
    .where('policy_id', '=', policyId)
    .groupBy('device_id')
    .having(sql<boolean>`bool_and(status in ('compliant', 'not-applicable'))`)
    .execute();
  return rows.map((r) => r.device_id);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export default async function run(raw: BenchParams): Promise<BenchResult> {
  const params = {
    devices: intParam(raw, 'devices', 100, 1000),
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

      const cost = workflowCostCounter(keep.temporal);
      const before = { work: await cost.count(), xacts: await pgTransactions(keep) };
      const policyId = (await adminPost(keep, '/v1/policies', POLICY)).policyId as string;
      const started = performance.now();
      await adminPost(keep, `/v1/policies/${policyId}/assignments`, { platforms: ['macOS', 'iOS'] });
      const compliantAt = new Map<string, number>();
      let sweeps = 0;
      while (compliantAt.size < params.devices) {
        if (performance.now() - started > maxMs)
          throw new Error(`${compliantAt.size} of ${params.devices} compliant after ${params.maxSeconds} s`);
        await fleet.sweep(params.concurrency, maxMs);
        sweeps++;
        const now = performance.now() - started;
        for (const id of await compliantDevices(keep, policyId))
          if (!compliantAt.has(id)) compliantAt.set(id, now);
      }
      const allMs = performance.now() - started;
      const after = { work: await cost.settled(30_000), xacts: await pgTransactions(keep) };
      const installed = await keep.database.core.db
        .selectFrom('device_policy_profiles')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('policy_id', '=', policyId)
        .where('status', '=', 'installed')
        .executeTakeFirstOrThrow();
      const latencies = [...compliantAt.values()].sort((a, b) => a - b);
      const work = workPerOperation(before.work, after.work, params.devices);
      return {
        params: { ...params, settings: Object.keys(POLICY.settings).join('+') },
        metrics: {
          compliant: metric(compliantAt.size, 'devices'),
          all_compliant: metric(allMs / 1000, 's'),
          compliant_p50: metric(percentile(latencies, 50), 'ms'),
          compliant_p99: metric(percentile(latencies, 99), 'ms'),
          profiles_installed: metric(Number(installed.n), 'profiles'),
          profiles_per_s: metric(Number(installed.n) / (allMs / 1000), 'profiles/s'),
          sweeps: metric(sweeps, 'rounds'),
          workflow_tasks_per_device: metric(work.workflowTasks, 'tasks'),
          history_events_per_device: metric(work.historyEvents, 'events'),
          pg_transactions_per_device: metric((after.xacts - before.xacts) / params.devices, 'transactions'),
        },
        notes: [
          `policy: ${Object.keys(POLICY.settings).join(', ')}; assigned to macOS and iOS; Macs take profiles by InstallProfile, iPhones passcode and screen lock as DDM declarations`,
          'per device: from the assignment to the first sweep after which every setting is compliant or not applicable (a sweep is one session per device; the fleet does not listen for pushes)',
          "workflow tasks, history events: every execution in the run's namespace, counted once the counts settle; Postgres transactions: pg_stat_database of the run's database (core and edge schemas), both divided by the devices",
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
