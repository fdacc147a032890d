// The two task queues and the opaque workflow ids of DESIGN.md §1 (never a serial, UDID, e-mail or user name).
import { randomUUID } from 'node:crypto';

export const TASK_QUEUES = { edge: 'edge', core: 'core' } as const;

/** Keep's own opaque ids; workflow ids are built only from these. */
export function newOpaqueId(): string {
  return randomUUID();
}

export const workflowIds = {
  planeCheck: (id: string) => `plane-check-${id}`,
  device: (keepId: string) => `device-${keepId}`,
};
