// Creates Keep's own two-tier CA: an RSA 4096 root that signs only an RSA 3072 issuing CA.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { buildCertificate } from './certificate-builder.js';
import { CA_PROFILES } from './certificate-profile.js';
import { toCertificateAuthority, type CertificateAuthority } from './certificate-authority.js';
import { generateSerialNumber } from './serial-number.js';
import { validityWindow } from './validity.js';

export interface CreateCaOptions {
  /** Shown in every certificate's issuer; e.g. the company name. */
  organization: string;
  now: Date;
  rootValidityDays?: number;
  issuingValidityDays?: number;
}

export interface CaHierarchy {
  root: CertificateAuthority;
  issuing: CertificateAuthority;
}

/**
 * RSA rather than EC throughout: Apple's SCEP client and CMS key transport need RSA on the RA and
 * encryption side, and older MDM clients validate RSA chains most reliably. 4096 bits for the
 * long-lived root, 3072 (128-bit security, NIST SP 800-57) for the issuing CA that signs daily.
 */
export function createCaHierarchy(options: CreateCaOptions): CaHierarchy {
  const rootKey = generateRsaKey(4096);
  const rootWindow = validityWindow(
    options.now,
    options.rootValidityDays ?? CA_PROFILES['root-ca'].defaultValidityDays,
  );
  const rootDer = buildCertificate({
    profile: CA_PROFILES['root-ca'],
    serial: generateSerialNumber(),
    subject: { commonName: `${options.organization} Keep Root CA`, organization: options.organization },
    subjectAltNames: [],
    subjectPublicKey: rootKey.publicKey,
    ...rootWindow,
    signer: { self: rootKey.privateKey },
  });
  const root = toCertificateAuthority(rootDer, rootKey.privateKey);

  return { root, issuing: createIssuingCa(root, { ...options, generation: 1 }) };
}

/**
 * An issuing CA under `root`: the first at creation, a successor in a rollover. A successor's name carries its
 * generation, so that issuer names tell the two apart in logs, CRLs and a device's certificate list.
 */
export function createIssuingCa(
  root: CertificateAuthority,
  options: Pick<CreateCaOptions, 'organization' | 'now' | 'issuingValidityDays'> & { generation: number },
): CertificateAuthority {
  const issuingKey = generateRsaKey(3072);
  const suffix = options.generation > 1 ? ` ${options.generation}` : '';
  const issuingDer = buildCertificate({
    profile: CA_PROFILES['issuing-ca'],
    serial: generateSerialNumber(),
    subject: {
      commonName: `${options.organization} Keep Issuing CA${suffix}`,
      organization: options.organization,
    },
    subjectAltNames: [],
    subjectPublicKey: issuingKey.publicKey,
    ...validityWindow(
      options.now,
      options.issuingValidityDays ?? CA_PROFILES['issuing-ca'].defaultValidityDays,
      root.notAfter,
    ),
    signer: root,
  });
  return toCertificateAuthority(issuingDer, issuingKey.privateKey, [root.certificateDer, ...root.chainDer]);
}

export function generateRsaKey(bits: 2048 | 3072 | 4096): { publicKey: KeyObject; privateKey: KeyObject } {
  return generateKeyPairSync('rsa', { modulusLength: bits, publicExponent: 65537 });
}
