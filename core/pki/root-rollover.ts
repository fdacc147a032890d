// A new root for Keep's CA (RFC 4210 §4.4, root CA key update): a successor root on a new key, a cross-certificate
// in which the old root certifies the new root's key, and a new issuing CA under the new root. The successor keeps
// the old root's exact name, so the cross-certificate is self-issued and does not count against the old root's
// path length (RFC 5280 §4.2.1.9): a device trusting only the old root chains leaf → new issuing CA → cross-
// certificate → old root, one trusting the new root chains leaf → new issuing CA → new root; the two roots are told
// apart by their key identifiers.
import type { KeyObject } from 'node:crypto';
import { createIssuingCa, generateRsaKey, type CreateCaOptions } from './ca-create.js';
import { buildCertificate } from './certificate-builder.js';
import { toCertificateAuthority, type CertificateAuthority } from './certificate-authority.js';
import { CA_PROFILES } from './certificate-profile.js';
import { derToPem } from './pem.js';
import { generateSerialNumber } from './serial-number.js';
import { validityWindow } from './validity.js';

/** Why a root rollover is refused for a CA whose root key Keep does not hold; the admin API answers it too. */
export const ROOT_KEY_NEEDED =
  'Keep does not hold the root CA key (an imported CA): a new root needs the current root’s private key to ' +
  'cross-sign it, so that devices trusting the current root keep chaining. Import the root key (PEM or PKCS#12 ' +
  'with the root’s certificate), or import a new issuing CA under your own new root and install that root ' +
  'on devices yourself.';

/** Thrown when the old root cannot certify its successor: Keep does not hold its key (an imported CA). */
export class RootRolloverRefusedError extends Error {
  override name = 'RootRolloverRefusedError';
}

export interface SuccessorRoot {
  root: CertificateAuthority;
  /** The new root's key certified by the old root, valid no longer than the old root; for devices on the old trust. */
  crossCertificateDer: Buffer;
  crossCertificatePem: string;
  /** The issuing CA under the new root (generation `generation`). */
  issuing: CertificateAuthority;
}

export function createSuccessorRoot(
  old: { certificateDer: Buffer; privateKey: KeyObject | null },
  options: Pick<CreateCaOptions, 'organization' | 'now' | 'rootValidityDays' | 'issuingValidityDays'> & {
    generation: number;
  },
): SuccessorRoot {
  if (!old.privateKey) throw new RootRolloverRefusedError(ROOT_KEY_NEEDED);
  const oldRoot = toCertificateAuthority(old.certificateDer, old.privateKey);
  const key = generateRsaKey(4096);
  const rootWindow = validityWindow(
    options.now,
    options.rootValidityDays ?? CA_PROFILES['root-ca'].defaultValidityDays,
  );
  const rootDer = buildCertificate({
    profile: CA_PROFILES['root-ca'],
    serial: generateSerialNumber(),
    subject: oldRoot.name,
    subjectAltNames: [],
    subjectPublicKey: key.publicKey,
    ...rootWindow,
    signer: { self: key.privateKey },
  });
  const root = toCertificateAuthority(rootDer, key.privateKey);
  const crossCertificateDer = buildCertificate({
    profile: CA_PROFILES['root-ca'],
    serial: generateSerialNumber(),
    subject: oldRoot.name,
    subjectAltNames: [],
    subjectPublicKey: key.publicKey,
    // Never outlives the old root: past that, no device relies on the old trust.
    ...validityWindow(options.now, CA_PROFILES['root-ca'].defaultValidityDays, oldRoot.notAfter),
    signer: oldRoot,
  });
  return {
    root,
    crossCertificateDer,
    crossCertificatePem: derToPem(crossCertificateDer, 'CERTIFICATE'),
    issuing: createIssuingCa(root, { ...options, generation: options.generation }),
  };
}
