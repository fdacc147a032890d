import { describe, expect, it } from 'vitest';
import { child, parseXmlDocument, type XmlElement } from '../../../../core/windows/xml-document.js';
import { translate, wire } from './windows-policy-fixtures.js';

const PROFILE = (ssid: string) => `./Device/Vendor/MSFT/WiFi/Profile/${ssid}/WlanXml`;

/** The text of the element at `path` (local names, namespaces resolved by the safe reader). */
function text(root: XmlElement, ...path: string[]): string | undefined {
  let at: XmlElement | undefined = root;
  for (const name of path) at = at && child(at, name);
  return at?.text;
}

describe('Wi-Fi networks on Windows', () => {
  it('adds a WPA2-Personal WLAN profile under the SSID, with the passphrase and the join rules', () => {
    const t = translate({
      wifi: [{ ssid: 'corp & guests', security: 'wpa2-personal', password: 'p<ss>"word', hidden: true }],
    });
    expect(t.notApplicable).toEqual([]);
    const [network] = t.nodes;
    expect(network).toMatchObject({
      setting: 'wifi',
      target: PROFILE('corp%20%26%20guests'),
      format: 'chr',
      apply: 'Add',
    });
    // The profile is XML inside SyncML's Data: it survives the SyncML codec escaped, and reads back whole.
    expect(wire(network!)).toContain('<Data>&lt;?xml version=&quot;1.0&quot;?&gt;&lt;WLANProfile');
    const profile = parseXmlDocument(network!.data);
    expect(profile.local).toBe('WLANProfile');
    expect(text(profile, 'name')).toBe('corp & guests');
    expect(text(profile, 'SSIDConfig', 'SSID', 'hex')).toBe(
      Buffer.from('corp & guests').toString('hex').toUpperCase(),
    );
    expect(text(profile, 'SSIDConfig', 'nonBroadcast')).toBe('true');
    expect(text(profile, 'connectionMode')).toBe('auto');
    expect(text(profile, 'MSM', 'security', 'authEncryption', 'authentication')).toBe('WPA2PSK');
    expect(text(profile, 'MSM', 'security', 'authEncryption', 'encryption')).toBe('AES');
    expect(text(profile, 'MSM', 'security', 'sharedKey', 'keyMaterial')).toBe('p<ss>"word');
  });

  it('uses SAE for WPA3-Personal and a manual connection when the network must not auto-join', () => {
    const [network] = translate({
      wifi: [{ ssid: 'lab', security: 'wpa3-personal', password: 'correct horse', autoJoin: false }],
    }).nodes;
    const profile = parseXmlDocument(network!.data);
    expect(text(profile, 'MSM', 'security', 'authEncryption', 'authentication')).toBe('WPA3SAE');
    expect(text(profile, 'connectionMode')).toBe('manual');
  });

  it("joins WPA2/WPA3-Enterprise with EAP-TLS and Keep's device identity, checking the server by name", () => {
    const nodes = translate({
      wifi: [
        {
          ssid: 'corp',
          security: 'wpa2-enterprise',
          identity: 'keep-ca',
          trustedServerNames: ['radius.corp'],
        },
        {
          ssid: 'corp6',
          security: 'wpa3-enterprise',
          identity: 'keep-ca',
          trustedServerNames: ['radius1.corp', 'radius2.corp'],
        },
      ],
    }).nodes;
    expect(nodes.map((n) => n.target)).toEqual([PROFILE('corp'), PROFILE('corp6')]);
    const [wpa2, wpa3] = nodes.map((n) => parseXmlDocument(n.data));
    expect(text(wpa2!, 'MSM', 'security', 'authEncryption', 'authentication')).toBe('WPA2');
    expect(text(wpa3!, 'MSM', 'security', 'authEncryption', 'authentication')).toBe('WPA3ENT');
    expect(text(wpa2!, 'MSM', 'security', 'authEncryption', 'useOneX')).toBe('true');
    expect(text(wpa2!, 'MSM', 'security', 'sharedKey')).toBeUndefined();
    const eap = ['MSM', 'security', 'OneX', 'EAPConfig', 'EapHostConfig'];
    expect(text(wpa2!, ...eap, 'EapMethod', 'Type')).toBe('13');
    const tls = [...eap, 'Config', 'Eap', 'EapType'];
    expect(text(wpa2!, ...tls, 'CredentialsSource', 'CertificateStore', 'SimpleCertSelection')).toBe('true');
    expect(text(wpa3!, ...tls, 'ServerValidation', 'ServerNames')).toBe('radius1.corp;radius2.corp');
    expect(text(wpa3!, ...tls, 'PerformServerValidation')).toBe('true');
  });
});
