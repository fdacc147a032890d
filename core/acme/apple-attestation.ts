// Verifies an Apple Managed Device Attestation as the device-attest-01 challenge carries it (the ACME
// device-attestation draft, format "apple"): a CBOR attestation object whose `x5c` chain ends at Apple's
// Enterprise Attestation Root, whose leaf names the device (serial, UDID) and the freshness code (nonce).
import { createHash, X509Certificate } from 'node:crypto';
import * as asn1js from 'asn1js';
import { decode } from 'cbor2';
import { Certificate } from 'pkijs';
import { pemBlocks } from '../pki/pem.js';
import { AcmeProblem } from './acme-problem.js';

/** Apple's OIDs in the attestation leaf (Apple's DevicePropertiesAttestation documentation). */
export const APPLE_ATTESTATION_OIDS = {
  serialNumber: '1.2.840.113635.100.8.9.1',
  udid: '1.2.840.113635.100.8.9.2',
  osVersion: '1.2.840.113635.100.8.10.1',
  sepOsVersion: '1.2.840.113635.100.8.10.2',
  /** The freshness code: SHA-256 of the ACME challenge token. */
  nonce: '1.2.840.113635.100.8.11.1',
} as const;

/** What Apple vouches for: the facts of the device and the key that lives in its Secure Enclave. */
export interface AttestedDevice {
  serialNumber?: string;
  udid?: string;
  osVersion?: string;
  sepOsVersion?: string;
  /** SubjectPublicKeyInfo DER of the attested key. */
  publicKeySpki: Buffer;
}

/** An attestation object is a few KiB (two certificates); far larger input is refused before decoding. */
const MAX_ATTESTATION_BYTES = 32 * 1024;
const MAX_CHAIN = 4;

const bad = (detail: string, cause?: unknown) =>
  new AcmeProblem('badAttestationStatement', detail, cause === undefined ? undefined : { cause });

function decodeObject(attObj: Buffer): Buffer[] {
  if (attObj.length > MAX_ATTESTATION_BYTES) throw bad('attestation object too large');
  let decoded: unknown;
  try {
    decoded = decode(attObj);
  } catch (error) {
    throw bad('attestation object is not CBOR', error);
  }
  const object = decoded instanceof Map ? Object.fromEntries(decoded) : decoded;
  if (typeof object !== 'object' || object === null) throw bad('attestation object is not a map');
  const { fmt, attStmt } = object as { fmt?: unknown; attStmt?: unknown };
  if (fmt !== 'apple') throw bad(`unsupported attestation format ${JSON.stringify(fmt ?? null)}`);
  const statement = attStmt instanceof Map ? Object.fromEntries(attStmt) : attStmt;
  const x5c = (statement as { x5c?: unknown } | undefined)?.x5c;
  if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > MAX_CHAIN)
    throw bad('attStmt.x5c must hold the attestation chain, leaf first');
  if (!x5c.every((der) => der instanceof Uint8Array)) throw bad('attStmt.x5c entries must be byte strings');
  return x5c.map((der: Uint8Array) => Buffer.from(der));
}

/** Each certificate signed by the next, the last by a root, every one valid now; the roots are configured. */
function verifyChain(chain: X509Certificate[], roots: readonly X509Certificate[], now: Date): void {
  for (const [i, cert] of chain.entries()) {
    if (new Date(cert.validFrom) > now || new Date(cert.validTo) < now)
      throw bad(`attestation certificate ${i} is not valid now`);
    const issuer = chain[i + 1];
    if (issuer) {
      if (!issuer.ca || !cert.checkIssued(issuer) || !cert.verify(issuer.publicKey))
        throw bad(`attestation certificate ${i} is not signed by the next one`);
    }
  }
  const top = chain.at(-1)!;
  const anchored = roots.some(
    (root) =>
      top.fingerprint256 === root.fingerprint256 || (top.checkIssued(root) && top.verify(root.publicKey)),
  );
  if (!anchored) throw bad("the attestation chain does not end at Apple's Enterprise Attestation Root");
}

/** Apple puts each fact's bytes directly in the extension value (no inner DER wrapping). */
function extensionValues(leafDer: Buffer): Map<string, Buffer> {
  const parsed = asn1js.fromBER(new Uint8Array(leafDer));
  const leaf = new Certificate({ schema: parsed.result });
  return new Map(
    (leaf.extensions ?? []).map((ext) => [ext.extnID, Buffer.from(ext.extnValue.valueBlock.valueHexView)]),
  );
}

export interface AttestationCheck {
  /** The attestation object's bytes (`attObj`, base64url-decoded). */
  attObj: Buffer;
  /** The challenge's token: the leaf's freshness code must be its SHA-256. */
  token: string;
  roots: readonly X509Certificate[];
  now: Date;
}

export function verifyAppleAttestation(check: AttestationCheck): AttestedDevice {
  const ders = decodeObject(check.attObj);
  let chain: X509Certificate[];
  try {
    chain = ders.map((der) => new X509Certificate(der));
  } catch (error) {
    throw bad('attStmt.x5c holds a certificate that does not parse', error);
  }
  verifyChain(chain, check.roots, check.now);
  const values = extensionValues(ders[0]!);
  const nonce = values.get(APPLE_ATTESTATION_OIDS.nonce);
  const expected = createHash('sha256').update(check.token).digest();
  if (!nonce || !nonce.equals(expected))
    throw bad('the attestation freshness code is not the SHA-256 of this challenge token');
  const text = (oid: string) => values.get(oid)?.toString('utf8');
  const facts = {
    serialNumber: text(APPLE_ATTESTATION_OIDS.serialNumber),
    udid: text(APPLE_ATTESTATION_OIDS.udid),
    osVersion: text(APPLE_ATTESTATION_OIDS.osVersion),
    sepOsVersion: text(APPLE_ATTESTATION_OIDS.sepOsVersion),
  };
  return {
    ...Object.fromEntries(Object.entries(facts).filter(([, value]) => value !== undefined)),
    publicKeySpki: chain[0]!.publicKey.export({ type: 'spki', format: 'der' }),
  };
}

/** Roots from PEM text (one or more certificates): the pinned Apple root unless a setting replaces it. */
export function attestationRoots(pem: string): X509Certificate[] {
  const blocks = pemBlocks(pem, 'CERTIFICATE');
  if (!blocks.length) throw new Error('the attestation root file holds no certificate');
  return blocks.map((der) => new X509Certificate(der));
}
