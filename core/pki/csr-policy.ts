// Which PKCS#10 requests (RFC 2986) Keep's CA accepts: parsed with pkijs, verified natively, keys checked.
import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import { CertificationRequest } from 'pkijs';
import { describeName } from './x509-name.js';

/**
 * The sealed-box context of a SCEP CSR on its way from the edge to the core: it carries the device's challenge,
 * so the edge seals it to the core's sealing key before it enters Temporal.
 */
export const CSR_SEALING_CONTEXT = 'scep-csr';

export type CsrRejection = 'weak-key' | 'bad-signature' | 'unsupported-key' | 'malformed';

/** The CA refuses the request; `code` is stable for callers (SCEP answers badRequest/badAlg from it). */
export class CsrPolicyError extends Error {
  override name = 'CsrPolicyError';
  constructor(
    readonly code: CsrRejection,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A CSR is a few hundred bytes to ~2 KiB; anything far larger is not a CSR Keep should parse. */
export const MAX_CSR_BYTES = 16 * 1024;
const MIN_RSA_BITS = 2048;
/** Larger RSA keys only make every signature check on the device slow; no client Keep serves needs them. */
const MAX_RSA_BITS = 8192;
const ALLOWED_CURVES = new Set(['prime256v1', 'secp384r1']);

/**
 * The CSR's signature only proves possession of the key, so SHA-1 is still accepted here (older
 * Apple SCEP clients sign with it); what Keep issues is always signed with SHA-256 or better.
 */
const SIGNATURE_HASHES: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.1': 'sha1',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

const CHALLENGE_PASSWORD = '1.2.840.113549.1.9.7';

export interface AcceptedCsr {
  publicKey: KeyObject;
  /**
   * The subject the device asked for, for logs only. Keep ignores it: the certificate's subject
   * and SANs come from the server-side template, so a device cannot name itself.
   */
  requestedSubject: string;
  /** RFC 2985 §5.4.1 challengePassword, where SCEP clients put the enrollment challenge. */
  challengePassword?: string;
}

export function checkCsr(der: Uint8Array): AcceptedCsr {
  if (der.byteLength > MAX_CSR_BYTES)
    throw new CsrPolicyError('malformed', `CSR is ${der.byteLength} bytes; the limit is ${MAX_CSR_BYTES}`);
  let csr: CertificationRequest;
  let spki: Buffer;
  try {
    csr = CertificationRequest.fromBER(der);
    spki = Buffer.from(csr.subjectPublicKeyInfo.toSchema().toBER(false));
  } catch (cause) {
    throw new CsrPolicyError('malformed', 'CSR is not a PKCS#10 CertificationRequest', { cause });
  }
  if (csr.version !== 0) throw new CsrPolicyError('malformed', `CSR version ${csr.version} is not v1`);

  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch (cause) {
    throw new CsrPolicyError('unsupported-key', 'CSR public key is of an unknown kind', { cause });
  }
  checkPublicKey(publicKey);

  const hash = SIGNATURE_HASHES[csr.signatureAlgorithm.algorithmId];
  if (!hash)
    throw new CsrPolicyError(
      'bad-signature',
      `CSR signature algorithm ${csr.signatureAlgorithm.algorithmId} is not supported`,
    );
  let valid: boolean;
  try {
    valid = verify(hash, csr.tbsView, publicKey, csr.signatureValue.valueBlock.valueHexView);
  } catch (cause) {
    throw new CsrPolicyError('bad-signature', 'CSR signature cannot be checked', { cause });
  }
  if (!valid) throw new CsrPolicyError('bad-signature', 'CSR signature does not match its public key');

  const challengePassword = challengePasswordOf(csr);
  return {
    publicKey,
    requestedSubject: describeName(csr.subject),
    ...(challengePassword === undefined ? {} : { challengePassword }),
  };
}

/** RSA ≥ 2048 bits with exponent 65537, or EC on P-256 / P-384; the same rule for every key Keep certifies. */
export function checkPublicKey(key: KeyObject): void {
  const details = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa') {
    const bits = details.modulusLength ?? 0;
    if (bits < MIN_RSA_BITS)
      throw new CsrPolicyError('weak-key', `RSA key has ${bits} bits; at least ${MIN_RSA_BITS} are required`);
    if (bits > MAX_RSA_BITS)
      throw new CsrPolicyError(
        'unsupported-key',
        `RSA key has ${bits} bits; at most ${MAX_RSA_BITS} are accepted`,
      );
    if (details.publicExponent !== 65537n)
      throw new CsrPolicyError('weak-key', 'RSA public exponent must be 65537');
    return;
  }
  if (key.asymmetricKeyType === 'ec') {
    if (!ALLOWED_CURVES.has(details.namedCurve ?? ''))
      throw new CsrPolicyError(
        'unsupported-key',
        `EC curve ${details.namedCurve ?? 'unknown'} is not P-256 or P-384`,
      );
    return;
  }
  throw new CsrPolicyError('unsupported-key', `${key.asymmetricKeyType ?? 'unknown'} keys are not accepted`);
}

function challengePasswordOf(csr: CertificationRequest): string | undefined {
  const attribute = csr.attributes?.find((attr) => attr.type === CHALLENGE_PASSWORD);
  const value: unknown = attribute?.values[0];
  if (value === undefined) return undefined;
  if (!(value instanceof asn1js.BaseStringBlock))
    throw new CsrPolicyError('malformed', 'CSR challengePassword is not a string');
  return value.valueBlock.value;
}
