// Turns an admin's command request (typed parameters or a raw plist) into a validated MDM command.
import { HTTPException } from 'hono/http-exception';
import { z } from 'zod';
import {
  buildCommand,
  buildRawCommand,
  InvalidCommandError,
  type CommandParams,
  type CommandSpec,
  type MdmCommand,
  type RequestType,
} from '../core/apple/commands/index.js';
import { isPlistDict, parsePlistDict, PlistError } from '../core/apple/plist-codec.js';
import { isPlistText, NOT_PLIST_TEXT } from '../core/apple/plist-text.js';
import { parseOr400 } from './json-body.js';

const base64 = z.base64('expected base64').transform((s) => new Uint8Array(Buffer.from(s, 'base64')));
const pin = z.string().regex(/^[0-9]{6}$/, 'expected six digits');
/** Every string parameter ends up in the command plist: refused here, before the send is audited. */
const text = z.string().refine(isPlistText, NOT_PLIST_TEXT);

/** JSON parameters per RequestType; binary values travel as base64. Unknown keys are refused by name. */
const parameterSchemas: { [T in RequestType]: z.ZodType<CommandParams[T], unknown> } = {
  DeviceInformation: z.strictObject({ queries: z.array(text.min(1)).min(1) }),
  SecurityInfo: z.strictObject({}),
  ProfileList: z.strictObject({ managedOnly: z.boolean().optional() }),
  InstallProfile: z.strictObject({ payload: base64 }),
  RemoveProfile: z.strictObject({ identifier: text.min(1) }),
  InstalledApplicationList: z.strictObject({
    identifiers: z.array(text.min(1)).optional(),
    managedAppsOnly: z.boolean().optional(),
  }),
  CertificateList: z.strictObject({ managedOnly: z.boolean().optional() }),
  DeviceLock: z.strictObject({
    pin: pin.optional(),
    message: text.max(1000).optional(),
    phoneNumber: text.max(100).optional(),
  }),
  EraseDevice: z.strictObject({
    pin: pin.optional(),
    preserveDataPlan: z.boolean().optional(),
    disallowProximitySetup: z.boolean().optional(),
    obliterationBehavior: z
      .enum(['Default', 'DoNotObliterate', 'ObliterateWithWarning', 'Always'])
      .optional(),
  }),
  RotateFileVaultKey: z.strictObject({
    keyType: z.enum(['personal', 'institutional']),
    fileVaultUnlock: z.strictObject({
      password: text.optional(),
      privateKeyExport: base64.optional(),
      privateKeyExportPassword: text.optional(),
    }),
    newCertificate: base64.optional(),
    replyEncryptionCertificate: base64.optional(),
  }),
  DeclarativeManagement: z.strictObject({ data: base64.optional() }),
  RestartDevice: z.strictObject({
    notifyUser: z.boolean().optional(),
    rebuildKernelCache: z.boolean().optional(),
    kextPaths: z.array(text.min(1)).optional(),
  }),
  ShutDownDevice: z.strictObject({}),
};

const requestTypes = Object.keys(parameterSchemas) as RequestType[];

export const commandRequestBody = z.union([
  z.strictObject({
    requestType: z.enum(requestTypes).describe('A command Keep builds; unknown types go as `plist`.'),
    parameters: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('Parameters of that command (camelCase; binary values base64).'),
  }),
  z.strictObject({
    plist: z
      .string()
      .min(1)
      .max(1024 * 1024)
      .describe('A raw command plist: the Command dictionary, or a whole command with a Command key.'),
  }),
]);

export interface BuiltCommand {
  command: MdmCommand;
  requestType: string;
  /** A raw plist: Keep checked only its envelope. */
  raw: boolean;
}

function invalid(field: string, error: unknown): never {
  if (error instanceof InvalidCommandError || error instanceof PlistError) {
    throw new HTTPException(400, { message: `${field}: ${error.message}`, cause: error });
  }
  throw error;
}

/** Body fields are checked one branch at a time, so the 400 names the field of the branch the admin meant. */
export function buildRequestedCommand(body: unknown, commandUuid: string): BuiltCommand {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HTTPException(400, { message: 'body: expected {"requestType", "parameters"} or {"plist"}' });
  }
  if ('plist' in body) {
    const { plist } = parseOr400(commandRequestBody.options[1], body);
    try {
      const dict = parsePlistDict(plist);
      const command = buildRawCommand(isPlistDict(dict.Command) ? dict.Command : dict, commandUuid);
      return { command, requestType: command.Command.RequestType, raw: true };
    } catch (error) {
      invalid('plist', error);
    }
  }
  const { requestType, parameters } = parseOr400(commandRequestBody.options[0], body);
  const params = parseOr400(parameterSchemas[requestType], parameters ?? {}, ['parameters']);
  try {
    const command = buildCommand({ requestType, ...params } as CommandSpec, commandUuid);
    return { command, requestType, raw: false };
  } catch (error) {
    invalid('parameters', error);
  }
}
