// Signs a configuration profile as DER CMS SignedData with the profile attached, as devices expect.
// https://developer.apple.com/documentation/devicemanagement/installprofilecommand (signed profiles)
import forge from 'node-forge';

export interface ProfileSigner {
  certPem: string;
  keyPem: string;
  /** Intermediates, so the device can build a path to a trusted root. */
  chainPem: string[];
}

export class ProfileSigningError extends Error {
  override readonly name = 'ProfileSigningError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export function signProfile(plistBytes: Uint8Array, signer: ProfileSigner): Uint8Array {
  try {
    const certificate = forge.pki.certificateFromPem(signer.certPem);
    const key = forge.pki.privateKeyFromPem(signer.keyPem);
    const p7 = forge.pkcs7.createSignedData();
    p7.content = forge.util.createBuffer(Buffer.from(plistBytes).toString('binary'));
    p7.addCertificate(certificate);
    for (const pem of signer.chainPem) p7.addCertificate(forge.pki.certificateFromPem(pem));
    p7.addSigner({
      key,
      certificate,
      digestAlgorithm: forge.pki.oids.sha256!,
      authenticatedAttributes: [
        { type: forge.pki.oids.contentType!, value: forge.pki.oids.data! },
        { type: forge.pki.oids.messageDigest! },
        { type: forge.pki.oids.signingTime! },
      ],
    });
    p7.sign();
    return new Uint8Array(Buffer.from(forge.asn1.toDer(p7.toAsn1()).getBytes(), 'binary'));
  } catch (cause) {
    // The cause may quote PEM; only the fact of failure goes into the message.
    throw new ProfileSigningError('could not sign the profile', { cause });
  }
}
