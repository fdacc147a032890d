// /v1/devices/{id}/labels and /v1/labels: admins and operators tag devices; policies may be assigned by label.
import type { Client } from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../core/db/core-database.js';
import { labelSchema } from '../core/device/device-label.js';
import { scopeOf } from './auth/rbac.js';
import { recordAudit } from './audit.repository.js';
import { defineRoute, type AdminRoute } from './define-route.js';
import { deviceOr404 } from './device.routes.js';
import { addDeviceLabel, listLabels, removeDeviceLabel } from './label.repository.js';
import { errorBody } from './openapi.js';
import { tellDevicePolicies } from './policy/tell-device-policies.js';

const labelParams = { id: "Keep's device id.", label: 'The label, e.g. "canary".' };
const labelList = z.object({
  items: z.array(z.object({ label: z.string(), devices: z.number().int() })),
});

function labelOf(raw: string): string {
  const parsed = labelSchema.safeParse(raw);
  if (!parsed.success)
    throw new HTTPException(400, { message: `label: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
  return parsed.data;
}

export function labelRoutes(deps: {
  db: Kysely<CoreDatabase>;
  /** A device labelled or unlabelled is told, since policies may be assigned by label. */
  temporal: Client;
  temporalTimeoutMs?: number | undefined;
}): AdminRoute[] {
  return [
    defineRoute(
      {
        method: 'put',
        path: '/v1/devices/{id}/labels/{label}',
        summary:
          'Put a label on a device (idempotent); the device reconciles the policies assigned by label.',
        permission: 'policies:write',
        scope: 'team',
        params: labelParams,
        responses: {
          204: { description: 'The device carries the label.' },
          400: { description: 'A malformed label.', schema: errorBody },
          404: { description: 'No such device in your teams.', schema: errorBody },
          503: {
            description: 'Stored, but the device could not be told yet; send it again.',
            schema: errorBody,
          },
        },
      },
      async (c) => {
        const label = labelOf(c.req.param('label'));
        const device = await deviceOr404(
          deps.db,
          c.req.param('id'),
          scopeOf(c.get('principal'), 'policies:write'),
        );
        await recordAudit(deps.db, c.get('principal'), {
          action: 'device.label.add',
          targetKind: 'device',
          targetId: device.id,
          details: { label },
        });
        await addDeviceLabel(deps.db, device.id, label);
        await tellDevicePolicies(deps, device.id);
        return c.body(null, 204);
      },
    ),
    defineRoute(
      {
        method: 'delete',
        path: '/v1/devices/{id}/labels/{label}',
        summary: 'Take a label off a device; the device reconciles the policies assigned by label.',
        permission: 'policies:write',
        scope: 'team',
        params: labelParams,
        responses: {
          204: { description: 'Removed.' },
          400: { description: 'A malformed label.', schema: errorBody },
          404: {
            description: 'No such device in your teams, or it does not carry the label.',
            schema: errorBody,
          },
          503: {
            description: 'Removed, but the device could not be told yet; send it again.',
            schema: errorBody,
          },
        },
      },
      async (c) => {
        const label = labelOf(c.req.param('label'));
        const device = await deviceOr404(
          deps.db,
          c.req.param('id'),
          scopeOf(c.get('principal'), 'policies:write'),
        );
        await recordAudit(deps.db, c.get('principal'), {
          action: 'device.label.remove',
          targetKind: 'device',
          targetId: device.id,
          details: { label },
        });
        if (!(await removeDeviceLabel(deps.db, device.id, label)))
          throw new HTTPException(404, { message: 'label: the device does not carry this label' });
        await tellDevicePolicies(deps, device.id);
        return c.body(null, 204);
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/labels',
        summary: 'Every label on the devices you may see, with how many carry it.',
        permission: 'devices:read',
        scope: 'team',
        responses: { 200: { description: 'The labels, by name.', schema: labelList } },
      },
      async (c) => {
        const items = await listLabels(deps.db, scopeOf(c.get('principal'), 'devices:read'));
        return c.json({ items });
      },
    ),
  ];
}
