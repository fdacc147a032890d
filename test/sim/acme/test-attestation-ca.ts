// A stand-in for Apple's attestation servers: a P-384 root and intermediate, as Apple's Enterprise Attestation
// chain has, and leaves that carry Apple's extensions (serial, UDID, OS version, freshness code) for a key.
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { Certificate, Extension, PublicKeyInfo } from 'pkijs';
import { encode } from 'cbor2';
import { APPLE_ATTESTATION_OIDS } from '../../../core/acme/apple-attestation.js';
import { basicConstraints, keyUsage } from '../../../core/pki/certificate-extensions.js';
import { signNatively } from '../../../core/pki/native-signer.js';
import { derToPem } from '../../../core/pki/pem.js';
import { generateSerialNumber, serialInteger } from '../../../core/pki/serial-number.js';
import { x509Time } from '../../../core/pki/validity.js';
import { buildName } from '../../../core/pki/x509-name.js';

interface Issuer {
  name: string;
  key: KeyObject;
}

export interface AttestationClaims {
  serialNumber?: string;
  udid?: string;
  osVersion?: string;
  /** The freshness code: the attesting device puts SHA-256 of the ACME challenge token here. */
  nonce: Buffer;
}

function certificate(options: {
  subject: string;
  publicKey: KeyObject;
  issuer: Issuer;
  ca: boolean;
  extensions?: Extension[];
}): Buffer {
  const now = Date.now();
  const cert = new Certificate({
    version: 2,
    serialNumber: serialInteger(generateSerialNumber()),
    issuer: buildName({ commonName: options.issuer.name, organization: 'Keep Test Attestation' }),
    subject: buildName({ commonName: options.subject, organization: 'Keep Test Attestation' }),
    notBefore: x509Time(new Date(now - 60_000)),
    notAfter: x509Time(new Date(now + 86_400_000)),
    subjectPublicKeyInfo: PublicKeyInfo.fromBER(options.publicKey.export({ type: 'spki', format: 'der' })),
    extensions: [
      basicConstraints(options.ca ? { pathLength: 1 } : false),
      keyUsage(options.ca ? ['keyCertSign', 'cRLSign'] : ['digitalSignature']),
      ...(options.extensions ?? []),
    ],
  });
  return signNatively(cert, options.issuer.key);
}

/** Apple writes each fact's bytes straight into the extension value. */
const fact = (oid: string, value: Buffer) =>
  new Extension({ extnID: oid, critical: false, extnValue: new Uint8Array(value).buffer });

export function createTestAttestationCa(name = 'Keep Test Enterprise Attestation Root CA') {
  const rootKeys = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  const subKeys = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  const root = { name, key: rootKeys.privateKey };
  const rootDer = certificate({ subject: name, publicKey: rootKeys.publicKey, issuer: root, ca: true });
  const subName = `${name} Sub CA 1`;
  const subDer = certificate({ subject: subName, publicKey: subKeys.publicKey, issuer: root, ca: true });
  const sub = { name: subName, key: subKeys.privateKey };
  return {
    rootPem: derToPem(rootDer, 'CERTIFICATE'),
    /** The `x5c` chain for `publicKey`, leaf first, as Apple returns it (without the root). */
    attest(publicKey: KeyObject, claims: AttestationClaims): Buffer[] {
      const extensions = [
        ...(claims.serialNumber
          ? [fact(APPLE_ATTESTATION_OIDS.serialNumber, Buffer.from(claims.serialNumber))]
          : []),
        ...(claims.udid ? [fact(APPLE_ATTESTATION_OIDS.udid, Buffer.from(claims.udid))] : []),
        fact(APPLE_ATTESTATION_OIDS.osVersion, Buffer.from(claims.osVersion ?? '15.1')),
        fact(APPLE_ATTESTATION_OIDS.nonce, claims.nonce),
      ];
      const leaf = certificate({ subject: 'attested key', publicKey, issuer: sub, ca: false, extensions });
      return [leaf, subDer];
    },
  };
}

export type TestAttestationCa = ReturnType<typeof createTestAttestationCa>;

/** The device-attest-01 attestation object (format "apple") for a chain. */
export function attestationObject(x5c: Buffer[]): Buffer {
  return Buffer.from(encode({ fmt: 'apple', attStmt: { x5c: x5c.map((der) => new Uint8Array(der)) } }));
}

export const freshnessCode = (token: string) => createHash('sha256').update(token).digest();
