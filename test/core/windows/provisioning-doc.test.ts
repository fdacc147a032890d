import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { buildProvisioningDoc } from '../../../core/windows/provisioning-doc.js';
import { parseXmlDocument, type XmlElement } from '../../../core/windows/xml-document.js';

const rootCertDer = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]);
const deviceCertDer = new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x02]);
const input = {
  rootCertDer,
  deviceCertDer,
  managementUrl: 'https://mdm.example.com/ManagementServer/MDM.svc?tenant=a&b',
  providerId: 'Keep',
  serverName: 'Keep "Example" MDM',
  pollMinutes: 60,
  certificateStore: 'User' as const,
};

/** The characteristic at a path of `type` values. */
function characteristic(root: XmlElement, ...types: string[]): XmlElement {
  let current = root;
  for (const type of types) {
    const next = current.children.find(
      (c) => c.local === 'characteristic' && c.attributes.get('type') === type,
    );
    if (!next) throw new Error(`no characteristic ${types.join('/')}`);
    current = next;
  }
  return current;
}

function parms(element: XmlElement): Record<string, string | undefined> {
  return Object.fromEntries(
    element.children
      .filter((c) => c.local === 'parm')
      .map((p) => [p.attributes.get('name'), p.attributes.get('value')]),
  );
}

function thumbprint(der: Uint8Array): string {
  return createHash('sha1').update(der).digest('hex').toUpperCase();
}

describe('buildProvisioningDoc', () => {
  const doc = parseXmlDocument(buildProvisioningDoc(input));

  it('installs the root certificate in the system root store and the device certificate in My', () => {
    expect(doc.local).toBe('wap-provisioningdoc');
    const root = characteristic(doc, 'CertificateStore', 'Root', 'System', thumbprint(rootCertDer));
    expect(parms(root)).toEqual({ EncodedCertificate: Buffer.from(rootCertDer).toString('base64') });
    const device = characteristic(doc, 'CertificateStore', 'My', 'User', thumbprint(deviceCertDer));
    expect(parms(device)).toEqual({ EncodedCertificate: Buffer.from(deviceCertDer).toString('base64') });
  });

  it('creates the w7 DM account with the management URL and the SyncML encoding', () => {
    const application = characteristic(doc, 'APPLICATION');
    expect(parms(application)).toMatchObject({
      APPID: 'w7',
      'PROVIDER-ID': 'Keep',
      NAME: 'Keep "Example" MDM',
      ADDR: input.managementUrl,
      DEFAULTENCODING: 'application/vnd.syncml.dm+xml',
    });
    const levels = application.children
      .filter((c) => c.attributes.get('type') === 'APPAUTH')
      .map((c) => parms(c).AAUTHLEVEL);
    expect(levels).toEqual(['CLIENT', 'APPSRV']);
  });

  it('sets the DMClient poll schedule, ending at the configured interval forever', () => {
    expect(parms(characteristic(doc, 'DMClient', 'Provider', 'Keep', 'Poll'))).toEqual({
      NumberOfFirstRetries: '8',
      IntervalForFirstSetOfRetries: '3',
      NumberOfSecondRetries: '5',
      IntervalForSecondSetOfRetries: '15',
      NumberOfRemainingScheduledRetries: '0',
      IntervalForRemainingScheduledRetries: '60',
      PollOnLogin: 'true',
    });
  });

  it('refuses a poll interval that is not a positive number of minutes', () => {
    expect(() => buildProvisioningDoc({ ...input, pollMinutes: 0 })).toThrow(TypeError);
    expect(() => buildProvisioningDoc({ ...input, pollMinutes: 1.5 })).toThrow(TypeError);
  });
});
