// Which command results carry secrets, per RequestType: the admin API hides them from roles that may not see them.
// Apple's reference (mdm/commands/*.yaml) is where each entry comes from; a later table folds this into each command.
import type { JsonValue } from '../plist-json.js';

/** A path of dictionary keys into a command's result (the report's keys past its envelope). */
export type ResultPath = readonly string[];

/**
 * Keyed by the RequestType a device answered (Apple's name, so raw commands are covered too). Values that are
 * only ciphertext still count: an escrowed key is a secret wherever it is copied, and its reveal is audited.
 */
export const SECRET_RESULT_KEYS: Readonly<Record<string, readonly ResultPath[]>> = {
  /** https://developer.apple.com/documentation/devicemanagement/activationlockbypasscodecommand */
  ActivationLockBypassCode: [['ActivationLockBypassCode']],
  /** Not a documented query, but a device that answers it hands over the same bypass code. */
  DeviceInformation: [['QueryResponses', 'ActivationLockBypassCode']],
  /** https://developer.apple.com/documentation/devicemanagement/requestunlocktokencommand */
  RequestUnlockToken: [['UnlockToken']],
  /** The FileVault personal recovery key, encrypted to the escrow certificate. */
  SecurityInfo: [['SecurityInfo', 'FDE_PersonalRecoveryKeyCMS']],
  /** https://developer.apple.com/documentation/devicemanagement/rotatefilevaultkeycommand */
  RotateFileVaultKey: [['RotateResult', 'EncryptedNewRecoveryKey']],
};

export const REDACTED = '<redacted>';

export interface RedactedResult {
  result: Record<string, unknown>;
  /** Dotted paths that held a secret and now hold REDACTED; empty when nothing was secret. */
  redacted: string[];
}

type JsonObject = { [key: string]: JsonValue | undefined };

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A copy of `result` with every secret value of its RequestType replaced; the input is not changed. */
export function redactSecrets(requestType: string, result: Record<string, unknown>): RedactedResult {
  const paths = Object.hasOwn(SECRET_RESULT_KEYS, requestType) ? SECRET_RESULT_KEYS[requestType]! : [];
  const copy = structuredClone(result);
  const redacted: string[] = [];
  for (const path of paths) {
    let parent: unknown = copy;
    for (const key of path.slice(0, -1))
      parent = isObject(parent) && Object.hasOwn(parent, key) ? parent[key] : undefined;
    const last = path.at(-1)!;
    if (isObject(parent) && Object.hasOwn(parent, last)) {
      parent[last] = REDACTED;
      redacted.push(path.join('.'));
    }
  }
  return { result: copy, redacted };
}
