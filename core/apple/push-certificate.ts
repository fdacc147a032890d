// Reads an uploaded MDM push certificate (PEM pair or PKCS#12) into the topic, validity and TLS credentials APNs needs.
// https://developer.apple.com/documentation/devicemanagement/setting-up-push-notifications-for-your-mdm-customers
import forge from 'node-forge';

/** OID of the LDAP `uid` attribute; Apple puts the APNs topic there (`com.apple.mgmt.External.<uuid>`). */
export const PUSH_TOPIC_OID = '0.9.2342.19200300.100.1.1';

const MDM_TOPIC_PREFIX = 'com.apple.mgmt.';

export type PushCertificateInput =
  | { kind: 'pem'; certPem: string; keyPem: string; keyPassword?: string }
  | { kind: 'pkcs12'; data: Uint8Array; password: string };

export interface PushCertificate {
  /** The APNs topic: the certificate subject's UID. */
  topic: string;
  commonName: string | undefined;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  /** Credentials for the TLS client of the APNs provider; the key is secret and must never be logged. */
  certPem: string;
  keyPem: string;
}

export type PushCertificateProblem =
  | 'unreadable'
  | 'wrong-password'
  | 'missing-key'
  | 'missing-certificate'
  | 'unsupported-key'
  | 'key-mismatch'
  | 'no-topic'
  | 'not-mdm-topic'
  | 'not-yet-valid'
  | 'expired';

/** What is wrong with an uploaded push certificate; the message is safe to show to the admin who uploaded it. */
export class PushCertificateError extends Error {
  override readonly name: string = 'PushCertificateError';
  constructor(
    readonly problem: PushCertificateProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class PushCertificateUnreadableError extends PushCertificateError {
  override readonly name = 'PushCertificateUnreadableError';
  constructor(what: string, cause?: unknown) {
    super('unreadable', `The ${what} could not be read; upload the PEM or PKCS#12 file Apple issued`, {
      cause,
    });
  }
}

export class PushCertificatePasswordError extends PushCertificateError {
  override readonly name = 'PushCertificatePasswordError';
  constructor(cause?: unknown) {
    super('wrong-password', 'The password does not open this file', { cause });
  }
}

export class PushCertificateKeyMismatchError extends PushCertificateError {
  override readonly name = 'PushCertificateKeyMismatchError';
  constructor() {
    super('key-mismatch', 'The private key does not belong to the push certificate');
  }
}

export class PushCertificateNoTopicError extends PushCertificateError {
  override readonly name = 'PushCertificateNoTopicError';
  constructor() {
    super('no-topic', 'The certificate subject has no UID attribute, so it is not an APNs push certificate');
  }
}

export class PushCertificateValidityError extends PushCertificateError {
  override readonly name = 'PushCertificateValidityError';
  constructor(
    problem: 'expired' | 'not-yet-valid',
    readonly notBefore: Date,
    readonly notAfter: Date,
  ) {
    super(
      problem,
      problem === 'expired'
        ? `The push certificate expired on ${notAfter.toISOString()}; renew it in the Apple Push Certificates Portal`
        : `The push certificate is not valid before ${notBefore.toISOString()}`,
    );
  }
}

export interface ParseOptions {
  /** The moment to check validity against; pass the clock in so the domain stays pure. */
  now: Date;
}

export function parsePushCertificate(input: PushCertificateInput, options: ParseOptions): PushCertificate {
  const { cert, key } = input.kind === 'pem' ? readPemPair(input) : readPkcs12(input.data, input.password);
  const publicKey = cert.publicKey as forge.pki.rsa.PublicKey;
  if (!sameRsaKey(publicKey, key)) throw new PushCertificateKeyMismatchError();

  const topic = fieldValue(cert, PUSH_TOPIC_OID);
  if (!topic) throw new PushCertificateNoTopicError();
  if (!topic.startsWith(MDM_TOPIC_PREFIX)) {
    throw new PushCertificateError(
      'not-mdm-topic',
      `The certificate's topic "${topic}" is not an MDM topic (${MDM_TOPIC_PREFIX}…); it looks like an app push certificate`,
    );
  }

  const { notBefore, notAfter } = cert.validity;
  if (options.now.getTime() > notAfter.getTime()) {
    throw new PushCertificateValidityError('expired', notBefore, notAfter);
  }
  if (options.now.getTime() < notBefore.getTime()) {
    throw new PushCertificateValidityError('not-yet-valid', notBefore, notAfter);
  }

  return {
    topic,
    commonName: fieldValue(cert, '2.5.4.3'),
    serialNumber: cert.serialNumber,
    notBefore,
    notAfter,
    certPem: forge.pki.certificateToPem(cert),
    keyPem: forge.pki.privateKeyToPem(key),
  };
}

interface CertAndKey {
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

function readPemPair(input: { certPem: string; keyPem: string; keyPassword?: string }): CertAndKey {
  if (!input.certPem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new PushCertificateError('missing-certificate', 'No PEM certificate was found in the upload');
  }
  const cert = attempt('certificate', () => forge.pki.certificateFromPem(input.certPem));
  return { cert, key: readPemKey(input.keyPem, input.keyPassword) };
}

function readPemKey(keyPem: string, password: string | undefined): forge.pki.rsa.PrivateKey {
  if (!/-----BEGIN (RSA |ENCRYPTED )?PRIVATE KEY-----/.test(keyPem)) {
    if (keyPem.includes('-----BEGIN EC PRIVATE KEY-----')) throw unsupportedKey();
    throw new PushCertificateError('missing-key', 'No PEM private key was found in the upload');
  }
  if (keyPem.includes('ENCRYPTED')) {
    if (password === undefined) {
      throw new PushCertificatePasswordError(
        new Error('the private key is encrypted and no password was given'),
      );
    }
    const key = attempt('private key', () => forge.pki.decryptRsaPrivateKey(keyPem, password));
    // forge answers a wrong password with null rather than an error.
    if (!key) throw new PushCertificatePasswordError();
    return key;
  }
  return attempt('private key', () => forge.pki.privateKeyFromPem(keyPem));
}

function readPkcs12(data: Uint8Array, password: string): CertAndKey {
  const asn1 = attempt('PKCS#12 file', () =>
    forge.asn1.fromDer(forge.util.createBuffer(forge.util.binary.raw.encode(data))),
  );
  let p12: forge.pkcs12.Pkcs12Pfx;
  try {
    p12 = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (error) {
    // forge reports a failed MAC check (the usual wrong-password symptom) only in its message.
    if (error instanceof Error && /MAC could not be verified|Invalid password/i.test(error.message)) {
      throw new PushCertificatePasswordError(error);
    }
    throw new PushCertificateUnreadableError('PKCS#12 file', error);
  }

  const keyBags = [
    ...(p12.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ??
      []),
    ...(p12.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
  ];
  const keys = keyBags.map((bag) => bag.key).filter((key) => key !== undefined);
  if (keys.length === 0) {
    // A shrouded key bag that forge could not decrypt, or a non-RSA key, leaves `key` unset.
    if (keyBags.length > 0) throw unsupportedKey();
    throw new PushCertificateError(
      'missing-key',
      'The PKCS#12 file holds no private key; export it with its key',
    );
  }
  const certs = (p12.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [])
    .map((bag) => bag.cert)
    .filter((cert) => cert !== undefined);
  if (certs.length === 0) {
    throw new PushCertificateError('missing-certificate', 'The PKCS#12 file holds no certificate');
  }

  // Keychain exports may carry Apple's intermediate too; the push certificate is the one matching the key.
  for (const key of keys) {
    const cert = certs.find((c) => sameRsaKey(c.publicKey as forge.pki.rsa.PublicKey, key));
    if (cert) return { cert, key };
  }
  throw new PushCertificateKeyMismatchError();
}

function attempt<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof PushCertificateError) throw error;
    if (error instanceof Error && /OID is not RSA|Cannot read public key/i.test(error.message)) {
      throw unsupportedKey(error);
    }
    throw new PushCertificateUnreadableError(what, error);
  }
}

function unsupportedKey(cause?: unknown): PushCertificateError {
  return new PushCertificateError(
    'unsupported-key',
    'Apple MDM push certificates use RSA keys; this one does not',
    {
      cause,
    },
  );
}

function sameRsaKey(publicKey: forge.pki.rsa.PublicKey, privateKey: forge.pki.rsa.PrivateKey): boolean {
  if (!publicKey?.n || !privateKey?.n) return false;
  return publicKey.n.equals(privateKey.n) && publicKey.e.equals(privateKey.e);
}

function fieldValue(cert: forge.pki.Certificate, oid: string): string | undefined {
  const field = cert.subject.getField({ type: oid }) as { value?: unknown } | null;
  return typeof field?.value === 'string' && field.value.length > 0 ? field.value : undefined;
}
