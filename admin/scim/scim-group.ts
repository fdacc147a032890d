// The SCIM Group resource (RFC 7643 §4.2): a name and direct members, which must be SCIM users.
import { z } from 'zod';
import type { DirectoryGroupRow } from '../../core/db/core/directory-group.table.js';

export const GROUP_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:Group';

export const scimGroupInput = z.object({
  displayName: z.string().trim().min(1).max(256),
  externalId: z.string().min(1).max(256).optional(),
  members: z
    .array(
      z.object({ value: z.string().max(64), display: z.string().optional(), type: z.string().optional() }),
    )
    .max(10_000)
    .default([]),
});

export type ScimGroupInput = z.infer<typeof scimGroupInput>;

export function scimGroup(row: DirectoryGroupRow, members: readonly { id: string; username: string }[]) {
  return {
    schemas: [GROUP_SCHEMA],
    id: row.id,
    displayName: row.name,
    members: members.map((m) => ({ value: m.id, display: m.username, $ref: `/scim/v2/Users/${m.id}` })),
    meta: {
      resourceType: 'Group',
      created: row.created_at.toISOString(),
      lastModified: row.updated_at.toISOString(),
      location: `/scim/v2/Groups/${row.id}`,
    },
  };
}
