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

export interface ServerState {
  teams: Array<{ id: string; name: string }>;
  /** Every policy by name. */
  policies: Map<string, ServerPolicy>;
}

interface Items<T> {
  items: T[];
}

const ACTIVE = new Set(['running', 'paused', 'awaiting-approval']);

export async function readServerState(
  client: AdminClient,
  documents: readonly ApplyDocument[],
  options: { prune?: boolean } = {},
): Promise<ServerState> {
  const [teams, policies, rollouts] = await Promise.all([
    client.request<Items<{ id: string; name: string }>>('GET', '/v1/teams'),
    client.request<Items<{ id: string; name: string }>>('GET', '/v1/policies'),
    options.prune
      ? client.request<Items<{ id: string; policyId: string; status: string }>>('GET', '/v1/rollouts')
      : { items: [] },
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
  return { teams: teams.items.map(({ id, name }) => ({ id, name })), policies: new Map(held) };
}

/** A stored target by team name; a team the list lacks keeps its id, so it matches no document and is shown. */
function namedTarget(target: PolicyTarget, teamName: ReadonlyMap<string, string>): NamedTarget {
  const { teamId, platforms, minOsVersion, maxOsVersion } = target;
  return {
    ...(teamId ? { team: teamName.get(teamId) ?? `id:${teamId}` } : {}),
    ...(platforms ? { platforms } : {}),
    ...(minOsVersion ? { minOsVersion } : {}),
    ...(maxOsVersion ? { maxOsVersion } : {}),
  };
}
