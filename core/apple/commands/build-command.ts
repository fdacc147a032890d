// Builds command plists from typed parameters (the command table's builder per RequestType), or from a raw dictionary.
import { randomUUID } from 'node:crypto';
import { buildPlist, isPlistDict, type PlistDict, type PlistValue } from '../plist-codec.js';
import { isPlistText, NOT_PLIST_TEXT } from '../plist-text.js';
import { InvalidCommandError } from './command-error.js';
import { appleCommands, isRequestType } from './command-table.js';
import type { CommandSpec, MdmCommand } from './command-types.js';

export { InvalidCommandError } from './command-error.js';

export function buildCommand(spec: CommandSpec, commandUuid: string = randomUUID()): MdmCommand {
  const { requestType, ...params } = spec;
  if (!isRequestType(requestType)) {
    throw new InvalidCommandError(`unknown RequestType ${JSON.stringify(requestType)}`);
  }
  // The union is correlated by requestType; TypeScript cannot follow that through the table lookup.
  const build = appleCommands[requestType].build as (p: typeof params) => PlistDict;
  return { CommandUUID: commandUuid, Command: { RequestType: requestType, ...build(params) } };
}

/**
 * Wraps a command dictionary written by an admin (e.g. one Keep has no builder for). Only the
 * envelope is checked here; the device answers CommandFormatError for anything else wrong.
 */
export function buildRawCommand(command: unknown, commandUuid: string = randomUUID()): MdmCommand {
  if (!isPlistDict(command as PlistValue)) throw new InvalidCommandError('raw command must be a dictionary');
  const dict = command as PlistDict;
  const requestType = dict.RequestType;
  if (typeof requestType !== 'string' || requestType.trim() === '') {
    throw new InvalidCommandError('raw command must have a non-empty string RequestType');
  }
  assertPlistValue(dict, 'Command');
  return { CommandUUID: commandUuid, Command: { ...dict, RequestType: requestType } };
}

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function assertPlistValue(value: unknown, path: string): void {
  if (typeof value === 'string') {
    if (!isPlistText(value)) throw new InvalidCommandError(`${path} ${NOT_PLIST_TEXT}`);
    return;
  }
  if (typeof value === 'boolean' || value instanceof Uint8Array || value instanceof Date) {
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidCommandError(`${path} is not a finite number`);
    return;
  }
  if (Array.isArray(value)) return value.forEach((v, i) => assertPlistValue(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) {
    for (const [key, v] of Object.entries(value)) {
      if (FORBIDDEN_KEYS.has(key)) throw new InvalidCommandError(`${path}.${key} is not an allowed key`);
      if (!isPlistText(key)) throw new InvalidCommandError(`a key in ${path} ${NOT_PLIST_TEXT}`);
      assertPlistValue(v, `${path}.${key}`);
    }
    return;
  }
  throw new InvalidCommandError(`${path} is not a plist value`);
}

export function serializeCommand(command: MdmCommand): string {
  return buildPlist(command as unknown as PlistDict);
}
