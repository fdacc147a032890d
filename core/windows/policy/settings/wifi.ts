// Wi-Fi networks: one WLAN profile per network through the WiFi CSP, under the network's SSID.
// https://learn.microsoft.com/windows/client-management/mdm/wifi-csp
import type { PolicySettings } from '../../../policy/index.js';
import { wlanProfileXml } from '../../wlan-profile.js';
import { node } from '../csp-field-map.js';
import type { WindowsTranslation } from '../csp-node.js';

type Wifi = NonNullable<PolicySettings['wifi']>;

const PROFILES = './Device/Vendor/MSFT/WiFi/Profile';

/** The SSID is a node name: percent-encoded, so a space or a slash in it cannot change the path. */
export const wifiProfileNode = (ssid: string) => `${PROFILES}/${encodeURIComponent(ssid)}/WlanXml`;

export function translateWifi(networks: Wifi): WindowsTranslation {
  return {
    // The profile node does not exist until the Add creates it (as a certificate's thumbprint node).
    nodes: networks.map((network) =>
      node('wifi', wifiProfileNode(network.ssid), 'chr', wlanProfileXml(network), 'Add'),
    ),
    notApplicable: [],
  };
}
