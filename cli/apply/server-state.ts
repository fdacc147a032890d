// What the server holds of what a `keep apply` folder declares, read through the admin API.
import type { Policy, PolicyTarget } from '../../core/policy/index.js';
import type { AdminClient } from '../admin-client.js';
import type { ApplyDocument, NamedTarget } from './apply-documents.js';

export interface ServerPolicy {
  id: string;
  /** The latest version's document and the assignments: read only for the policies the folder names. */
  document?: Policy;
  assignments?: Array<{ id: string; target: NamedTarget }>;
  /** Read only with `--prune`: its assignment count, and the rollout of it in progress. */
  assignmentCount?: number;
  activeRolloutId?: string;
}

/** A device as a label document names it: by serial number, or by id when the device reported none. */
export interface LabelledDevice {
  id: string;
  serial: string;
}

export interface ServerState {
  teams: Array<{ id: string; name: string }>;
  /** Every label some device carries. */
  labelNames: string[];
  /** The devices carrying each label the folder declares (with `--prune`, each label the server holds). */
  labels: Map<string, LabelledDevice[]>;
  /** The devices of each serial number a label document names; absent when no device has it. */
  devicesBySerial: Map<string, string[]>;
  /** Every policy by name. */
  policies: Map<string, ServerPolicy>;
}

interface Items<T> {
  items: T[];
}

interface DevicePage {
  items: Array<{ id: string; serialNumber: string | null }>;
  nextCursor: string | null;
}

const ACTIVE = new Set(['running', 'paused', 'awaiting-approval']);

export async function readServerState(
  client: AdminClient,
  documents: readonly ApplyDocument[],
  options: { prune?: boolean } = {},
): Promise<ServerState> {
  const [teams, policies, rollouts, labels] = await Promise.all([
    client.request<Items<{ id: string; name: string }>>('GET', '/v1/teams'),
    client.request<Items<{ id: string; name: string }>>('GET', '/v1/policies'),
    options.prune
      ? client.request<Items<{ id: string; policyId: string; status: string }>>('GET', '/v1/rollouts')
      : { items: [] },
    readLabels(client, documents, options),
  ]);
  const activeRollout = new Map(
    rollouts.items.filter((r) => ACTIVE.has(r.status)).map((r) => [r.policyId, r.id]),
  );
  const teamName = new Map(teams.items.map((t) => [t.id, t.name]));
  const named = new Set(
    documents.flatMap((d) =>
      d.kind === 'Policy' ? [d.policy.name] : d.kind === 'Assignment' ? [d.policy] : [],
    ),
  );
  const held = await Promise.all(
    policies.items.map(async ({ id, name }): Promise<[string, ServerPolicy]> => {
      if (!named.has(name)) {
        if (!options.prune) return [name, { id }];
        // To be deleted: whether devices hold it (a removal rollout then has work to do) and whether one runs.
        const held = await client.request<Items<unknown>>('GET', `/v1/policies/${id}/assignments`);
        const rollout = activeRollout.get(id);
        return [
          name,
          { id, assignmentCount: held.items.length, ...(rollout && { activeRolloutId: rollout }) },
        ];
      }
      const [latest, assignments] = await Promise.all([
        client.request<{ document: Policy }>('GET', `/v1/policies/${id}`),
        client.request<Items<PolicyTarget & { id: string }>>('GET', `/v1/policies/${id}/assignments`),
      ]);
      return [
        name,
        {
          id,
          document: latest.document,
          assignments: assignments.items.map((a) => ({ id: a.id, target: namedTarget(a, teamName) })),
        },
      ];
    }),
  );
  return {
    teams: teams.items.map(({ id, name }) => ({ id, name })),
    policies: new Map(held),
    ...labels,
  };
}

async function readLabels(
  client: AdminClient,
  documents: readonly ApplyDocument[],
  options: { prune?: boolean },
): Promise<Pick<ServerState, 'labelNames' | 'labels' | 'devicesBySerial'>> {
  const declared = documents.flatMap((d) => (d.kind === 'Label' ? [d] : []));
  const labelNames = (await client.request<Items<{ label: string }>>('GET', '/v1/labels')).items.map(
    (l) => l.label,
  );
  const names = new Set([...declared.map((d) => d.name), ...(options.prune ? labelNames : [])]);
  const labels = new Map<string, LabelledDevice[]>();
  for (const name of names)
    labels.set(
      name,
      (await allDevices(client, `label=${encodeURIComponent(name)}`)).map((d) => ({
        id: d.id,
        serial: d.serialNumber ?? `id:${d.id}`,
      })),
    );
  const devicesBySerial = new Map<string, string[]>();
  for (const carrying of labels.values())
    for (const { id, serial } of carrying)
      devicesBySerial.set(serial, [...(devicesBySerial.get(serial) ?? []), id]);
  const unknown = new Set(
    declared.flatMap((d) => d.devices.map((x) => x.serial)).filter((s) => !devicesBySerial.has(s)),
  );
  for (const serial of unknown) {
    // `q` finds a piece of the serial, name or UDID: only an exact serial number counts.
    const found = (await allDevices(client, `q=${encodeURIComponent(serial)}`)).filter(
      (d) => d.serialNumber === serial,
    );
    if (found.length > 0)
      devicesBySerial.set(
        serial,
        found.map((d) => d.id),
      );
  }
  return { labelNames, labels, devicesBySerial };
}

/** Every page of GET /v1/devices with this filter. */
async function allDevices(client: AdminClient, filter: string): Promise<DevicePage['items']> {
  const items: DevicePage['items'] = [];
  let cursor: string | null = null;
  do {
    const page: DevicePage = await client.request<DevicePage>(
      'GET',
      `/v1/devices?limit=200&${filter}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
    );
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return items;
}

/** A stored target by team name; a team the list lacks keeps its id, so it matches no document and is shown. */
function namedTarget(target: PolicyTarget, teamName: ReadonlyMap<string, string>): NamedTarget {
  const { teamId, label, platforms, minOsVersion, maxOsVersion } = target;
  return {
    ...(teamId ? { team: teamName.get(teamId) ?? `id:${teamId}` } : {}),
    ...(label ? { label } : {}),
    ...(platforms ? { platforms } : {}),
    ...(minOsVersion ? { minOsVersion } : {}),
    ...(maxOsVersion ? { maxOsVersion } : {}),
  };
}
