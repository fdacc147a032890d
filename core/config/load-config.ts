// Reads a process's configuration once, from KEEP_* environment variables over an optional YAML file.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';

/** A setting is wrong or missing; the message names every offending setting by its variable and path. */
export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    message: string,
    readonly problems: readonly string[] = [],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

interface SchemaNode {
  def: { type: string; innerType?: SchemaNode; in?: SchemaNode; shape?: Record<string, SchemaNode> };
  description?: string;
}

function unwrap(node: SchemaNode): SchemaNode {
  const { def } = node;
  if ((def.type === 'default' || def.type === 'prefault' || def.type === 'optional') && def.innerType) {
    return unwrap(def.innerType);
  }
  if (def.type === 'pipe' && def.in) return unwrap(def.in);
  return node;
}

/** `edgeDatabase.poolSize` → `KEEP_EDGE_DATABASE_POOL_SIZE`. */
export function envName(path: readonly string[]): string {
  return `KEEP_${path.map((part) => part.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()).join('_')}`;
}

export interface SettingDoc {
  path: string;
  env: string;
  description: string;
}

/** Every leaf setting of a process schema, for documentation and for reading the environment. */
export function listSettings(schema: z.ZodType, prefix: string[] = []): SettingDoc[] {
  const node = unwrap(schema);
  if (node.def.type !== 'object' || !node.def.shape) {
    const described = schema as unknown as SchemaNode;
    return [
      {
        path: prefix.join('.'),
        env: envName(prefix),
        description: described.description ?? node.description ?? '',
      },
    ];
  }
  return Object.entries(node.def.shape).flatMap(([key, child]) =>
    listSettings(child as unknown as z.ZodType, [...prefix, key]),
  );
}

function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let cursor = target;
  for (const part of path.slice(0, -1)) {
    const next = cursor[part];
    cursor = (typeof next === 'object' && next !== null ? next : (cursor[part] = {})) as Record<
      string,
      unknown
    >;
  }
  cursor[path[path.length - 1]!] = value;
}

function ensureObject(target: Record<string, unknown>, path: readonly string[]): void {
  let cursor = target;
  for (const part of path) {
    const next = cursor[part];
    if (next !== undefined && (typeof next !== 'object' || next === null)) return;
    cursor = (next ?? (cursor[part] = {})) as Record<string, unknown>;
  }
}

export interface LoadOptions {
  env?: NodeJS.ProcessEnv;
  /** A YAML file with the same nested shape; KEEP_CONFIG_FILE names it when this is absent. */
  file?: string;
}

export function loadConfig<S extends z.ZodType>(schema: S, options: LoadOptions = {}): z.infer<S> {
  const env = options.env ?? process.env;
  const file = options.file ?? env.KEEP_CONFIG_FILE;
  let raw: Record<string, unknown> = {};
  if (file) {
    try {
      const parsed: unknown = parseYaml(readFileSync(file, 'utf8'), { maxAliasCount: 0 });
      if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) {
        throw new Error('the file must hold a mapping of sections');
      }
      raw = (parsed ?? {}) as Record<string, unknown>;
    } catch (cause) {
      throw new ConfigError(`KEEP_CONFIG_FILE (${file}) cannot be read: ${(cause as Error).message}`, [], {
        cause,
      });
    }
  }
  for (const setting of listSettings(schema)) {
    // Every section exists, so a missing setting is reported by its own name, not its section's.
    const path = setting.path.split('.');
    for (let depth = 1; depth < path.length; depth++) ensureObject(raw, path.slice(0, depth));
    const value = env[setting.env];
    if (value !== undefined && value !== '') setPath(raw, setting.path.split('.'), value);
  }
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = issue.path.map(String);
    const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...path, key]) : [path];
    return keys
      .map(
        (p) =>
          `${envName(p)} (${p.join('.') || 'root'}): ${issue.code === 'unrecognized_keys' ? 'not a setting of this process' : issue.message}`,
      )
      .join('; ');
  });
  throw new ConfigError(`invalid configuration:\n  - ${problems.join('\n  - ')}`, problems);
}
