// Firewall: the same switches on each of Windows Defender Firewall's three network profiles (Firewall CSP), an
// enabled firewall proven by what DeviceStatus reports of it.
// https://learn.microsoft.com/windows/client-management/mdm/firewall-csp
// https://learn.microsoft.com/windows/client-management/mdm/devicestatus-csp#firewallstatus
import type { PolicySettings } from '../../../policy/index.js';
import { mapFields, node, type CspFieldMap } from '../csp-field-map.js';
import type { WindowsTarget, WindowsTranslation } from '../csp-node.js';

export const FIREWALL_STATUS = './Vendor/MSFT/DeviceStatus/Firewall/Status';

/** DeviceStatus' values other than 0 (on and monitoring), as an admin reads them. */
const FIREWALL_STATES: Record<string, string> = {
  '1': 'the firewall is disabled',
  '2': 'the firewall is not monitoring every network, or some of its rules are off',
  '3': 'the firewall is temporarily not monitoring every network',
  '4': 'the PC reports no firewall',
};

type Firewall = NonNullable<PolicySettings['firewall']>;

const PROFILES = ['DomainProfile', 'PrivateProfile', 'PublicProfile'] as const;

const fields = (profile: string): CspFieldMap<Firewall> => {
  const base = `./Vendor/MSFT/Firewall/MdmStore/${profile}`;
  return {
    enabled: { target: `${base}/EnableFirewall`, format: 'bool', value: (v) => v },
    // Shielded blocks every incoming connection, whatever the rules allow.
    blockAllIncoming: { target: `${base}/Shielded`, format: 'bool', value: (v) => v },
    // Inverted in the CSP.
    stealthMode: { target: `${base}/DisableStealthMode`, format: 'bool', value: (v) => !v },
  };
};

export function translateFirewall(value: Firewall, target: WindowsTarget): WindowsTranslation {
  const parts = PROFILES.map((p) => mapFields(value, fields(p), 'firewall', target));
  const nodes = parts.flatMap((p) => p.nodes);
  // The profile switches set, a rule or a local change can still leave a network unwatched: the PC says.
  if (value.enabled === true)
    nodes.push({
      ...node('firewall', FIREWALL_STATUS, 'int', 0, 'read'),
      unmet: 'the firewall is not on and monitoring',
      reasons: FIREWALL_STATES,
    });
  return { nodes, notApplicable: [] };
}
