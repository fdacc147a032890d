// Firewall: the same switches on each of Windows Defender Firewall's three network profiles (Firewall CSP).
// https://learn.microsoft.com/windows/client-management/mdm/firewall-csp
import type { PolicySettings } from '../../../policy/index.js';
import { mapFields, type CspFieldMap } from '../csp-field-map.js';
import type { WindowsTarget, WindowsTranslation } from '../csp-node.js';

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
  return { nodes: parts.flatMap((p) => p.nodes), notApplicable: [] };
}
