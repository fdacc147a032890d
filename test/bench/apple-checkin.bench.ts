// Apple MDM at scale, split as deployed: `keep edge` in its own process, the fleet in others, the core worker and
// admin API in this one. Enrolment (identities pre-issued), Idle check-ins/s, command round trips/s, the edge's
// own RSS and CPU, and Temporal's work per operation.
import { startKeepTestStack } from '../support/start-stack.js';
import { createTestCa, issueLoopbackServerCertificate } from '../support/test-ca.js';
import '../support/quiet-temporal.js';
import { issueIdentities } from './bench-identities.js';
import { benchProfile } from './bench-profile.js';
import { intParam, metric, type BenchParams, type BenchResult } from './benchmark.js';
import { FleetProcesses, MAX_FLEET_PROCESSES } from './fleet-processes.js';
import { keepPhases } from './keep-phases.js';
import { startKeepProcesses } from './keep-processes.js';

const MiB = 1024 * 1024;

export default async function run(raw: BenchParams): Promise<BenchResult> {
  const params = {
    devices: intParam(raw, 'devices', 200, 10_000),
    checkins: intParam(raw, 'checkins', 2000, 200_000),
    commands: intParam(raw, 'commands', 200, 20_000),
    concurrency: intParam(raw, 'concurrency', 32, 256),
    commandConcurrency: intParam(raw, 'commandConcurrency', 16, 256),
    // Up to 1,000 at once, the issue's enrolment target (Authenticate + TokenUpdate; SCEP is measured by `scep`).
    enrolConcurrency: intParam(raw, 'enrolConcurrency', 16, 1000),
    sockets: intParam(raw, 'sockets', 64, 1024),
    fleets: intParam(raw, 'fleets', 2, MAX_FLEET_PROCESSES),
    maxSeconds: intParam(raw, 'maxSeconds', 120, 600),
  };
  const maxMs = params.maxSeconds * 1000;
  const running = await startKeepTestStack();
  let fleet: FleetProcesses | undefined;
  try {
    const tlsCa = createTestCa('Bench Edge TLS CA');
    const keep = await startKeepProcesses(running, { edgeTls: issueLoopbackServerCertificate(tlsCa) });
    try {
      const issueStarted = performance.now();
      const identities = await issueIdentities(keep.issuingCa, keep.database.edge.db, params.devices);
      const issueMs = performance.now() - issueStarted;
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
      const phases = keepPhases(keep, fleet);
      const enrol = await phases.enrol({ concurrency: params.enrolConcurrency, maxMs });
      const idle = await phases.idle({ count: params.checkins, concurrency: params.concurrency, maxMs });
      const commands = await phases.commands({
        count: params.commands,
        concurrency: params.commandConcurrency,
        maxMs,
      });
      const fleetRss = fleet.samples().reduce((sum, s) => sum + s.rssBytes, 0);
      for (const phase of [enrol.result.report, idle.result, commands.result]) {
        if (phase.errors.length) console.error(phase.errors);
      }
      const { report: enrolled } = enrol.result;
      return {
        params: { ...params, transport: 'https-loopback', signature: 'Mdm-Signature (SHA-1, detached)' },
        metrics: {
          identities_issued_per_s: metric(params.devices / (issueMs / 1000), 'certificates/s'),
          enrolled: metric(enrolled.ok, 'devices'),
          enrol_per_s: metric(enrolled.perSecond, 'devices/s'),
          enrol_all_enrolled: metric(enrolled.elapsedMs / 1000, 's'),
          enrol_p50: metric(enrolled.latencyMs.p50, 'ms'),
          enrol_p99: metric(enrolled.latencyMs.p99, 'ms'),
          enrol_inventory_settled: metric(enrol.result.settledMs / 1000, 's'),
          idle_checkins: metric(idle.result.ok, 'count'),
          idle_failures: metric(idle.result.failed, 'count'),
          idle_commands_met: metric(idle.result.commandsMet, 'count'),
          idle_per_s: metric(idle.result.perSecond, 'checkins/s'),
          idle_p50: metric(idle.result.latencyMs.p50, 'ms'),
          idle_p99: metric(idle.result.latencyMs.p99, 'ms'),
          command_round_trips: metric(commands.result.ok, 'count'),
          command_failures: metric(commands.result.failed, 'count'),
          command_per_s: metric(commands.result.perSecond, 'commands/s'),
          command_p50: metric(commands.result.latencyMs.p50, 'ms'),
          command_p99: metric(commands.result.latencyMs.p99, 'ms'),
          edge_rss_after_enrol: metric(enrol.edge.after.rssBytes / MiB, 'MiB'),
          edge_rss_after_load: metric(commands.edge.after.rssBytes / MiB, 'MiB'),
          edge_rss_peak: metric(commands.edge.after.peakRssBytes / MiB, 'MiB'),
          edge_cpu_idle: metric(idle.edge.cpuPercent, '% of a core'),
          edge_cpu_ms_per_idle_checkin: metric(
            (idle.edge.after.cpuMs - idle.edge.before.cpuMs) / Math.max(1, idle.result.ok),
            'ms',
          ),
          edge_cpu_commands: metric(commands.edge.cpuPercent, '% of a core'),
          fleet_rss: metric(fleetRss / MiB, 'MiB'),
          workflow_tasks_per_enrolment: metric(enrol.perOperation.workflowTasks, 'tasks'),
          history_events_per_enrolment: metric(enrol.perOperation.historyEvents, 'events'),
          workflow_tasks_per_idle_checkin: metric(idle.perOperation.workflowTasks, 'tasks'),
          history_events_per_idle_checkin: metric(idle.perOperation.historyEvents, 'events'),
          workflow_tasks_per_command: metric(commands.perOperation.workflowTasks, 'tasks'),
          history_events_per_command: metric(commands.perOperation.historyEvents, 'events'),
          // An Idle check-in carrying a command result wakes no device workflow: its whole cost is the ingest's share.
          workflow_tasks_per_command_result: metric(commands.perOperation.ingest.workflowTasks, 'tasks'),
          history_events_per_command_result: metric(commands.perOperation.ingest.historyEvents, 'events'),
          ingest_workflow_tasks_per_enrolment: metric(enrol.perOperation.ingest.workflowTasks, 'tasks'),
          ingest_history_events_per_enrolment: metric(enrol.perOperation.ingest.historyEvents, 'events'),
        },
        notes: [
          `edge: \`keep edge\` in its own process (pid ${keep.edge.pid}, under tsx), HTTPS on 127.0.0.1; core worker and admin API in this process; fleet in ${params.fleets} processes`,
          `identities: ${params.devices} certificates from Keep's own issuing CA, recorded as issued, RSA keys from a pool of 8; enrolment = Authenticate + TokenUpdate, then sessions until the inventory its workflow queued is answered (${enrol.result.sweeps} sweeps)`,
          `Idle: one signed PUT /mdm/connect answered empty (${idle.result.commandsMet} commands met on the way)`,
          'command: POST /v1/devices/{id}/commands → Update → edge queue (+ push to a fake APNs nobody listens to) → the device session the bench starts → result in core device_commands (polled every 20 ms)',
          "workflow tasks and history events: every execution in the run's namespace (the edge's device-events workflow included, so its share is amortised over the devices), counted after each phase (once the counts stop moving) and divided by the phase's operations; *_command_result and ingest_* are the device-events workflow's share alone",
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
