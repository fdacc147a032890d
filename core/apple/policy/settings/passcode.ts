// Passcode rules: a passcode.settings declaration where DDM takes it, the passcode policy payload otherwise.
// https://developer.apple.com/documentation/devicemanagement/passcodesettings
import type { PolicySettings } from '../../../policy/index.js';
import type { JsonObject } from '../../declarative/index.js';
import { loadAppleSchema } from '../../schemas/apple-schema.js';
import { declarationSchema, supportReason } from '../apple-support.js';
import { mapKeys, type KeyMap } from '../map-keys.js';
import type { SettingEnv, SettingOutput } from '../setting-translator.js';

type Passcode = NonNullable<PolicySettings['passcode']>;
type ScreenLock = NonNullable<PolicySettings['screenLock']>;

export const PASSCODE_DECLARATION = 'com.apple.configuration.passcode.settings';
const PASSCODE_PAYLOAD = 'com.apple.mobiledevice.passwordpolicy';

const PASSCODE_KEYS: { declaration: KeyMap<Passcode>; payload: KeyMap<Passcode> } = {
  declaration: {
    required: 'RequirePasscode',
    minLength: 'MinimumLength',
    requireAlphanumeric: 'RequireAlphanumericPasscode',
    minComplexCharacters: 'MinimumComplexCharacters',
    maxFailedAttempts: 'MaximumFailedAttempts',
    maxAgeDays: 'MaximumPasscodeAgeInDays',
    historyCount: 'PasscodeReuseLimit',
  },
  payload: {
    required: 'forcePIN',
    minLength: 'minLength',
    requireAlphanumeric: 'requireAlphanumeric',
    minComplexCharacters: 'minComplexChars',
    maxFailedAttempts: 'maxFailedAttempts',
    maxAgeDays: 'maxPINAgeInDays',
    historyCount: 'pinHistory',
  },
};

/** Screen lock is part of Apple's passcode rules (macOS turns it into screen saver settings). */
const SCREEN_LOCK_KEYS: { declaration: KeyMap<ScreenLock>; payload: KeyMap<ScreenLock> } = {
  declaration: {
    idleTimeoutMinutes: 'MaximumInactivityInMinutes',
    gracePeriodMinutes: 'MaximumGracePeriodInMinutes',
  },
  payload: { idleTimeoutMinutes: 'maxInactivity', gracePeriodMinutes: 'maxGracePeriod' },
};

export function translatePasscode(value: Passcode, env: SettingEnv): SettingOutput {
  return passcodeRules(value, PASSCODE_KEYS, 'passcode', 'Passcode', env);
}

export function translateScreenLock(value: ScreenLock, env: SettingEnv): SettingOutput {
  return passcodeRules(value, SCREEN_LOCK_KEYS, 'screenLock', 'Screen lock', env);
}

/**
 * Apple combines several passcode declarations (and several passcode payloads) into the strictest, so the
 * passcode and screen lock settings each stay their own declaration or payload.
 */
function passcodeRules<T extends object>(
  value: T,
  keyMaps: { declaration: KeyMap<T>; payload: KeyMap<T> },
  setting: string,
  displayName: string,
  env: SettingEnv,
): SettingOutput {
  if (env.declarationReason(PASSCODE_DECLARATION) === undefined) {
    // Passcode keys are numbers and booleans only, so the plist values are JSON values too.
    const { keys, notApplicable } = mapKeys(
      env.target,
      declarationSchema(PASSCODE_DECLARATION),
      value,
      keyMaps.declaration,
      setting,
    );
    return {
      declarations: Object.keys(keys).length
        ? [{ type: PASSCODE_DECLARATION, identifier: env.identifier(setting), payload: keys as JsonObject }]
        : [],
      notApplicable,
    };
  }
  const schema = loadAppleSchema(`mdm/profiles/${PASSCODE_PAYLOAD}.yaml`);
  const reason = supportReason(env.target, schema);
  if (reason) return { notApplicable: [{ setting, reason }] };
  const { keys, notApplicable } = mapKeys(env.target, schema, value, keyMaps.payload, setting);
  return {
    payloads: Object.keys(keys).length ? [env.payload(setting, PASSCODE_PAYLOAD, displayName, keys)] : [],
    notApplicable,
  };
}
