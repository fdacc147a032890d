// Keep against NanoMDM on the same machine and Postgres, each server in its own process and the fleet in others:
// signed Idle check-ins/s and command round trips/s, p50 and p99, and the ratios, over plain HTTP on loopback.
import { randomUUID, X509Certificate } from 'node:crypto';
import { buildCommand, serializeCommand } from '../../core/apple/commands/index.js';
import { createCaHierarchy } from '../../core/pki/ca-create.js';
import { startKeepTestStack, type RunningKeepTestStack } from '../support/start-stack.js';
import '../support/quiet-temporal.js';
import { issueIdentities } from './bench-identities.js';
import { benchProfile } from './bench-profile.js';
import { intParam, metric, type BenchParams, type BenchResult, type Metric } from './benchmark.js';
import { FleetProcesses, MAX_FLEET_PROCESSES } from './fleet-processes.js';
import { keepPhases } from './keep-phases.js';
import { startKeepProcesses } from './keep-processes.js';
import { runLoad, type LoadReport } from './load-loop.js';
import { runBulkRounds } from './bulk-rounds.js';
import { buildNanoMdm, NANOMDM_VERSION, startNanoMdm, type NanoMdmBuild } from './nanomdm-server.js';
import { sampleProcess } from './proc-stats.js';
import { summarize } from '../sim/apple/fleet.js';

const MiB = 1024 * 1024;

interface Params {
  devices: number;
  checkins: number;
  commands: number;
  concurrency: number;
  commandConcurrency: number;
  /** Bulk rounds: the same command to every device with one call, each round. */
  bulkRounds: number;
  warmup: number;
  fleets: number;
  maxSeconds: number;
}

interface ServerRun {
  idle: LoadReport & { commandsMet: number };
  commands: LoadReport;
  bulk: LoadReport;
  /** The server process's resident memory after the run. */
  rssBytes: number;
  extra: Record<string, Metric>;
}

function fleetFor(
  params: Params,
  profile: Uint8Array,
  identities: Awaited<ReturnType<typeof issueIdentities>>,
) {
  return FleetProcesses.start({ processes: params.fleets, profile, identities, maxSockets: 64 });
}

function commandPlist(commandUuid: string): string {
  return serializeCommand(
    buildCommand({ requestType: 'DeviceInformation', queries: ['DeviceName', 'OSVersion'] }, commandUuid),
  );
}

async function measureNanoMdm(
  build: NanoMdmBuild,
  running: RunningKeepTestStack,
  params: Params,
): Promise<ServerRun> {
  // NanoMDM trusts a device CA of the bench's; Keep's side uses Keep's own CA.
  const ca = createCaHierarchy({ organization: 'Bench', now: new Date() });
  const nano = await startNanoMdm({
    build,
    postgresUrl: running.stack.postgresUrl,
    caPem: new X509Certificate(ca.root.certificateDer).toString(),
    intermediatePem: new X509Certificate(ca.issuing.certificateDer).toString(),
  });
  let fleet: FleetProcesses | undefined;
  try {
    const identities = await issueIdentities(ca.issuing, undefined, params.devices);
    const mdmUrl = `${nano.baseUrl}/mdm`;
    fleet = await fleetFor(
      params,
      benchProfile({ serverUrl: mdmUrl, checkInUrl: mdmUrl }, 'com.apple.mgmt.External.bench'),
      identities,
    );
    const maxMs = params.maxSeconds * 1000;
    const enrolled = await fleet.enrol(16, maxMs);
    if (enrolled.failed || enrolled.skipped)
      throw new Error(`NanoMDM enrolment: ${enrolled.errors.join('; ')}`);
    await fleet.idle({ count: params.warmup, concurrency: params.concurrency, maxMs });
    const sessionsBefore = await nano.databaseSessions();
    const idle = await fleet.idle({ count: params.checkins, concurrency: params.concurrency, maxMs });
    const sessionsOpened = (await nano.databaseSessions()) - sessionsBefore;
    const authorization = `Basic ${Buffer.from(`nanomdm:${nano.apiKey}`).toString('base64')}`;
    const devices = fleet;
    // The same command through NanoMDM's enqueue API (no push: the bench starts the session), fetched and
    // answered by the device; NanoMDM stores the result before it answers the report.
    const commands = await runLoad(
      { count: params.commands, concurrency: Math.min(params.commandConcurrency, params.devices), maxMs },
      async (i) => {
        const index = i % devices.size;
        const commandUuid = randomUUID();
        const response = await fetch(`${nano.baseUrl}/v1/enqueue/${devices.udids[index]}?nopush=1`, {
          method: 'PUT',
          headers: { authorization, 'content-type': 'application/xml' },
          body: commandPlist(commandUuid),
        });
        if (!response.ok) throw new Error(`NanoMDM enqueue answered ${response.status}`);
        await response.arrayBuffer();
        const { commands: handled } = await devices.session(index);
        const answer = handled.find((c) => c.commandUuid === commandUuid);
        if (answer?.status !== 'Acknowledged')
          throw new Error('the device session did not answer the command');
      },
    );
    // The same command to every device with one enqueue call (NanoMDM takes a comma-separated id list).
    const bulk = await runBulkRounds(
      { rounds: params.bulkRounds, devices: devices.size, concurrency: params.commandConcurrency, maxMs },
      {
        async send() {
          const commandUuid = randomUUID();
          const response = await fetch(`${nano.baseUrl}/v1/enqueue/${devices.udids.join(',')}?nopush=1`, {
            method: 'PUT',
            headers: { authorization, 'content-type': 'application/xml' },
            body: commandPlist(commandUuid),
          });
          if (!response.ok) throw new Error(`NanoMDM enqueue answered ${response.status}`);
          await response.arrayBuffer();
          return () => commandUuid;
        },
        session: (index) => devices.session(index),
        // NanoMDM stores the result before it answers the report.
        stored: async () => undefined,
      },
    );
    return {
      idle,
      commands,
      bulk,
      rssBytes: sampleProcess(nano.pid).rssBytes,
      extra: { nanomdm_pg_sessions_opened: metric(sessionsOpened, 'sessions') },
    };
  } finally {
    fleet?.close();
    await nano.stop();
  }
}

async function measureKeep(running: RunningKeepTestStack, params: Params): Promise<ServerRun> {
  const keep = await startKeepProcesses(running);
  let fleet: FleetProcesses | undefined;
  try {
    const identities = await issueIdentities(keep.issuingCa, keep.database.edge.db, params.devices);
    fleet = await fleetFor(
      params,
      benchProfile(
        { serverUrl: `${keep.edge.baseUrl}/mdm/connect`, checkInUrl: `${keep.edge.baseUrl}/mdm/checkin` },
        keep.pushTopic,
      ),
      identities,
    );
    const maxMs = params.maxSeconds * 1000;
    const phases = keepPhases(keep, fleet);
    await phases.enrol({ concurrency: 16, maxMs });
    await fleet.idle({ count: params.warmup, concurrency: params.concurrency, maxMs });
    const idle = await phases.idle({ count: params.checkins, concurrency: params.concurrency, maxMs });
    const commands = await phases.commands({
      count: params.commands,
      concurrency: params.commandConcurrency,
      maxMs,
    });
    const bulk = await phases.bulkCommands({
      rounds: params.bulkRounds,
      concurrency: params.commandConcurrency,
      maxMs,
    });
    return {
      idle: idle.result,
      commands: commands.result,
      bulk: bulk.result.report,
      rssBytes: bulk.edge.after.rssBytes,
      extra: {
        keep_edge_cpu_idle: metric(idle.edge.cpuPercent, '% of a core'),
        keep_workflow_tasks_per_idle_checkin: metric(idle.perOperation.workflowTasks, 'tasks'),
        keep_workflow_tasks_per_command: metric(commands.perOperation.workflowTasks, 'tasks'),
        keep_history_events_per_command: metric(commands.perOperation.historyEvents, 'events'),
        keep_bulk_fan_out_p50: metric(summarize(bulk.result.fanOutMs).p50, 'ms'),
        keep_workflow_tasks_per_bulk_command: metric(bulk.perOperation.workflowTasks, 'tasks'),
        keep_history_events_per_bulk_command: metric(bulk.perOperation.historyEvents, 'events'),
      },
    };
  } finally {
    fleet?.close();
    await keep.close();
  }
}

function side(prefix: string, run: ServerRun): Record<string, Metric> {
  for (const report of [run.idle, run.commands, run.bulk])
    if (report.errors.length) console.error(prefix, report.errors);
  return {
    [`${prefix}_idle_checkins`]: metric(run.idle.ok, 'count'),
    [`${prefix}_idle_failures`]: metric(run.idle.failed, 'count'),
    [`${prefix}_commands_met`]: metric(run.idle.commandsMet, 'count'),
    [`${prefix}_idle_per_s`]: metric(run.idle.perSecond, 'checkins/s'),
    [`${prefix}_idle_p50`]: metric(run.idle.latencyMs.p50, 'ms'),
    [`${prefix}_idle_p99`]: metric(run.idle.latencyMs.p99, 'ms'),
    [`${prefix}_command_round_trips`]: metric(run.commands.ok, 'count'),
    [`${prefix}_command_failures`]: metric(run.commands.failed, 'count'),
    [`${prefix}_commands_per_s`]: metric(run.commands.perSecond, 'commands/s'),
    [`${prefix}_command_p50`]: metric(run.commands.latencyMs.p50, 'ms'),
    [`${prefix}_command_p99`]: metric(run.commands.latencyMs.p99, 'ms'),
    [`${prefix}_bulk_command_round_trips`]: metric(run.bulk.ok, 'count'),
    [`${prefix}_bulk_command_failures`]: metric(run.bulk.failed, 'count'),
    [`${prefix}_bulk_commands_per_s`]: metric(run.bulk.perSecond, 'commands/s'),
    [`${prefix}_bulk_command_p50`]: metric(run.bulk.latencyMs.p50, 'ms'),
    [`${prefix}_bulk_command_p99`]: metric(run.bulk.latencyMs.p99, 'ms'),
    [`${prefix}_server_rss`]: metric(run.rssBytes / MiB, 'MiB'),
    ...run.extra,
  };
}

export default async function run(raw: BenchParams): Promise<BenchResult> {
  const params: Params = {
    devices: intParam(raw, 'devices', 100, 10_000),
    checkins: intParam(raw, 'checkins', 3000, 200_000),
    commands: intParam(raw, 'commands', 300, 20_000),
    concurrency: intParam(raw, 'concurrency', 32, 256),
    commandConcurrency: intParam(raw, 'commandConcurrency', 16, 256),
    bulkRounds: intParam(raw, 'bulkRounds', 3, 100),
    warmup: intParam(raw, 'warmup', 300, 10_000),
    fleets: intParam(raw, 'fleets', 2, MAX_FLEET_PROCESSES),
    maxSeconds: intParam(raw, 'maxSeconds', 120, 600),
  };
  // Build first: when NanoMDM cannot be had here, say so before starting anything.
  const build = await buildNanoMdm();
  const running = await startKeepTestStack();
  try {
    // One server at a time, each with the machine to itself (the Temporal dev server idles during NanoMDM's turn).
    const nano = await measureNanoMdm(build, running, params);
    const keep = await measureKeep(running, params);
    const ratio = (a: number, b: number) => metric(b > 0 ? a / b : 0, 'ratio');
    return {
      params: {
        ...params,
        nanomdm: NANOMDM_VERSION,
        transport: 'http-loopback',
        signature: 'Mdm-Signature (SHA-1, detached)',
      },
      metrics: {
        ...side('keep', keep),
        ...side('nanomdm', nano),
        keep_over_nanomdm_per_s: ratio(keep.idle.perSecond, nano.idle.perSecond),
        keep_over_nanomdm_p50: ratio(keep.idle.latencyMs.p50, nano.idle.latencyMs.p50),
        keep_over_nanomdm_p99: ratio(keep.idle.latencyMs.p99, nano.idle.latencyMs.p99),
        keep_over_nanomdm_commands_per_s: ratio(keep.commands.perSecond, nano.commands.perSecond),
        keep_over_nanomdm_command_p50: ratio(keep.commands.latencyMs.p50, nano.commands.latencyMs.p50),
        keep_over_nanomdm_command_p99: ratio(keep.commands.latencyMs.p99, nano.commands.latencyMs.p99),
        keep_over_nanomdm_bulk_commands_per_s: ratio(keep.bulk.perSecond, nano.bulk.perSecond),
        keep_over_nanomdm_bulk_command_p50: ratio(keep.bulk.latencyMs.p50, nano.bulk.latencyMs.p50),
        keep_over_nanomdm_bulk_command_p99: ratio(keep.bulk.latencyMs.p99, nano.bulk.latencyMs.p99),
      },
      notes: [
        `both servers in processes of their own over plain HTTP on 127.0.0.1, the fleet in ${params.fleets} others; same embedded Postgres, same fleet code and signing, ${params.warmup} unmeasured Idle sessions first`,
        `NanoMDM ${NANOMDM_VERSION}: pgsql storage, Mdm-Signature verified against -ca/-intermediate, default request logging (drained); commands through PUT /v1/enqueue/<udid>?nopush=1`,
        'Keep: `keep edge` (under tsx) with its outbox relay and edge worker; the core worker and admin API in the bench process; commands through POST /v1/devices/{id}/commands (which also pushes, to a fake APNs)',
        'command round trip: enqueue → the device session the bench starts fetches and answers it → result stored (NanoMDM: before it answers the report; Keep: in core device_commands, relayed from the edge)',
        `bulk: ${params.bulkRounds} rounds of the same command to all ${params.devices} devices with one call (NanoMDM: PUT /v1/enqueue/<udid,udid,…>?nopush=1; Keep: POST /v1/commands, fanned out by the bulk-command workflow), then each device's session; latency per device from the call to its result stored`,
      ],
    };
  } finally {
    await running.stop();
  }
}
