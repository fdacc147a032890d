// Reads a policy document from a request: YAML (`application/yaml`, GitOps) or JSON; problems name field and line.
import type { Context } from 'hono';
import { z } from 'zod';
import { parsePolicy, PolicyError, type Policy, type PolicyProblem } from '../../core/policy/index.js';

export const policyProblemsBody = z.object({
  error: z.string().describe('The first problem, naming its field (and line).'),
  problems: z.array(
    z.object({
      path: z.string().describe('The field, e.g. settings.wifi[0].password.'),
      line: z.number().int().optional().describe('Its line in a YAML document.'),
      message: z.string(),
    }),
  ),
});

function problemText(p: PolicyProblem): string {
  return `${p.path || 'document'}${p.line === undefined ? '' : ` (line ${p.line})`}: ${p.message}`;
}

/** The policy, or the 400 answer that lists every problem (an admin fixes them all in one go). */
export async function readPolicyBody(c: Context): Promise<{ policy: Policy } | { refused: Response }> {
  const yaml = /\byaml\b/i.test(c.req.header('content-type') ?? '');
  const text = await c.req.text();
  try {
    return { policy: parsePolicy(text, yaml ? 'yaml' : 'json') };
  } catch (error) {
    if (!(error instanceof PolicyError)) throw error;
    const body: z.infer<typeof policyProblemsBody> = {
      error: problemText(error.problems[0]!),
      problems: [...error.problems],
    };
    return { refused: c.json(body, 400) };
  }
}
