// GET /v1/devices and GET /v1/devices/{id}: the inventory, its facts and enrollment state.
import { HTTPException } from 'hono/http-exception';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../core/db/core-database.js';
import type { Device } from '../core/db/core/device.table.js';
import { labelSchema } from '../core/device/device-label.js';
import { scopeOf, type Scope } from './auth/rbac.js';
import { defineRoute, type AdminRoute } from './define-route.js';
import { countPendingCommands, findDevice, listDevices } from './device.repository.js';
import { readQuery } from './json-body.js';
import { errorBody } from './openapi.js';
import { cursorPart, decodeCursor, pageQuery, toPage } from './paging.js';

const platform = z.enum(['apple', 'windows', 'android', 'linux']);
const enrollmentStatus = z.enum(['authenticated', 'enrolled', 'checked-out']);
const timestamp = z.iso.datetime().nullable();

const listQuery = pageQuery.extend({
  platform: platform.optional().describe('Only devices of this platform.'),
  status: enrollmentStatus.optional().describe('Only devices in this enrollment state.'),
  q: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .optional()
    .describe('Only devices whose serial number, name or UDID contains this text (case-insensitive).'),
  teamId: z.uuid().optional().describe('Only devices in this team.'),
  osVersion: z
    .string()
    .trim()
    .regex(/^\d+(\.\d+){0,2}$/, 'a version such as 17 or 14.6.1')
    .optional()
    .describe('Only devices on this OS version or an update of it (17 matches 17.4.1, not 170).'),
  compliance: z
    .enum(['compliant', 'failing', 'unknown'])
    .optional()
    .describe(
      'Only devices whose policies, together, are failing (a setting fails), unknown (none fails, one is unproven) or compliant (neither; a device without policies too).',
    ),
  owner: z
    .string()
    .trim()
    .min(1)
    .max(320)
    .optional()
    .describe('Only devices whose owner (as pre-staged in Apple Business Manager) contains this text.'),
  label: labelSchema.optional().describe('Only devices carrying this label.'),
});

const deviceSummary = z.object({
  id: z.uuid(),
  platform: z.string().describe('The platform id: apple, or another registered platform.'),
  name: z.string().nullable(),
  model: z.string().nullable(),
  osVersion: z.string().nullable(),
  serialNumber: z.string().nullable(),
  enrollmentStatus,
  lastSeenAt: timestamp,
});

const deviceDetail = deviceSummary.extend({
  udid: z.string().nullable(),
  enrollment: z.object({ id: z.string().nullable(), status: enrollmentStatus, enrolledAt: timestamp }),
  facts: z.record(z.string(), z.unknown()).describe('Everything the device reported, merged by source.'),
  pendingCommands: z
    .number()
    .int()
    .describe('Commands queued or refused with NotNow, not answered for good.'),
  identity: z
    .object({
      fingerprint: z.string().describe('SHA-256 of the certificate, lowercase hex.'),
      notAfter: z.iso.datetime(),
      attested: z.boolean().describe('Issued through ACME device-attest-01: the key is hardware-bound.'),
      attestation: z
        .object({
          serialNumber: z.string().nullable(),
          udid: z.string().nullable(),
          osVersion: z.string().nullable(),
          attestedAt: z.iso.datetime().describe('When the fresh attestation was checked.'),
        })
        .nullable()
        .describe('What Apple vouched for, for an attested identity.'),
    })
    .nullable()
    .describe("The enrollment's newest unrevoked device identity."),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

/** The enrollment's newest unrevoked device identity, and whether (and to what) Apple attested it. */
async function identityView(
  db: Kysely<CoreDatabase>,
  enrollmentId: string,
): Promise<z.infer<typeof deviceDetail>['identity']> {
  const row = await db
    .selectFrom('certificates')
    .select(['sha256_fingerprint', 'not_after', 'attestation'])
    .where('enrollment_id', '=', enrollmentId)
    .where('profile', '=', 'device-identity')
    .where('revoked_at', 'is', null)
    .orderBy('issued_at', 'desc')
    .executeTakeFirst();
  if (!row) return null;
  const facts = row.attestation;
  return {
    fingerprint: row.sha256_fingerprint,
    notAfter: row.not_after.toISOString(),
    attested: facts !== null,
    attestation: facts && {
      serialNumber: facts.serialNumber ?? null,
      udid: facts.udid ?? null,
      osVersion: facts.osVersion ?? null,
      attestedAt: facts.attestedAt,
    },
  };
}

const devicePage = z.object({ items: z.array(deviceSummary), nextCursor: z.string().nullable() });

function summary(device: Device): z.infer<typeof deviceSummary> {
  return {
    id: device.id,
    platform: device.platform,
    name: device.name,
    model: device.model,
    osVersion: device.os_version,
    serialNumber: device.serial_number,
    enrollmentStatus: device.enrollment_status,
    lastSeenAt: device.last_seen_at?.toISOString() ?? null,
  };
}

/**
 * 404 for an unknown device and for one outside the caller's scope (the same answer, so ids do not leak),
 * shared by every route under /v1/devices/{id}.
 */
export async function deviceOr404(db: Kysely<CoreDatabase>, id: string, scope: Scope): Promise<Device> {
  const device = await findDevice(db, id, scope);
  if (!device) throw new HTTPException(404, { message: `id: no device ${JSON.stringify(id)}` });
  return device;
}

export function deviceRoutes(deps: { db: Kysely<CoreDatabase> }): AdminRoute[] {
  return [
    defineRoute(
      {
        method: 'get',
        path: '/v1/devices',
        summary:
          'List devices, a page at a time, optionally by platform, enrollment state, team, label, OS version, compliance, owner, or a search of serial number, name and UDID.',
        permission: 'devices:read',
        scope: 'team',
        query: listQuery,
        responses: { 200: { description: 'One page of devices.', schema: devicePage } },
      },
      async (c) => {
        const scope = scopeOf(c.get('principal'), 'devices:read');
        const query = readQuery(c, listQuery);
        const after =
          query.cursor === undefined ? undefined : decodeCursor(query.cursor, [cursorPart.uuid])[0];
        const { q: search, ...filters } = query;
        const rows = await listDevices(deps.db, { ...filters, search, scope, after, limit: query.limit + 1 });
        return c.json(toPage(rows, query.limit, summary, (row) => [row.id]));
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/devices/{id}',
        summary: "A device's facts, enrollment state, last check-in and pending command count.",
        permission: 'devices:read',
        scope: 'team',
        params: { id: "Keep's device id." },
        responses: {
          200: { description: 'The device.', schema: deviceDetail },
          404: { description: 'No such device.', schema: errorBody },
        },
      },
      async (c) => {
        const scope = scopeOf(c.get('principal'), 'devices:read');
        const device = await deviceOr404(deps.db, c.req.param('id'), scope);
        const body: z.infer<typeof deviceDetail> = {
          ...summary(device),
          udid: device.udid,
          enrollment: {
            id: device.enrollment_id,
            status: device.enrollment_status,
            enrolledAt: device.enrolled_at?.toISOString() ?? null,
          },
          facts: device.facts,
          pendingCommands: await countPendingCommands(deps.db, device.id),
          identity: device.enrollment_id ? await identityView(deps.db, device.enrollment_id) : null,
          createdAt: device.created_at.toISOString(),
          updatedAt: device.updated_at.toISOString(),
        };
        return c.json(body);
      },
    ),
  ];
}
