// The shape every plane's activity table has, and the one way tables from several owners become a worker's.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ActivityFunctions = Record<string, (input: any) => Promise<unknown>>;

/** One worker holds every platform's activities: a name two owners claim would silently run only one. */
export function mergeActivities(tables: readonly ActivityFunctions[]): ActivityFunctions {
  const merged: ActivityFunctions = {};
  for (const table of tables) {
    for (const [name, activity] of Object.entries(table)) {
      if (name in merged) throw new Error(`activity ${name} is registered twice`);
      merged[name] = activity;
    }
  }
  return merged;
}
