// The SCIM User resource (RFC 7643 §4.1, with the enterprise extension's department) and its mapping to
// the neutral directory user that core.directory_users holds.
import { z } from 'zod';
import type { DirectoryUserRow } from '../../core/db/core/directory-user.table.js';
import type { DirectoryUser } from '../../core/directory/directory-model.js';

export const USER_SCHEMA = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const ENTERPRISE_USER_SCHEMA = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

const scimBoolean = z.union([
  z.boolean(),
  z.enum(['true', 'false', 'True', 'False']).transform((v) => v.toLowerCase() === 'true'),
]);

/** What a client may send; unknown attributes are ignored (RFC 7643 §3 lets a provider drop them). */
export const scimUserInput = z.object({
  userName: z.string().trim().min(1).max(256),
  externalId: z.string().min(1).max(256).optional(),
  displayName: z.string().max(256).nullish(),
  name: z
    .object({
      formatted: z.string().max(256).optional(),
      givenName: z.string().max(256).optional(),
      familyName: z.string().max(256).optional(),
    })
    .optional(),
  emails: z
    .array(
      z.object({
        value: z.string().max(320).optional(),
        primary: scimBoolean.optional(),
        type: z.string().max(64).optional(),
      }),
    )
    .max(20)
    .optional(),
  active: scimBoolean.default(true),
  [ENTERPRISE_USER_SCHEMA]: z.object({ department: z.string().max(256).nullish() }).optional(),
});

export type ScimUserInput = z.infer<typeof scimUserInput>;

/** `externalId` is the identity provider's own id, kept in attributes; Keep's external id is its own. */
export function directoryUserFrom(input: ScimUserInput, externalId: string): DirectoryUser {
  const email =
    input.emails?.find((e) => e.primary && e.value)?.value ?? input.emails?.find((e) => e.value)?.value;
  const formatted =
    input.name?.formatted ??
    ([input.name?.givenName, input.name?.familyName].filter(Boolean).join(' ') || null);
  return {
    externalId,
    username: input.userName,
    email: email ?? null,
    displayName: input.displayName ?? formatted,
    department: input[ENTERPRISE_USER_SCHEMA]?.department ?? null,
    disabled: !input.active,
    attributes: input.externalId ? { externalId: input.externalId } : {},
  };
}

export function scimUser(row: DirectoryUserRow) {
  const idpExternalId = typeof row.attributes.externalId === 'string' ? row.attributes.externalId : undefined;
  return {
    schemas: row.department ? [USER_SCHEMA, ENTERPRISE_USER_SCHEMA] : [USER_SCHEMA],
    id: row.id,
    ...(idpExternalId ? { externalId: idpExternalId } : {}),
    userName: row.username,
    ...(row.display_name ? { displayName: row.display_name } : {}),
    emails: row.email ? [{ value: row.email, primary: true, type: 'work' }] : [],
    active: !row.disabled,
    ...(row.department ? { [ENTERPRISE_USER_SCHEMA]: { department: row.department } } : {}),
    meta: {
      resourceType: 'User',
      created: row.created_at.toISOString(),
      lastModified: row.updated_at.toISOString(),
      location: `/scim/v2/Users/${row.id}`,
    },
  };
}
