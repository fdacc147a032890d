// Reads an enrollment .mobileconfig (signed or not) as a device does: SCEP payload, MDM payload, anchors.
// https://developer.apple.com/documentation/devicemanagement/mdm
import { verifySignedData } from '../../../core/cms/index.js';
import { isPlistDict, parsePlistDict, type PlistDict } from '../../../core/apple/plist-codec.js';
import type { ScepPayload } from './scep-enroller.js';
import type { SigningIdentity } from './mdm-signature.js';
import { openEncryptedProfile } from './open-encrypted-profile.js';

export interface MdmPayload {
  serverUrl: string;
  checkInUrl: string;
  topic: string;
  signMessage: boolean;
  serverCapabilities: string[];
  /** BYOD: a User Enrollment, which names itself by an EnrollmentID and never sends UDID or serial number. */
  userEnrollment: boolean;
}

export interface EnrollmentProfile {
  profile: PlistDict;
  /** Certificates the CMS envelope carried, when the profile came signed. */
  signerCertificates: Buffer[];
  scep: ScepPayload;
  mdm: MdmPayload;
  /** DER of `com.apple.security.root` payloads: the device trusts them, e.g. for the edge's TLS. */
  anchors: Uint8Array[];
}

export class EnrollmentProfileError extends Error {
  override readonly name = 'EnrollmentProfileError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** `identity` opens a profile encrypted to the device (a renewal's); a first enrollment profile is never. */
export function readEnrollmentProfile(bytes: Uint8Array, identity?: SigningIdentity): EnrollmentProfile {
  let plistBytes: Uint8Array = bytes;
  let signerCertificates: Buffer[] = [];
  // Signed profiles are DER CMS SignedData (a SEQUENCE); unsigned ones are XML.
  if (bytes[0] === 0x30) {
    const verified = verifySignedData(bytes);
    plistBytes = verified.content;
    signerCertificates = verified.certificates;
  }
  const profile = openEncryptedProfile(parsePlistDict(plistBytes), identity);
  const payloads = Array.isArray(profile.PayloadContent) ? profile.PayloadContent.filter(isPlistDict) : [];
  const byType = (type: string) => payloads.filter((p) => p.PayloadType === type);
  const [scepPayload] = byType('com.apple.security.scep');
  const [mdmPayload] = byType('com.apple.mdm');
  if (!scepPayload || !mdmPayload)
    throw new EnrollmentProfileError('profile needs a SCEP and an MDM payload');
  if (mdmPayload.IdentityCertificateUUID !== scepPayload.PayloadUUID) {
    throw new EnrollmentProfileError('IdentityCertificateUUID does not name the SCEP payload');
  }
  const scep = scepPayload.PayloadContent;
  if (!isPlistDict(scep) || typeof scep.URL !== 'string')
    throw new EnrollmentProfileError('SCEP payload has no URL');
  if (scep['Key Type'] !== undefined && scep['Key Type'] !== 'RSA') {
    throw new EnrollmentProfileError('only RSA SCEP keys are simulated');
  }
  const text = (d: PlistDict, key: string): string => {
    const value = d[key];
    if (typeof value !== 'string' || value === '')
      throw new EnrollmentProfileError(`MDM payload has no ${key}`);
    return value;
  };
  return {
    profile,
    signerCertificates,
    scep: {
      url: scep.URL,
      ...(typeof scep.Challenge === 'string' ? { challenge: scep.Challenge } : {}),
      subject: readSubject(scep.Subject),
      keySize: typeof scep.Keysize === 'number' ? scep.Keysize : 1024,
      ...(scep.CAFingerprint instanceof Uint8Array ? { caFingerprint: scep.CAFingerprint } : {}),
    },
    mdm: {
      serverUrl: text(mdmPayload, 'ServerURL'),
      checkInUrl:
        typeof mdmPayload.CheckInURL === 'string' ? mdmPayload.CheckInURL : text(mdmPayload, 'ServerURL'),
      topic: text(mdmPayload, 'Topic'),
      signMessage: mdmPayload.SignMessage === true,
      serverCapabilities: Array.isArray(mdmPayload.ServerCapabilities)
        ? mdmPayload.ServerCapabilities.filter((c): c is string => typeof c === 'string')
        : [],
      userEnrollment: mdmPayload.EnrollmentMode === 'BYOD',
    },
    anchors: byType('com.apple.security.root')
      .map((p) => p.PayloadContent)
      .filter((der): der is Uint8Array => der instanceof Uint8Array),
  };
}

function readSubject(value: unknown): [string, string][][] {
  if (!Array.isArray(value)) return [];
  return value.map((rdn) => {
    if (!Array.isArray(rdn)) throw new EnrollmentProfileError('SCEP Subject is not a list of RDNs');
    return rdn.map((pair) => {
      if (!Array.isArray(pair) || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
        throw new EnrollmentProfileError('SCEP Subject entries must be [type, value] pairs');
      }
      return [pair[0], pair[1]] as [string, string];
    });
  });
}
