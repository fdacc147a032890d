// Compliance as the devices proved it: per device, per policy, and a fleet summary by setting.
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { ComplianceStatus, DevicePolicyComplianceRow } from '../../core/db/core/policy.table.js';
import { scopeOf, type Scope } from '../auth/rbac.js';
import { defineRoute, type AdminRoute } from '../define-route.js';
import { inScope } from '../device.repository.js';
import { deviceOr404 } from '../device.routes.js';
import { errorBody } from '../openapi.js';
import { policyOr404 } from './policy.routes.js';

const status = z.enum(['compliant', 'failing', 'unknown', 'not-applicable']);
const settingView = z.object({
  setting: z
    .string()
    .describe('A setting (firewall) or a field the device cannot take (restrictions.allowAppStore).'),
  status,
  reason: z.string().nullable(),
  provenAt: z.iso.datetime().nullable().describe("The time of the device's answer that proves the status."),
});
const policyOnDevice = z.object({
  deviceId: z.uuid(),
  policyId: z.uuid(),
  version: z.number().int(),
  status: status.describe('failing if a setting fails, unknown if one is unproven, else compliant.'),
  settings: z.array(settingView),
});

/** Not-applicable settings do not count: a device is judged on what it can enforce. */
function overall(statuses: readonly ComplianceStatus[]): ComplianceStatus {
  if (statuses.includes('failing')) return 'failing';
  if (statuses.includes('unknown')) return 'unknown';
  return statuses.includes('compliant') || statuses.length === 0 ? 'compliant' : 'not-applicable';
}

function group(rows: readonly DevicePolicyComplianceRow[]): z.infer<typeof policyOnDevice>[] {
  const byKey = new Map<string, DevicePolicyComplianceRow[]>();
  for (const row of rows) {
    const key = `${row.device_id}/${row.policy_id}`;
    byKey.set(key, [...(byKey.get(key) ?? []), row]);
  }
  return [...byKey.values()].map((list) => ({
    deviceId: list[0]!.device_id,
    policyId: list[0]!.policy_id,
    version: list[0]!.version,
    status: overall(list.map((r) => r.status)),
    settings: list.map((r) => ({
      setting: r.setting,
      status: r.status,
      reason: r.reason,
      provenAt: r.proven_at?.toISOString() ?? null,
    })),
  }));
}

/** Compliance rows of the devices the caller may see (devices:read, by team), in SQL like the device routes. */
function visible(db: Kysely<CoreDatabase>, scope: Scope) {
  return db
    .selectFrom('device_policy_compliance as dpc')
    .where((eb) =>
      eb('dpc.device_id', 'in', eb.selectFrom('devices').select('devices.id').where(inScope(scope))),
    );
}

export function policyComplianceRoutes(deps: { db: Kysely<CoreDatabase> }): AdminRoute[] {
  const { db } = deps;
  return [
    defineRoute(
      {
        method: 'get',
        path: '/v1/devices/{id}/compliance',
        summary: "The device's compliance with each policy it holds, setting by setting.",
        permission: 'devices:read',
        scope: 'team',
        params: { id: "Keep's device id." },
        responses: {
          200: { description: 'One entry per policy.', schema: z.object({ items: z.array(policyOnDevice) }) },
          404: { description: 'No such device (in your scope).', schema: errorBody },
        },
      },
      async (c) => {
        const device = await deviceOr404(db, c.req.param('id'), scopeOf(c.get('principal'), 'devices:read'));
        const rows = await db
          .selectFrom('device_policy_compliance')
          .selectAll()
          .where('device_id', '=', device.id)
          .orderBy('policy_id')
          .orderBy('setting')
          .execute();
        return c.json({ items: group(rows) });
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/policies/{id}/compliance',
        summary: "Each device's compliance with the policy, setting by setting.",
        permission: 'policies:read',
        scope: 'team',
        params: { id: 'The policy id.' },
        responses: {
          200: {
            description: 'One entry per device (in your scope).',
            schema: z.object({ items: z.array(policyOnDevice) }),
          },
          404: { description: 'No such policy.', schema: errorBody },
        },
      },
      async (c) => {
        const policy = await policyOr404(db, c.req.param('id'));
        const rows = await visible(db, scopeOf(c.get('principal'), 'devices:read'))
          .selectAll('dpc')
          .where('dpc.policy_id', '=', policy.id)
          .orderBy('dpc.device_id')
          .orderBy('dpc.setting')
          .execute();
        return c.json({ items: group(rows) });
      },
    ),
    defineRoute(
      {
        method: 'get',
        path: '/v1/compliance/summary',
        summary:
          'Across the fleet (the devices in your scope): how many are compliant, failing, unknown or not applicable, by policy and setting.',
        permission: 'policies:read',
        scope: 'team',
        responses: {
          200: {
            description: 'One entry per policy and setting.',
            schema: z.object({
              items: z.array(
                z.object({
                  policyId: z.uuid(),
                  policyName: z.string(),
                  setting: z.string(),
                  compliant: z.number().int(),
                  failing: z.number().int(),
                  unknown: z.number().int(),
                  notApplicable: z.number().int(),
                }),
              ),
            }),
          },
        },
      },
      async (c) => {
        const rows = await visible(db, scopeOf(c.get('principal'), 'devices:read'))
          .innerJoin('policies', 'policies.id', 'dpc.policy_id')
          .select(['dpc.policy_id', 'policies.name', 'dpc.setting', 'dpc.status'])
          .select((eb) => eb.fn.countAll<string>().as('count'))
          .groupBy(['dpc.policy_id', 'policies.name', 'dpc.setting', 'dpc.status'])
          .orderBy('policies.name')
          .orderBy('dpc.setting')
          .execute();
        const items = new Map<
          string,
          { policyId: string; policyName: string; setting: string } & Record<
            'compliant' | 'failing' | 'unknown' | 'notApplicable',
            number
          >
        >();
        for (const row of rows) {
          const key = `${row.policy_id}/${row.setting}`;
          const item = items.get(key) ?? {
            policyId: row.policy_id,
            policyName: row.name,
            setting: row.setting,
            compliant: 0,
            failing: 0,
            unknown: 0,
            notApplicable: 0,
          };
          item[row.status === 'not-applicable' ? 'notApplicable' : row.status] += Number(row.count);
          items.set(key, item);
        }
        return c.json({ items: [...items.values()] });
      },
    ),
  ];
}
