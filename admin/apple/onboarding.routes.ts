// POST /v1/onboarding: an HR or onboarding system pre-stages an ABM device for a person (API token, role
// `onboarding`). Idempotent by the caller's key: a retry gets the first answer, the same key for another
// request is a 409. When the device is enrolled and configured, the core POSTs a signed webhook
// (activities/apple/dep/onboarding-webhook.activities.ts).
import { isDeepStrictEqual } from 'node:util';
import { HTTPException } from 'hono/http-exception';
import { sql } from 'kysely';
import { z } from 'zod';
import { recordAudit } from '../audit.repository.js';
import { defineRoute, type AdminRoute } from '../define-route.js';
import { readJson } from '../json-body.js';
import { errorBody } from '../openapi.js';
import type { AdminPlatformDeps } from '../platform.js';

const onboardingBody = z.strictObject({
  key: z.string().min(1).max(200).describe('The caller’s own idempotency key, e.g. its hire id.'),
  person: z
    .union([
      z.strictObject({ email: z.email().max(320) }),
      z.strictObject({ username: z.string().min(1).max(256) }),
    ])
    .describe('Who the device is for: a directory e-mail or user name.'),
  device: z.strictObject({
    serialNumber: z.string().min(1).max(64).describe('A serial ABM assigns to Keep.'),
  }),
});

const accepted = z.object({
  key: z.string(),
  status: z.literal('pre-staged'),
  depDeviceId: z.uuid().describe('Keep’s id of the ABM device; the webhook names it again.'),
});

export function onboardingRoutes(deps: AdminPlatformDeps): AdminRoute[] {
  return [
    defineRoute(
      {
        method: 'post',
        path: '/v1/onboarding',
        summary:
          'Pre-stage an ABM device for a person; a signed webhook (dep.onboardingWebhookUrl) follows when it is enrolled and configured.',
        permission: 'onboarding:write',
        body: onboardingBody,
        responses: {
          201: { description: 'Pre-staged.', schema: accepted },
          200: {
            description: 'A retry of an earlier request with this key: its answer again.',
            schema: accepted,
          },
          404: { description: 'device.serialNumber is not assigned to Keep in ABM.', schema: errorBody },
          409: { description: 'This key was used for another request.', schema: errorBody },
        },
      },
      async (c) => {
        const body = await readJson(c, onboardingBody);
        const caller = c.get('principal').subject;
        const owner = 'email' in body.person ? body.person.email : body.person.username;
        const answer = await deps.db.transaction().execute(async (trx) => {
          // One request per key at a time: a concurrent retry waits, then sees the first one's row.
          await sql`select pg_advisory_xact_lock(hashtext(${`onboarding:${caller}:${body.key}`}))`.execute(
            trx,
          );
          const earlier = await trx
            .selectFrom('onboarding_requests')
            .select(['request', 'dep_device_id'])
            .where('caller', '=', caller)
            .where('key', '=', body.key)
            .executeTakeFirst();
          if (earlier) {
            if (!isDeepStrictEqual(earlier.request, canonical(body)))
              throw new HTTPException(409, { message: 'key: already used for another request' });
            return { status: 200 as const, depDeviceId: earlier.dep_device_id };
          }
          const device = await trx
            .updateTable('dep_devices')
            .set({ owner, updated_at: sql`now()` })
            .where('serial_number', '=', body.device.serialNumber)
            .where('removed_at', 'is', null)
            .returning('id')
            .executeTakeFirst();
          if (!device)
            throw new HTTPException(404, { message: 'device.serialNumber: not assigned to Keep in ABM' });
          await trx
            .insertInto('onboarding_requests')
            .values({
              caller,
              key: body.key,
              request: JSON.stringify(canonical(body)),
              dep_device_id: device.id,
            })
            .execute();
          return { status: 201 as const, depDeviceId: device.id };
        });
        if (answer.status === 201)
          await recordAudit(deps.db, c.get('principal'), {
            action: 'onboarding.pre-stage',
            targetKind: 'dep-device',
            targetId: answer.depDeviceId,
          });
        return c.json(
          { key: body.key, status: 'pre-staged', depDeviceId: answer.depDeviceId },
          answer.status,
        );
      },
    ),
  ];
}

/** The request as stored and compared (without the key): what a retry must repeat. */
function canonical(body: z.infer<typeof onboardingBody>) {
  return {
    person: 'email' in body.person ? { email: body.person.email } : { username: body.person.username },
    device: { serialNumber: body.device.serialNumber },
  };
}
