// The wap-provisioningdoc returned at enrollment (MS-MDE2 §2.2.9.1): certificates, the w7 DM account, the poll schedule.
import { createHash } from 'node:crypto';
import { xml, type XmlFragment } from './xml-template.js';

export interface ProvisioningDocInput {
  readonly rootCertDer: Uint8Array;
  readonly deviceCertDer: Uint8Array;
  /** The OMA-DM endpoint the device will open sessions to. */
  readonly managementUrl: string;
  /** Names the DM account (w7 PROVIDER-ID and the DMClient provider node); the device reports it back. */
  readonly providerId: string;
  /** Shown to the user in Settings as the management server's name. */
  readonly serverName: string;
  /** Steady-state interval between sessions the device opens on its own. */
  readonly pollMinutes: number;
  /** `User` for a user enrollment from Settings, `System` for a device enrollment (MS-MDE2 §2.2.9.1). */
  readonly certificateStore: 'User' | 'System';
}

/**
 * Builds the provisioning XML. Right after enrollment the device polls every 3 minutes (8 times) then every 15
 * (5 times) so that the first configuration arrives quickly, then every `pollMinutes` for as long as it is enrolled.
 */
export function buildProvisioningDoc(input: ProvisioningDocInput): string {
  if (!Number.isInteger(input.pollMinutes) || input.pollMinutes < 1) {
    throw new TypeError('pollMinutes must be a positive integer');
  }
  return xml`<wap-provisioningdoc version="1.1"><characteristic type="CertificateStore"><characteristic type="Root"><characteristic type="System">${certificate(input.rootCertDer)}</characteristic></characteristic><characteristic type="My"><characteristic type="${input.certificateStore}">${certificate(input.deviceCertDer)}</characteristic></characteristic></characteristic><characteristic type="APPLICATION"><parm name="APPID" value="w7"/><parm name="PROVIDER-ID" value="${input.providerId}"/><parm name="NAME" value="${input.serverName}"/><parm name="ADDR" value="${input.managementUrl}"/><parm name="CONNRETRYFREQ" value="6"/><parm name="INITIALBACKOFFTIME" value="30000"/><parm name="MAXBACKOFFTIME" value="120000"/><parm name="BACKCOMPATRETRYDISABLED"/><parm name="DEFAULTENCODING" value="application/vnd.syncml.dm+xml"/>${appAuth()}</characteristic><characteristic type="DMClient"><characteristic type="Provider"><characteristic type="${input.providerId}"><characteristic type="Poll">${[
    integer('NumberOfFirstRetries', 8),
    integer('IntervalForFirstSetOfRetries', 3),
    integer('NumberOfSecondRetries', 5),
    integer('IntervalForSecondSetOfRetries', 15),
    integer('NumberOfRemainingScheduledRetries', 0),
    integer('IntervalForRemainingScheduledRetries', input.pollMinutes),
  ]}<parm name="PollOnLogin" value="true" datatype="boolean"/></characteristic></characteristic></characteristic></characteristic></wap-provisioningdoc>`
    .text;
}

/** The certificate store node is named by the certificate's SHA-1 thumbprint, as Windows' own stores are. */
function certificate(der: Uint8Array): XmlFragment {
  const thumbprint = createHash('sha1').update(der).digest('hex').toUpperCase();
  return xml`<characteristic type="${thumbprint}"><parm name="EncodedCertificate" value="${Buffer.from(der).toString('base64')}"/></characteristic>`;
}

/**
 * The w7 CSP requires both a CLIENT and an APPSRV credential. Keep authenticates sessions by the TLS client
 * certificate issued here, so neither carries a secret: they are placeholders the device never uses.
 */
function appAuth(): XmlFragment {
  return xml`<characteristic type="APPAUTH"><parm name="AAUTHLEVEL" value="CLIENT"/><parm name="AAUTHTYPE" value="DIGEST"/><parm name="AAUTHSECRET" value="unused"/><parm name="AAUTHDATA" value="bm9uY2U="/></characteristic><characteristic type="APPAUTH"><parm name="AAUTHLEVEL" value="APPSRV"/><parm name="AAUTHTYPE" value="DIGEST"/><parm name="AAUTHNAME" value="keep"/><parm name="AAUTHSECRET" value="unused"/><parm name="AAUTHDATA" value="bm9uY2U="/></characteristic>`;
}

function integer(name: string, value: number): XmlFragment {
  return xml`<parm name="${name}" value="${value}" datatype="integer"/>`;
}
