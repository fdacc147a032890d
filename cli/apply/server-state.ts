// What the server holds of what a `keep apply` folder declares, read through the admin API.
import type { Policy, PolicyTarget } from '../../core/policy/index.js';
import type { AdminClient } from '../admin-client.js';
import type { ApplyDocument, NamedTarget } from './apply-documents.js';

export interface ServerPolicy {
  id: string;
  /** The latest version's document and the assignments: read only for the policies the folder names. */
  document?: Policy;
  assignments?: Array<{ id: string; target: NamedTarget }>;
}

export interface ServerState {
  teams: Array<{ id: string; name: string }>;
  /** Every policy by name. */
  policies: Map<string, ServerPolicy>;
}

interface Items<T> {
  items: T[];
}

export async function readServerState(
  client: AdminClient,
  documents: readonly ApplyDocument[],
): Promise<ServerState> {
  const [teams, policies] = await Promise.all([
    client.request<Items<{ id: string; name: string }>>('GET', '/v1/teams'),
    client.request<Items<{ id: string; name: string }>>('GET', '/v1/policies'),
  ]);
  const teamName = new Map(teams.items.map((t) => [t.id, t.name]));
  const named = new Set(
    documents.flatMap((d) =>
      d.kind === 'Policy' ? [d.policy.name] : d.kind === 'Assignment' ? [d.policy] : [],
    ),
  );
  const held = await Promise.all(
    policies.items.map(async ({ id, name }): Promise<[string, ServerPolicy]> => {
      if (!named.has(name)) return [name, { id }];
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
