// The OpenAPI 3.1 document (GET /openapi.json), built from the declarations the admin app mounts (define-route.ts).
import { z } from 'zod';
import type { Permission } from './auth/rbac.js';

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI form: `/v1/devices/{id}`. */
  path: string;
  summary: string;
  /** Absent for the public routes; otherwise a bearer token whose role holds this permission. */
  permission?: Permission;
  /** Where the permission must hold (`requirePermission`'s second argument): everywhere (default) or in a team. */
  scope?: 'global' | 'team';
  params?: Record<string, string>;
  /** Optional request headers the route reads, by name, with their description. */
  headers?: Record<string, string>;
  query?: z.ZodObject;
  body?: z.ZodType;
  responses: Record<number, { description: string; schema?: z.ZodType }>;
}

export const errorBody = z.object({ error: z.string().describe('What is wrong, naming the field.') });

/** JSON Schema 2020-12 is OpenAPI 3.1's own dialect; `input` documents what a client sends. */
function schemaOf(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' });
  return rest;
}

function json(schema: z.ZodType, io: 'input' | 'output') {
  return { 'application/json': { schema: schemaOf(schema, io) } };
}

function operation(route: RouteDoc) {
  const responses: Record<string, unknown> = {};
  const error = (description: string) => ({ description, content: json(errorBody, 'output') });
  for (const [status, response] of Object.entries(route.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.schema ? { content: json(response.schema, 'output') } : {}),
    };
  }
  if (route.body || route.query)
    responses['400'] ??= error('The input is invalid; the message names the field.');
  if (route.permission) {
    responses['401'] = error('No bearer token or session, or an invalid, expired or revoked one.');
    responses['403'] = error(
      `The caller's roles lack permission ${route.permission}, or a cookie request lacks its CSRF token.`,
    );
  }
  const parameters = [
    ...Object.entries(route.params ?? {}).map(([name, description]) => ({
      name,
      in: 'path',
      required: true,
      description,
      schema: { type: 'string' },
    })),
    ...Object.entries(route.query?.shape ?? {}).map(([name, field]) => {
      const schema = schemaOf(field as z.ZodType, 'input');
      return {
        name,
        in: 'query',
        required: false,
        ...(typeof schema.description === 'string' ? { description: schema.description } : {}),
        schema,
      };
    }),
    ...Object.entries(route.headers ?? {}).map(([name, description]) => ({
      name,
      in: 'header',
      required: false,
      description,
      schema: { type: 'string' },
    })),
  ];
  return {
    summary: route.summary,
    ...(route.permission ? { 'x-keep-permission': route.permission } : { security: [] }),
    /** A team-scoped route lets a role held in a team through, and answers only about that team's devices. */
    ...(route.scope === 'team' ? { 'x-keep-scope': 'team' } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content: json(route.body, 'input') } } : {}),
    responses,
  };
}

export function openApiDocument(routes: readonly RouteDoc[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Keep admin API',
      version: '1',
      description:
        'Devices, commands, the APNs push certificate, API tokens, teams and role grants, and the audit log.',
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        session: { type: 'apiKey', in: 'cookie', name: 'keep_session' },
      },
    },
    security: [{ bearer: [] }, { session: [] }],
    paths,
  };
}
