// Turns an admin's command request for an Apple device (typed parameters or a raw plist) into a validated MDM
// command plist.
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import {
  appleCommands,
  buildCommand,
  buildRawCommand,
  InvalidCommandError,
  serializeCommand,
  type CommandSpec,
  type MdmCommand,
  type RequestType,
} from '../../core/apple/commands/index.js';
import { isPlistDict, parsePlistDict, PlistError } from '../../core/apple/plist-codec.js';
import { parseOr400 } from '../json-body.js';
import type { BuiltCommandRequest } from '../platform.js';

const requestTypes = Object.keys(appleCommands) as RequestType[];

export const appleCommandRequestBody = z.union([
  z.strictObject({
    requestType: z.enum(requestTypes).describe('A command Keep builds; unknown types go as `plist`.'),
    parameters: z
      .record(z.string(), z.unknown())
      .optional()
      .describe("Parameters of that command, under Apple's key names or camelCase; binary values base64."),
  }),
  z.strictObject({
    plist: z
      .string()
      .min(1)
      .max(1024 * 1024)
      .describe('A raw command plist: the Command dictionary, or a whole command with a Command key.'),
  }),
]);

function invalid(field: string, error: unknown): never {
  if (error instanceof InvalidCommandError || error instanceof PlistError) {
    throw new HTTPException(400, { message: `${field}: ${error.message}`, cause: error });
  }
  throw error;
}

function built(command: MdmCommand, raw: boolean): BuiltCommandRequest {
  return { requestType: command.Command.RequestType, payload: serializeCommand(command), raw };
}

/** Body fields are checked one branch at a time, so the 400 names the field of the branch the admin meant. */
export function buildAppleCommandRequest(body: unknown, commandUuid: string): BuiltCommandRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HTTPException(400, { message: 'body: expected {"requestType", "parameters"} or {"plist"}' });
  }
  if ('plist' in body) {
    const { plist } = parseOr400(appleCommandRequestBody.options[1], body);
    try {
      const dict = parsePlistDict(plist);
      const command = buildRawCommand(isPlistDict(dict.Command) ? dict.Command : dict, commandUuid);
      return built(command, true);
    } catch (error) {
      invalid('plist', error);
    }
  }
  const { requestType, parameters } = parseOr400(appleCommandRequestBody.options[0], body);
  const params = parseOr400(appleCommands[requestType].params, parameters ?? {}, ['parameters']);
  try {
    return built(buildCommand({ requestType, ...params } as CommandSpec, commandUuid), false);
  } catch (error) {
    invalid('parameters', error);
  }
}
