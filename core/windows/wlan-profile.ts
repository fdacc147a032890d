// A WLAN profile (the WLANProfile XML schema of Native Wifi) for one network of a policy: WPA2/WPA3-Personal with
// its passphrase, or WPA2/WPA3-Enterprise with EAP-TLS, where the PC presents the device identity Keep's CA issued
// it at enrolment (simple certificate selection) and checks the RADIUS server by name.
// https://learn.microsoft.com/windows/win32/nativewifi/wlan-profileschema-elements
// https://learn.microsoft.com/windows/win32/eaphost/eaptlsconnectionpropertiesv1schema-eaptype-complextype
import type { WifiNetwork } from '../policy/index.js';
import { xml, type XmlFragment } from './xml-template.js';

const WLAN = 'http://www.microsoft.com/networking/WLAN/profile/v1';
const ONE_X = 'http://www.microsoft.com/networking/OneX/v1';
const EAP_HOST = 'http://www.microsoft.com/provisioning/EapHostConfig';
const EAP_COMMON = 'http://www.microsoft.com/provisioning/EapCommon';
const BASE_EAP = 'http://www.microsoft.com/provisioning/BaseEapConnectionPropertiesV1';
const EAP_TLS_V1 = 'http://www.microsoft.com/provisioning/EapTlsConnectionPropertiesV1';
const EAP_TLS_V2 = 'http://www.microsoft.com/provisioning/EapTlsConnectionPropertiesV2';

/** EAP type 13 is EAP-TLS (RFC 5216). */
const EAP_TLS = 13;

/** The schema's `authentication` values for each security mode a policy names; AES (CCMP) throughout. */
const AUTHENTICATION: Record<WifiNetwork['security'], string> = {
  'wpa2-personal': 'WPA2PSK',
  'wpa3-personal': 'WPA3SAE',
  'wpa2-enterprise': 'WPA2',
  'wpa3-enterprise': 'WPA3ENT',
};

function eapTls(trustedServerNames: readonly string[]): XmlFragment {
  return xml`<OneX xmlns="${ONE_X}"><authMode>machine</authMode><EAPConfig><EapHostConfig xmlns="${EAP_HOST}"><EapMethod><Type xmlns="${EAP_COMMON}">${EAP_TLS}</Type><VendorId xmlns="${EAP_COMMON}">0</VendorId><VendorType xmlns="${EAP_COMMON}">0</VendorType><AuthorId xmlns="${EAP_COMMON}">0</AuthorId></EapMethod><Config xmlns="${EAP_HOST}"><Eap xmlns="${BASE_EAP}"><Type>${EAP_TLS}</Type><EapType xmlns="${EAP_TLS_V1}"><CredentialsSource><CertificateStore><SimpleCertSelection>true</SimpleCertSelection></CertificateStore></CredentialsSource><ServerValidation><DisableUserPromptForServerValidation>true</DisableUserPromptForServerValidation><ServerNames>${trustedServerNames.join(';')}</ServerNames></ServerValidation><DifferentUsername>false</DifferentUsername><PerformServerValidation xmlns="${EAP_TLS_V2}">true</PerformServerValidation><AcceptServerName xmlns="${EAP_TLS_V2}">true</AcceptServerName></EapType></Eap></Config></EapHostConfig></EAPConfig></OneX>`;
}

export function wlanProfileXml(network: WifiNetwork): string {
  const security =
    'password' in network
      ? xml`<authEncryption><authentication>${AUTHENTICATION[network.security]}</authentication><encryption>AES</encryption><useOneX>false</useOneX></authEncryption><sharedKey><keyType>passPhrase</keyType><protected>false</protected><keyMaterial>${network.password}</keyMaterial></sharedKey>`
      : xml`<authEncryption><authentication>${AUTHENTICATION[network.security]}</authentication><encryption>AES</encryption><useOneX>true</useOneX></authEncryption>${eapTls(network.trustedServerNames)}`;
  const hex = Buffer.from(network.ssid, 'utf8').toString('hex').toUpperCase();
  return xml`<?xml version="1.0"?><WLANProfile xmlns="${WLAN}"><name>${network.ssid}</name><SSIDConfig><SSID><hex>${hex}</hex><name>${network.ssid}</name></SSID><nonBroadcast>${network.hidden ?? false}</nonBroadcast></SSIDConfig><connectionType>ESS</connectionType><connectionMode>${network.autoJoin === false ? 'manual' : 'auto'}</connectionMode><MSM><security>${security}</security></MSM></WLANProfile>`
    .text;
}
