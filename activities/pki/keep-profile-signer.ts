// The profile signer Keep signs its own profiles with: the core's profile-signing key, with the issuing CA and the
// root as the chain a device builds to the anchor it trusts.
import type { ProfileSigner } from '../../core/apple/profile-signer.js';
import type { LoadedCa } from './ca-operations.js';

export function keepProfileSigner({ profileSigning, issuing, rootPem }: LoadedCa): ProfileSigner {
  return {
    certPem: profileSigning.certificatePem,
    keyPem: profileSigning.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    chainPem: [issuing.certificatePem, ...(rootPem !== issuing.certificatePem ? [rootPem] : [])],
  };
}
