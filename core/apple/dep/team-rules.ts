// `dep.teamRules` ("<directory group>=<team>,…") as a lookup: which teams a device joins for its owner's groups.

export type TeamRules = ReadonlyMap<string, readonly string[]>;

export function parseTeamRules(setting: string): TeamRules {
  const rules = new Map<string, string[]>();
  for (const rule of setting.split(',').filter((r) => r.trim())) {
    const [group, team] = rule.split('=').map((part) => part.trim());
    if (!group || !team) continue;
    rules.set(group, [...(rules.get(group) ?? []), team]);
  }
  return rules;
}

/** The teams of every group the owner is in, each once, in a stable order. */
export function teamsFor(rules: TeamRules, groups: readonly string[]): string[] {
  return [...new Set(groups.flatMap((group) => rules.get(group) ?? []))].sort();
}
