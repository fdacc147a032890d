// Expands nested group membership in memory, bounded and cycle-safe, for servers without AD's in-chain rule.
import type { GroupMembers } from './directory-model.js';

export interface GroupNode {
  externalId: string;
  dn: string;
  /** DNs from `member` / `uniqueMember`: users or other groups. */
  memberDns: readonly string[];
}

/** DNs compare case-insensitively in practice (attribute names and most values); normalise the obvious part. */
export function normalizeDn(dn: string): string {
  return dn
    .split(',')
    .map((rdn) => rdn.trim())
    .join(',')
    .toLowerCase();
}

/**
 * For each group, the users reachable through member links up to `maxDepth` levels of nesting. A cycle
 * (A ∋ B ∋ A) is visited once; deeper nesting than the bound is ignored rather than followed forever.
 */
export function expandNestedGroups(
  groups: readonly GroupNode[],
  userIdByDn: ReadonlyMap<string, string>,
  maxDepth: number,
): GroupMembers[] {
  const groupByDn = new Map(groups.map((g) => [normalizeDn(g.dn), g]));
  return groups.map((group) => {
    const direct = new Set<string>();
    const effective = new Set<string>();
    const seen = new Set<string>([normalizeDn(group.dn)]);
    let frontier: GroupNode[] = [group];
    for (let depth = 0; depth <= maxDepth && frontier.length > 0; depth++) {
      const next: GroupNode[] = [];
      for (const node of frontier) {
        for (const memberDn of node.memberDns) {
          const key = normalizeDn(memberDn);
          const userId = userIdByDn.get(key);
          if (userId) {
            effective.add(userId);
            if (depth === 0) direct.add(userId);
            continue;
          }
          const child = groupByDn.get(key);
          if (child && !seen.has(key)) {
            seen.add(key);
            next.push(child);
          }
        }
      }
      frontier = next;
    }
    return { groupExternalId: group.externalId, direct, effective };
  });
}
