// Reads and validates request input with zod; every problem becomes a 400 naming the field.
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { z } from 'zod';

export function describeIssue(error: z.ZodError, prefix: readonly (string | number)[] = []): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid input';
  const path = [...prefix, ...issue.path.map(String)].join('.');
  return path ? `${path}: ${issue.message}` : issue.message;
}

export function parseOr400<S extends z.ZodType>(
  schema: S,
  value: unknown,
  prefix: readonly (string | number)[] = [],
): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new HTTPException(400, { message: describeIssue(result.error, prefix) });
  return result.data;
}

export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  const body: unknown = await c.req.json().catch(() => undefined);
  if (body === undefined) throw new HTTPException(400, { message: 'body: expected a JSON object' });
  return parseOr400(schema, body);
}

export function readQuery<S extends z.ZodType>(c: Context, schema: S): z.output<S> {
  return parseOr400(schema, c.req.query());
}
