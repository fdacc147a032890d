// `npm run bench -- enroll`: N simulated Apple devices enrolling end to end against Keep split as deployed (the edge
// in its own process, over HTTPS): each device's signed profile downloaded from the admin API with its one-time
// SCEP challenge, then in the fleet processes a fresh RSA key, SCEP (PKCSReq signed by the core), Authenticate,
// TokenUpdate, and sessions until the first inventory the device workflow queued is answered. Devices/s, p50/p99
// of each stage, Temporal's work and Postgres transactions per enrolment.
import { createTestCa, issueLoopbackServerCertificate } from '../support/test-ca.js';
import { startKeepTestStack } from '../support/start-stack.js';
import '../support/quiet-temporal.js';
import { downloadEnrollmentProfile, pgTransactions } from './bench-admin.js';
import { intParam, metric, type BenchParams, type BenchResult } from './benchmark.js';
import { FleetProcesses, MAX_FLEET_PROCESSES } from './fleet-processes.js';
import { keepPhases } from './keep-phases.js';
import { startKeepProcesses } from './keep-processes.js';
import { runLoad } from './load-loop.js';
import { workflowCostCounter, workPerOperation } from './workflow-cost.js';

export default async function run(raw: BenchParams): Promise<BenchResult> {
  const params = {
    devices: intParam(raw, 'devices', 50, 1000),
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
    // Every simulated device connects from 127.0.0.1: the per-peer SCEP limit must admit the whole load.
    const scepLimit = String(params.concurrency);
    const keep = await startKeepProcesses(running, {
      edgeTls: issueLoopbackServerCertificate(tlsCa),
      edgeEnv: {
        KEEP_EDGE_SCEP_MAX_CONCURRENT_PER_PEER: scepLimit,
        KEEP_EDGE_SCEP_MAX_CONCURRENT: scepLimit,
      },
    });
    try {
      const cost = workflowCostCounter(keep.temporal);
      const before = { work: await cost.count(), xacts: await pgTransactions(keep) };
      const profiles: Uint8Array[] = [];
      const download = await runLoad(
        { count: params.devices, concurrency: params.concurrency, maxMs },
        async (i) => {
          profiles[i] = await downloadEnrollmentProfile(keep);
        },
      );
      if (download.ok < params.devices)
        throw new Error(`profiles: ${download.ok} of ${params.devices}: ${download.errors.join('; ')}`);
      fleet = await FleetProcesses.start({
        processes: params.fleets,
        profiles,
        edgeCaPem: tlsCa.certPem,
        maxSockets: params.sockets,
      });
      const enrolled = await keepPhases(keep, fleet).enrol({ concurrency: params.concurrency, maxMs });
      const after = { work: await cost.settled(30_000), xacts: await pgTransactions(keep) };
      const { report, settledMs } = enrolled.result;
      const inventoryS = (download.elapsedMs + settledMs) / 1000;
      const work = workPerOperation(before.work, after.work, params.devices);
      return {
        params: { ...params, transport: 'https-loopback', identity: 'SCEP, RSA 2048 made by each device' },
        metrics: {
          enrolled: metric(report.ok, 'devices'),
          devices_per_s: metric(params.devices / inventoryS, 'devices/s'),
          all_inventoried: metric(inventoryS, 's'),
          profiles_per_s: metric(download.perSecond, 'profiles/s'),
          profile_p50: metric(download.latencyMs.p50, 'ms'),
          profile_p99: metric(download.latencyMs.p99, 'ms'),
          enrol_per_s: metric(report.perSecond, 'devices/s'),
          enrol_p50: metric(report.latencyMs.p50, 'ms'),
          enrol_p99: metric(report.latencyMs.p99, 'ms'),
          inventory_sweeps: metric(enrolled.result.sweeps, 'rounds'),
          workflow_tasks_per_enrolment: metric(work.workflowTasks, 'tasks'),
          history_events_per_enrolment: metric(work.historyEvents, 'events'),
          workflow_tasks_per_enrolment_after_profile: metric(enrolled.perOperation.workflowTasks, 'tasks'),
          pg_transactions_per_enrolment: metric(
            (after.xacts - before.xacts) / params.devices,
            'transactions',
          ),
          edge_cpu_enrol: metric(enrolled.edge.cpuPercent, '% of a core'),
        },
        notes: [
          'profile: POST /v1/enrollments/apple (audited; the enrollment-profile workflow signs a profile with a fresh one-time challenge, sealed to the admin), `concurrency` at once, before the fleet starts',
          'enrol: per device in the fleet processes, a fresh RSA 2048 key, SCEP GetCACert + PKCSReq through the edge to the core CA, Authenticate and TokenUpdate; then one session per device in rounds (the fleet does not listen for pushes) until every inventory command is answered',
          "workflow tasks, history events: every execution in the run's namespace (profile, SCEP signing, device workflows, event ingest), counted once the counts settle; Postgres transactions: pg_stat_database of the run's database; both divided by the devices",
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
