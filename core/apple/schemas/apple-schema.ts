// Validates plist and declaration values against Apple's device-management YAML schemas, vendored beside
// this file so that Keep checks what it emits at run time, not only in tests.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';

export const APPLE_SCHEMA_ROOT = fileURLToPath(new URL('./', import.meta.url));

export type AppleOs = 'iOS' | 'macOS' | 'tvOS' | 'visionOS' | 'watchOS';

export interface OsSupport {
  introduced?: string;
  removed?: string;
  devicechannel?: boolean;
  userchannel?: boolean;
  supervised?: boolean;
  userenrollment?: { mode?: string };
  /** Declarations only: `supervised`, `device`, `user`, `local`. */
  'allowed-enrollments'?: string[];
}

export type SupportedOs = Partial<Record<AppleOs, OsSupport>>;

export interface SchemaKey {
  key: string;
  type: string;
  presence?: 'required' | 'optional';
  rangelist?: unknown[];
  range?: { min?: number; max?: number };
  format?: string;
  repetition?: { min?: number; max?: number };
  subkeys?: SchemaKey[];
  supportedOS?: SupportedOs;
}

export interface AppleSchema {
  title: string;
  payload: {
    requesttype?: string;
    payloadtype?: string;
    declarationtype?: string;
    supportedOS?: SupportedOs;
  };
  payloadkeys?: SchemaKey[];
  responsekeys?: SchemaKey[];
}

export type ProblemKind = 'missing' | 'type' | 'range' | 'format' | 'repetition' | 'unknown';

export interface SchemaProblem {
  path: string;
  kind: ProblemKind;
  message: string;
}

/**
 * Apple marks keys "required" for the platform and channel where they exist; the context says which
 * platform a message came from so that, say, DeviceName (macOS only) is not demanded of an iPhone.
 */
export interface ValidationOptions {
  os?: AppleOs;
  channel?: 'device' | 'user';
  userEnrollment?: boolean;
  allowUnknownKeys?: boolean;
}

const cache = new Map<string, AppleSchema>();

/** Loads a schema by its path under the vendored root, e.g. `mdm/commands/device.lock.yaml`; parsed once. */
export function loadAppleSchema(relativePath: string): AppleSchema {
  let schema = cache.get(relativePath);
  if (!schema) {
    schema = parseYaml(readFileSync(APPLE_SCHEMA_ROOT + relativePath, 'utf8')) as AppleSchema;
    cache.set(relativePath, schema);
  }
  return schema;
}

export function validateAgainstSchema(
  schema: AppleSchema,
  value: unknown,
  options: ValidationOptions & { section?: 'payloadkeys' | 'responsekeys' } = {},
): SchemaProblem[] {
  const keys = schema[options.section ?? 'payloadkeys'] ?? [];
  const problems: SchemaProblem[] = [];
  checkDictionary(keys, value, '', schema.payload.supportedOS, options, problems);
  return problems;
}

/** A command plist is `{ CommandUUID, Command: { RequestType, …payloadkeys } }`. */
export function validateCommand(schema: AppleSchema, command: unknown): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  if (!isDict(command)) return [{ path: '', kind: 'type', message: 'command is not a dictionary' }];
  if (typeof command.CommandUUID !== 'string' || command.CommandUUID === '') {
    problems.push({
      path: 'CommandUUID',
      kind: 'missing',
      message: 'CommandUUID must be a non-empty string',
    });
  }
  const inner = command.Command;
  if (!isDict(inner))
    return [...problems, { path: 'Command', kind: 'missing', message: 'Command is missing' }];
  if (inner.RequestType !== schema.payload.requesttype) {
    problems.push({
      path: 'Command.RequestType',
      kind: 'range',
      message: `RequestType ${String(inner.RequestType)} is not ${schema.payload.requesttype}`,
    });
  }
  const { RequestType: _ignored, ...rest } = inner;
  for (const p of validateAgainstSchema(schema, rest)) {
    problems.push({ ...p, path: `Command.${p.path}` });
  }
  return problems;
}

/**
 * Schema files for a PayloadType: `<type>.yaml`, or Apple's variants `<type>(<part>).yaml` when one type has
 * several payload shapes (com.apple.MCX holds FileVault, energy saver, accounts…).
 */
export function profileSchemaFiles(payloadType: string): string[] {
  profileFiles ??= readdirSync(APPLE_SCHEMA_ROOT + 'mdm/profiles');
  return profileFiles
    .filter((f) => f === `${payloadType}.yaml` || (f.startsWith(`${payloadType}(`) && f.endsWith(').yaml')))
    .map((f) => `mdm/profiles/${f}`);
}
let profileFiles: string[] | undefined;

/** A profile payload carries the common keys (CommonPayloadKeys.yaml) beside its own. */
export function validateProfilePayload(
  payload: unknown,
  schema?: AppleSchema,
  options: ValidationOptions = {},
): SchemaProblem[] {
  if (!isDict(payload)) return [{ path: '', kind: 'type', message: 'payload is not a dictionary' }];
  const type = String(payload.PayloadType);
  const candidates = schema ? [schema] : profileSchemaFiles(type).map(loadAppleSchema);
  if (candidates.length === 0) {
    return [{ path: 'PayloadType', kind: 'unknown', message: `no schema for PayloadType ${type}` }];
  }
  // A variant type is valid if one of its shapes accepts it; otherwise report the shape that knows the most
  // of its keys, so a wrong value is reported as such and not as an unknown key of another shape.
  const score = (problems: SchemaProblem[]) =>
    problems.filter((p) => p.kind === 'unknown').length * 1000 + problems.length;
  const results = candidates.map((own) => payloadProblems(own, type, payload, options));
  return results.reduce((best, problems) => (score(problems) < score(best) ? problems : best));
}

function payloadProblems(
  own: AppleSchema,
  type: string,
  payload: Record<string, unknown>,
  options: ValidationOptions,
): SchemaProblem[] {
  const common = loadAppleSchema('mdm/profiles/CommonPayloadKeys.yaml');
  const merged: AppleSchema = {
    ...own,
    payloadkeys: [...(common.payloadkeys ?? []), ...(own.payloadkeys ?? [])],
  };
  const problems = validateAgainstSchema(merged, payload, options);
  if (own.payload.payloadtype !== type) {
    problems.push({
      path: 'PayloadType',
      kind: 'range',
      message: `PayloadType ${type} is not ${own.payload.payloadtype}`,
    });
  }
  return problems;
}

/** Validates a whole .mobileconfig: TopLevel.yaml, then each payload by its PayloadType. */
export function validateProfile(profile: unknown, options: ValidationOptions = {}): SchemaProblem[] {
  const problems = validateAgainstSchema(loadAppleSchema('mdm/profiles/TopLevel.yaml'), profile, options);
  if (isDict(profile) && Array.isArray(profile.PayloadContent)) {
    profile.PayloadContent.forEach((payload, i) => {
      for (const p of validateProfilePayload(payload, undefined, options)) {
        problems.push({ ...p, path: `PayloadContent[${i}]${p.path ? '.' + p.path : ''}` });
      }
    });
  }
  return problems;
}

function isDict(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Uint8Array) &&
    !(value instanceof Date)
  );
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function support(parent: SupportedOs | undefined, key: SchemaKey, os: AppleOs): OsSupport {
  return { ...parent?.[os], ...key.supportedOS?.[os] };
}

function isRequiredHere(
  key: SchemaKey,
  parent: SupportedOs | undefined,
  options: ValidationOptions,
): boolean {
  if (key.presence !== 'required') return false;
  if (!options.os) return true;
  const s = support(parent, key, options.os);
  if (s.introduced === 'n/a') return false;
  if (options.channel === 'device' && s.devicechannel === false) return false;
  if (options.channel === 'user' && s.userchannel === false) return false;
  const mode = s.userenrollment?.mode;
  if (options.userEnrollment === true && mode === 'forbidden') return false;
  if (options.userEnrollment === false && mode === 'required') return false;
  return true;
}

function checkDictionary(
  keys: SchemaKey[],
  value: unknown,
  path: string,
  parentOs: SupportedOs | undefined,
  options: ValidationOptions,
  problems: SchemaProblem[],
): void {
  if (!isDict(value)) {
    problems.push({ path: path || '(root)', kind: 'type', message: 'expected <dictionary>' });
    return;
  }
  // A dictionary declared without subkeys (e.g. SyncTokens) is open-ended.
  if (keys.length === 0) return;
  const wildcard = keys.find((k) => k.key === 'ANY');
  const known = new Map(keys.filter((k) => k.key !== 'ANY').map((k) => [k.key, k]));
  for (const key of known.values()) {
    if (value[key.key] === undefined && isRequiredHere(key, parentOs, options)) {
      problems.push({
        path: join(path, key.key),
        kind: 'missing',
        message: `required key ${key.key} is missing`,
      });
    }
  }
  for (const [name, child] of Object.entries(value)) {
    const key = known.get(name) ?? wildcard;
    if (!key) {
      if (!options.allowUnknownKeys) {
        problems.push({ path: join(path, name), kind: 'unknown', message: `unknown key ${name}` });
      }
      continue;
    }
    checkValue(key, child, join(path, name), { ...parentOs, ...key.supportedOS }, options, problems);
  }
}

function checkValue(
  key: SchemaKey,
  value: unknown,
  path: string,
  parentOs: SupportedOs | undefined,
  options: ValidationOptions,
  problems: SchemaProblem[],
): void {
  const typeProblem = (expected: string) =>
    problems.push({ path, kind: 'type', message: `expected ${expected}, got ${describe(value)}` });
  switch (key.type) {
    case '<any>':
      return;
    case '<string>':
      if (typeof value !== 'string') return void typeProblem(key.type);
      if (key.format && !new RegExp(key.format).test(value)) {
        problems.push({ path, kind: 'format', message: `value does not match ${key.format}` });
      }
      break;
    case '<integer>':
      if (typeof value !== 'number' || !Number.isInteger(value)) return void typeProblem(key.type);
      checkRange(key, value, path, problems);
      break;
    case '<real>':
      if (typeof value !== 'number') return void typeProblem(key.type);
      checkRange(key, value, path, problems);
      break;
    case '<boolean>':
      if (typeof value !== 'boolean') return void typeProblem(key.type);
      break;
    case '<data>':
      if (!(value instanceof Uint8Array)) return void typeProblem(key.type);
      break;
    case '<date>':
      if (!(value instanceof Date)) return void typeProblem(key.type);
      break;
    case '<dictionary>':
      checkDictionary(key.subkeys ?? [], value, path, parentOs, options, problems);
      return;
    case '<array>':
      checkArray(key, value, path, parentOs, options, problems);
      return;
    default:
      problems.push({ path, kind: 'type', message: `schema type ${key.type} is not supported` });
      return;
  }
  if (key.rangelist && !key.rangelist.includes(value)) {
    problems.push({ path, kind: 'range', message: `value ${JSON.stringify(value)} is not in rangelist` });
  }
}

function checkRange(key: SchemaKey, value: number, path: string, problems: SchemaProblem[]): void {
  const { min, max } = key.range ?? {};
  if ((min !== undefined && value < min) || (max !== undefined && value > max)) {
    problems.push({ path, kind: 'range', message: `value ${value} is outside ${min ?? ''}..${max ?? ''}` });
  }
}

function checkArray(
  key: SchemaKey,
  value: unknown,
  path: string,
  parentOs: SupportedOs | undefined,
  options: ValidationOptions,
  problems: SchemaProblem[],
): void {
  if (!Array.isArray(value)) {
    problems.push({ path, kind: 'type', message: `expected <array>, got ${describe(value)}` });
    return;
  }
  const item = key.subkeys?.[0];
  if (!item) return;
  const { min, max } = item.repetition ?? {};
  if ((min !== undefined && value.length < min) || (max !== undefined && value.length > max)) {
    problems.push({ path, kind: 'repetition', message: `array has ${value.length} items` });
  }
  value.forEach((element, i) => checkValue(item, element, `${path}[${i}]`, parentOs, options, problems));
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return '<array>';
  if (value instanceof Uint8Array) return '<data>';
  if (value instanceof Date) return '<date>';
  if (typeof value === 'number') return Number.isInteger(value) ? '<integer>' : '<real>';
  if (typeof value === 'object') return '<dictionary>';
  return `<${typeof value}>`;
}
