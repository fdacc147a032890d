// Plane-check stamps, one table of this shape in each schema (the first slice through every layer).
import type { Generated, Insertable, Selectable } from 'kysely';

export interface PlaneCheckTable {
  id: Generated<string>;
  workflow_id: string;
  marker: string;
  checked_at: Generated<Date>;
}

export type PlaneCheck = Selectable<PlaneCheckTable>;
export type NewPlaneCheck = Insertable<PlaneCheckTable>;
