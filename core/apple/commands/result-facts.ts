// What an Acknowledged Apple command result adds to the device's inventory: the command table's `facts`, per type.
import type { DeviceFactsPatch } from '../../device/device-facts.js';
import type { PlistDict } from '../plist-codec.js';
import { MdmMessageError } from '../plist-fields.js';
import { appleCommands, isRequestType } from './command-table.js';
import { redactSecrets, withoutSecrets } from './secret-results.js';

/**
 * Undefined when the type adds no facts, or when the result is not shaped as Apple documents it (the result is
 * still stored on the command; the inventory keeps only what the decoders accept).
 */
export function appleResultFacts(
  requestType: string,
  result: Record<string, unknown>,
): DeviceFactsPatch | undefined {
  if (!isRequestType(requestType)) return undefined;
  const facts = appleCommands[requestType].facts;
  if (!facts) return undefined;
  // Facts are inventory every role may read: a secret stays only in the command's result, behind its permission.
  const visible = redactSecrets(requestType, result).result;
  try {
    return facts(withoutSecrets(requestType, result) as PlistDict, visible);
  } catch (error) {
    if (error instanceof MdmMessageError) return undefined;
    throw error;
  }
}
