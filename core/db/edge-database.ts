// Every table of the "edge" schema: queues, push tokens and certificate bindings, nothing sensitive.
import type { PlaneCheckTable } from './plane-check.table.js';

export interface EdgeDatabase {
  plane_checks: PlaneCheckTable;
}
