// The two Postgres schemas and the roles that own them (DESIGN.md §1).
export const PLANES = ['edge', 'core'] as const;
export type Plane = (typeof PLANES)[number];
