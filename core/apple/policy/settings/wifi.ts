// Wi-Fi networks: WPA2/3 personal with a password, or enterprise EAP-TLS with an identity from Keep's CA.
// https://developer.apple.com/documentation/devicemanagement/wifi
// Apple's DDM has no Wi-Fi configuration yet (iOS 18.1, macOS 15.1 schemas), so networks travel as profile
// payloads, and the SCEP identity as a SCEP payload in the same profile rather than a credential asset.
import type { WifiNetwork } from '../../../policy/index.js';
import type { PlistDict } from '../../plist-codec.js';
import { scepPayloadContent } from '../../scep-payload.js';
import { AppleTranslationError } from '../apple-translation-error.js';
import type { SettingEnv, SettingOutput } from '../setting-translator.js';

/** EAP type 13 is EAP-TLS (RFC 5216). */
const EAP_TLS = 13;

export function translateWifi(networks: WifiNetwork[], env: SettingEnv): SettingOutput {
  const payloads: PlistDict[] = [];
  const enterprise = networks.some((n) => n.security.endsWith('-enterprise'));
  let identityUuid: string | undefined;
  if (enterprise) {
    if (!env.context.scep)
      throw new AppleTranslationError('enterprise Wi-Fi needs a SCEP request in the context');
    const identity = env.payload('wifi.identity', 'com.apple.security.scep', 'Wi-Fi identity', {
      PayloadContent: scepPayloadContent(env.context.scep),
    });
    identityUuid = identity.PayloadUUID as string;
    payloads.push(identity);
  }
  networks.forEach((network, i) => {
    const common: PlistDict = {
      SSID_STR: network.ssid,
      EncryptionType: network.security.startsWith('wpa3') ? 'WPA3' : 'WPA2',
      AutoJoin: network.autoJoin ?? true,
      HIDDEN_NETWORK: network.hidden ?? false,
    };
    const security: PlistDict =
      'password' in network
        ? { Password: network.password }
        : {
            PayloadCertificateUUID: identityUuid!,
            EAPClientConfiguration: {
              AcceptEAPTypes: [EAP_TLS],
              TLSTrustedServerNames: [...network.trustedServerNames],
            },
          };
    payloads.push(
      env.payload(`wifi.${i}`, 'com.apple.wifi.managed', `Wi-Fi ${network.ssid}`, { ...common, ...security }),
    );
  });
  // A PSK or a SCEP challenge is a secret either way.
  return { payloads, containsSecrets: payloads.length > 0 };
}
