// The macOS application firewall. https://developer.apple.com/documentation/devicemanagement/firewall
import type { PolicySettings } from '../../../policy/index.js';
import { loadAppleSchema } from '../../schemas/apple-schema.js';
import { supportReason } from '../apple-support.js';
import { mapKeys } from '../map-keys.js';
import type { SettingEnv, SettingOutput } from '../setting-translator.js';

type Firewall = NonNullable<PolicySettings['firewall']>;
const FIREWALL_PAYLOAD = 'com.apple.security.firewall';

export function translateFirewall(value: Firewall, env: SettingEnv): SettingOutput {
  const schema = loadAppleSchema(`mdm/profiles/${FIREWALL_PAYLOAD}.yaml`);
  const reason = supportReason(env.target, schema);
  if (reason) return { notApplicable: [{ setting: 'firewall', reason }] };
  const { keys, notApplicable } = mapKeys(
    env.target,
    schema,
    value,
    { enabled: 'EnableFirewall', blockAllIncoming: 'BlockAllIncoming', stealthMode: 'EnableStealthMode' },
    'firewall',
  );
  return { payloads: [env.payload('firewall', FIREWALL_PAYLOAD, 'Firewall', keys)], notApplicable };
}
