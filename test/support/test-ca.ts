// A throw-away certificate authority for tests: issues leaf certificates with node-forge.
import forge from 'node-forge';
import { generateKeyPairSync, randomBytes } from 'node:crypto';

export interface TestCa {
  certPem: string;
  keyPem: string;
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

export interface LeafOptions {
  subject: forge.pki.CertificateField[];
  /** Defaults to one hour ago. */
  notBefore?: Date;
  /** Defaults to one day from now. */
  notAfter?: Date;
  extensions?: object[];
}

const HOUR = 3_600_000;

/**
 * A positive serial whose DER INTEGER is minimal: the first byte is 0x40–0x7f. (A hex string starting
 * with a zero nibble made forge write a non-minimal INTEGER, which OpenSSL refuses as "illegal padding".)
 */
function serial(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0]! & 0x3f) | 0x40;
  return bytes.toString('hex');
}

/** Keys come from Node's generator and travel as PKCS#8 PEM, which is always strict DER. */
function keyPair(): {
  publicKey: forge.pki.rsa.PublicKey;
  privateKey: forge.pki.rsa.PrivateKey;
  keyPem: string;
} {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const forgeKey = forge.pki.privateKeyFromPem(keyPem);
  return { publicKey: forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e), privateKey: forgeKey, keyPem };
}

export function createTestCa(commonName = 'Keep Test CA'): TestCa {
  const keys = keyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = new Date(Date.now() - HOUR);
  cert.validity.notAfter = new Date(Date.now() + 24 * HOUR);
  const subject = [{ name: 'commonName', value: commonName }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return {
    cert,
    key: keys.privateKey,
    certPem: forge.pki.certificateToPem(cert),
    keyPem: keys.keyPem,
  };
}

export function issueCertificate(
  ca: TestCa,
  options: LeafOptions,
): IssuedCertificate & {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
} {
  const keys = keyPair();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = serial();
  cert.validity.notBefore = options.notBefore ?? new Date(Date.now() - HOUR);
  cert.validity.notAfter = options.notAfter ?? new Date(Date.now() + 24 * HOUR);
  cert.setSubject(options.subject);
  cert.setIssuer(ca.cert.subject.attributes);
  const extensions = (options.extensions ?? []) as Array<{ name?: string }>;
  cert.setExtensions([
    // A leaf unless the caller says otherwise (an intermediate CA).
    ...(extensions.some((e) => e.name === 'basicConstraints')
      ? []
      : [{ name: 'basicConstraints', cA: false }]),
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
    ...extensions,
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return {
    cert,
    key: keys.privateKey,
    certPem: forge.pki.certificateToPem(cert),
    keyPem: keys.keyPem,
  };
}

/** A CA under `ca`, that issues as `ca` does: the intermediate a device sends along with its identity. */
export function issueIntermediateCa(ca: TestCa, commonName: string): TestCa {
  return issueCertificate(ca, {
    subject: [{ name: 'commonName', value: commonName }],
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
      { name: 'subjectKeyIdentifier' },
    ],
  });
}

/** A TLS server certificate for 127.0.0.1 / localhost. */
export function issueLoopbackServerCertificate(ca: TestCa): IssuedCertificate {
  const { certPem, keyPem } = issueCertificate(ca, {
    subject: [{ name: 'commonName', value: 'localhost' }],
    extensions: [
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  });
  return { certPem, keyPem };
}
