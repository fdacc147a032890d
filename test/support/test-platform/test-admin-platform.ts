// The test platform's admin side: a command builder of its own (JSON, not plists), its own help-desk rule and
// secret, and one route of its own.
import { z } from 'zod';
import { defineRoute } from '../../../admin/define-route.js';
import { parseOr400 } from '../../../admin/json-body.js';
import type { AdminPlatform, BuiltCommandRequest } from '../../../admin/platform.js';

/** The commands the test platform's builder made, with the UUID it was given. */
export interface TestAdminRecord {
  built: Array<BuiltCommandRequest & { commandUuid: string }>;
}

const requestBody = z.strictObject({
  action: z.enum(['Ping', 'Wipe']).describe('What the test agent should do.'),
  note: z.string().max(100).optional(),
});

export function testAdminPlatform(record: TestAdminRecord): AdminPlatform {
  return {
    id: 'test',
    commands: {
      requestBody,
      build: (body, commandUuid) => {
        const { action, note } = parseOr400(requestBody, body);
        const built = { requestType: action, payload: JSON.stringify({ action, note }), raw: false };
        record.built.push({ ...built, commandUuid });
        return built;
      },
      permission: (requestType) => (requestType === 'Ping' ? 'commands:send' : 'commands:send-any'),
      carriesSecret: () => false,
      redactResult: (requestType, result) => {
        if (requestType !== 'Wipe' || !('wipeCode' in result)) return { result, redacted: [] };
        return { result: { ...result, wipeCode: '<hidden>' }, redacted: ['wipeCode'] };
      },
    },
    routes: () => [
      defineRoute(
        {
          method: 'get',
          path: '/v1/test-platform/agents',
          summary: 'The test platform’s own admin route.',
          permission: 'devices:read',
          responses: {
            200: { description: 'The agents.', schema: z.object({ agents: z.array(z.string()) }) },
          },
        },
        (c) => c.json({ agents: ['tp-agent'] }),
      ),
    ],
  };
}
