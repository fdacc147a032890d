// The MDM commands Keep sends, with typed parameters per RequestType: types read off the command table.
// https://developer.apple.com/documentation/devicemanagement/commands-and-queries
import type { z } from 'zod';
import type { PlistDict } from '../plist-codec.js';
import type { appleCommands, RequestType } from './command-table.js';

export type { RequestType } from './command-table.js';

/** A command without parameters reads as `{}` (zod says `Record<string, never>`, which no spec could satisfy). */
type Params<O> = string extends keyof O ? Record<never, never> : O;

export type CommandParams = { [T in RequestType]: Params<z.output<(typeof appleCommands)[T]['params']>> };

export type ObliterationBehavior = NonNullable<CommandParams['EraseDevice']['obliterationBehavior']>;

/** What a caller asks for: `{ requestType: 'DeviceLock', pin: '123456' }`. */
export type CommandSpec = { [T in RequestType]: { requestType: T } & CommandParams[T] }[RequestType];

/** The command plist body: https://developer.apple.com/documentation/devicemanagement/commands-and-queries */
export interface MdmCommand {
  CommandUUID: string;
  Command: PlistDict & { RequestType: string };
}
