// Carries out a `keep apply` plan through the admin API, in the plan's order (teams, labels, policies,
// assignments, deletions).
import type { PolicyTarget } from '../../core/policy/index.js';
import type { AdminClient } from '../admin-client.js';
import type { ApplyDocument } from './apply-documents.js';
import type { ApplyChange } from './apply-plan.js';
import type { ServerState } from './server-state.js';

/**
 * Stops at the first refusal (an AdminApiError naming the change's field): what came before stays applied, and
 * running the folder again plans only what is left.
 */
export async function applyChanges(
  client: AdminClient,
  changes: readonly ApplyChange[],
  documents: readonly ApplyDocument[],
  server: ServerState,
  onApplied: (change: ApplyChange) => void = () => {},
): Promise<void> {
  const teamIds = new Map(server.teams.map((t) => [t.name, t.id]));
  const policyIds = new Map([...server.policies].map(([name, p]) => [name, p.id]));
  const policies = new Map(
    documents.flatMap((d) => (d.kind === 'Policy' ? [[d.policy.name, d.policy]] : [])),
  );
  const idOf = (ids: Map<string, string>, kind: string, name: string): string => {
    const id = ids.get(name);
    // The plan only names what the folder or the server holds, and creates come first.
    if (!id) throw new Error(`${kind} ${JSON.stringify(name)} has no id after the steps before it`);
    return id;
  };
  for (const change of changes) {
    switch (change.kind) {
      case 'Team': {
        const team = await client.request<{ id: string }>('POST', '/v1/teams', { name: change.name });
        teamIds.set(change.name, team.id);
        break;
      }
      case 'Label': {
        const label = encodeURIComponent(change.name);
        const add = change.action === 'delete' ? [] : change.add;
        for (const id of add.flatMap((serial) => server.devicesBySerial.get(serial) ?? []))
          await client.request('PUT', `/v1/devices/${id}/labels/${label}`);
        const remove = new Set(change.remove);
        for (const { id } of (server.labels.get(change.name) ?? []).filter((d) => remove.has(d.serial)))
          await client.request('DELETE', `/v1/devices/${id}/labels/${label}`);
        break;
      }
      case 'Policy': {
        if (change.action === 'delete') {
          if (change.waves)
            await client.request('POST', '/v1/rollouts', {
              policyId: change.policyId,
              remove: true,
              waves: change.waves,
            });
          else await client.request('DELETE', `/v1/policies/${change.policyId}`);
          break;
        }
        const body = policies.get(change.name);
        const stored = await client.request<{ policyId: string }>('POST', '/v1/policies', body);
        policyIds.set(change.name, stored.policyId);
        break;
      }
      case 'Assignment': {
        const policyId = idOf(policyIds, 'policy', change.policy);
        if (change.action === 'remove') {
          await client.request('DELETE', `/v1/policies/${policyId}/assignments/${change.assignmentId}`);
          break;
        }
        const { team, ...filters } = change.target;
        const target: PolicyTarget = {
          ...filters,
          ...(team === undefined ? {} : { teamId: idOf(teamIds, 'team', team) }),
        };
        await client.request('POST', `/v1/policies/${policyId}/assignments`, target);
        break;
      }
    }
    onApplied(change);
  }
}
