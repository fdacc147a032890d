// Every table of the "core" schema, the on-premises inventory of record.
import type { PlaneCheckTable } from './plane-check.table.js';

export interface CoreDatabase {
  plane_checks: PlaneCheckTable;
}
