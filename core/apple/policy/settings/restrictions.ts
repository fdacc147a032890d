// Restrictions: the restrictions payload, and on macOS the disk management declaration for USB storage.
// https://developer.apple.com/documentation/devicemanagement/restrictions
import type { PolicySettings } from '../../../policy/index.js';
import { loadAppleSchema } from '../../schemas/apple-schema.js';
import { supportReason } from '../apple-support.js';
import { mapKeys, type KeyMap } from '../map-keys.js';
import type { SettingEnv, SettingOutput } from '../setting-translator.js';

type Restrictions = NonNullable<PolicySettings['restrictions']>;

const RESTRICTIONS_PAYLOAD = 'com.apple.applicationaccess';
export const DISK_MANAGEMENT_DECLARATION = 'com.apple.configuration.diskmanagement.settings';

const PAYLOAD_KEYS: KeyMap<Restrictions> = {
  allowCamera: 'allowCamera',
  allowScreenshots: 'allowScreenShot',
  allowAppStore: 'allowAppInstallation',
  allowUsbStorage: 'allowFilesUSBDriveAccess',
};

export function translateRestrictions(value: Restrictions, env: SettingEnv): SettingOutput {
  const schema = loadAppleSchema(`mdm/profiles/${RESTRICTIONS_PAYLOAD}.yaml`);
  const reason = supportReason(env.target, schema);
  if (reason)
    return { notApplicable: Object.keys(value).map((k) => ({ setting: `restrictions.${k}`, reason })) };
  // macOS restricts external storage only through DDM; the restrictions payload has no key for it there.
  const { allowUsbStorage, ...rest } = value;
  const onPayload = env.target.platform === 'macOS' ? rest : value;
  const { keys, notApplicable } = mapKeys(env.target, schema, onPayload, PAYLOAD_KEYS, 'restrictions');
  const payloads = Object.keys(keys).length
    ? [env.payload('restrictions', RESTRICTIONS_PAYLOAD, 'Restrictions', keys)]
    : [];
  if (env.target.platform !== 'macOS' || allowUsbStorage === undefined) return { payloads, notApplicable };
  const ddmReason = env.declarationReason(DISK_MANAGEMENT_DECLARATION);
  if (ddmReason) {
    return {
      payloads,
      notApplicable: [...notApplicable, { setting: 'restrictions.allowUsbStorage', reason: ddmReason }],
    };
  }
  const storage = {
    type: DISK_MANAGEMENT_DECLARATION,
    identifier: env.identifier('restrictions.storage'),
    payload: { Restrictions: { ExternalStorage: allowUsbStorage ? 'Allowed' : 'Disallowed' } },
  };
  return { payloads, notApplicable, declarations: [storage] };
}
