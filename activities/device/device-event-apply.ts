// Writes a list of device events into the inventory of record in bulk: one statement for command outcomes,
// one to create the device rows that enrolment events bring, one to update every device. Events of one device
// are folded in order first, so the statements see one row per device (or per command).
import { sql, type Kysely, type Transaction } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { CommandOutcome, DeviceEvent } from '../../core/device/device-event.js';
import type { CorePlatform } from '../platform.js';
import { corePlatform } from '../platforms.js';

type Db = Kysely<CoreDatabase> | Transaction<CoreDatabase>;

export interface DeviceEventOf {
  deviceId: string;
  event: DeviceEvent;
}

interface DevicePatch {
  id: string;
  platform: string;
  enrollment_id: string;
  /** An enrolment event: the row is created if the device has none yet. */
  creates: boolean;
  /** Set by Authenticate only: the enrollment the device now speaks for. */
  new_enrollment_id: string | null;
  udid: string | null;
  serial_number: string | null;
  name: string | null;
  model: string | null;
  os_version: string | null;
  status: 'authenticated' | 'enrolled' | 'checked-out' | null;
  enrolled_at: string | null;
  facts: Record<string, unknown>;
  last_seen_at: string;
}

interface ReportRow {
  device_id: string;
  command_uuid: string;
  platform: string;
  status: CommandOutcome;
  result: Record<string, unknown> | null;
  error_chain: unknown[] | null;
  at: string;
}

function patchFor(patches: Map<string, DevicePatch>, { deviceId, event }: DeviceEventOf): DevicePatch {
  let patch = patches.get(deviceId);
  if (!patch) {
    patch = {
      id: deviceId,
      platform: event.platform,
      enrollment_id: event.enrollmentId,
      creates: false,
      new_enrollment_id: null,
      udid: null,
      serial_number: null,
      name: null,
      model: null,
      os_version: null,
      status: null,
      enrolled_at: null,
      facts: {},
      last_seen_at: event.at,
    };
    patches.set(deviceId, patch);
  }
  if (event.at > patch.last_seen_at) patch.last_seen_at = event.at;
  return patch;
}

/** Folds each device's events, in order, into one patch per device and one final outcome per command. */
function fold(events: readonly DeviceEventOf[]) {
  const devices = new Map<string, DevicePatch>();
  const reports = new Map<string, ReportRow>();
  for (const item of events) {
    const { event } = item;
    switch (event.kind) {
      case 'authenticated': {
        const patch = patchFor(devices, item);
        const { data } = event;
        Object.assign(patch, {
          creates: true,
          new_enrollment_id: event.enrollmentId,
          udid: data.hardwareId,
          serial_number: data.serialNumber ?? patch.serial_number,
          name: data.name ?? patch.name,
          model: data.model ?? patch.model,
          os_version: data.osVersion ?? patch.os_version,
          status: 'authenticated',
        });
        Object.assign(patch.facts, data.facts);
        break;
      }
      case 'channel-ready': {
        // A user channel says nothing about the device.
        if (event.data.userChannel) break;
        const patch = patchFor(devices, item);
        patch.creates = true;
        patch.status = 'enrolled';
        patch.enrolled_at ??= event.at;
        break;
      }
      case 'checked-out':
        patchFor(devices, item).status = 'checked-out';
        break;
      case 'identity-renewed':
        patchFor(devices, item);
        break;
      case 'facts-reported':
        Object.assign(patchFor(devices, item).facts, event.data.facts);
        break;
      case 'command-report': {
        patchFor(devices, item);
        const { commandUuid, outcome, result, errorChain } = event.data;
        const key = `${item.deviceId} ${commandUuid}`;
        // A late NotNow never overwrites a final answer, here as in the statement.
        if (outcome === 'not-now' && reports.has(key) && reports.get(key)!.status !== 'not-now') break;
        reports.set(key, {
          device_id: item.deviceId,
          command_uuid: commandUuid,
          platform: event.platform,
          status: outcome,
          result: result ?? null,
          error_chain: errorChain ?? null,
          at: event.at,
        });
        break;
      }
      default: {
        const unknown: never = event;
        // Only the kind: an event carries hardware ids and serials, which never go into an error message.
        throw new Error(`unknown device event kind ${String((unknown as { kind: unknown }).kind)}`);
      }
    }
  }
  return { devices, reports: [...reports.values()] };
}

/** Idempotent for a given list: every write is an insert-if-absent, a merge or a conditional update. */
export async function applyDeviceEvents(
  db: Db,
  platforms: readonly CorePlatform[],
  events: readonly DeviceEventOf[],
): Promise<void> {
  if (events.length === 0) return;
  const { devices, reports } = fold(events);

  if (reports.length > 0) {
    const updated = await sql<{
      device_id: string;
      request_type: string;
      status: CommandOutcome;
      result: Record<string, unknown> | null;
      platform: string;
    }>`
      update core.device_commands as c
      set status = v.status, result = v.result, error_chain = v.error_chain, updated_at = v.at
      from jsonb_to_recordset(${JSON.stringify(reports)}::jsonb) as v(
        device_id uuid, command_uuid text, platform text, status text, result jsonb, error_chain jsonb,
        at timestamptz)
      where c.command_uuid = v.command_uuid and c.device_id = v.device_id
        and (v.status <> 'not-now' or c.status in ('queued', 'not-now'))
      returning c.device_id, c.request_type, v.status, v.result, v.platform`.execute(db);
    // An acknowledged result adds to the inventory what its platform says it means.
    for (const row of updated.rows) {
      if (row.status !== 'acknowledged' || !row.result) continue;
      const patch = corePlatform(platforms, row.platform).resultFacts(row.request_type, row.result);
      if (!patch) continue;
      const device = devices.get(row.device_id)!;
      Object.assign(device.facts, patch.facts);
      const { name, model, osVersion, serialNumber } = patch.columns ?? {};
      if (name !== undefined) device.name = name;
      if (model !== undefined) device.model = model;
      if (osVersion !== undefined) device.os_version = osVersion;
      if (serialNumber !== undefined) device.serial_number = serialNumber;
    }
  }

  const rows = [...devices.values()];
  const created = rows.filter((row) => row.creates);
  if (created.length > 0) {
    await sql`
      insert into core.devices (id, platform, enrollment_id, enrollment_status, facts, last_seen_at, updated_at)
      select v.id, v.platform, v.enrollment_id, 'authenticated', '{}'::jsonb, v.last_seen_at, v.last_seen_at
      from jsonb_to_recordset(${JSON.stringify(created)}::jsonb) as v(
        id uuid, platform text, enrollment_id uuid, last_seen_at timestamptz)
      on conflict (id) do nothing`.execute(db);
  }
  await sql`
    update core.devices as d set
      enrollment_id = coalesce(v.new_enrollment_id, d.enrollment_id),
      udid = coalesce(v.udid, d.udid),
      serial_number = coalesce(v.serial_number, d.serial_number),
      name = coalesce(v.name, d.name),
      model = coalesce(v.model, d.model),
      os_version = coalesce(v.os_version, d.os_version),
      enrollment_status = coalesce(v.status, d.enrollment_status),
      enrolled_at = case when v.enrolled_at is null then d.enrolled_at else coalesce(d.enrolled_at, v.enrolled_at) end,
      facts = d.facts || v.facts,
      last_seen_at = greatest(d.last_seen_at, v.last_seen_at),
      updated_at = v.last_seen_at
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(
      id uuid, new_enrollment_id uuid, udid text, serial_number text, name text, model text, os_version text,
      status text, enrolled_at timestamptz, facts jsonb, last_seen_at timestamptz)
    where d.id = v.id`.execute(db);
}
