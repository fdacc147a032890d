import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CaImportError, importCaFromPem, importCaFromPkcs12 } from '../../../core/pki/ca-import.js';
import { issueCertificate } from '../../../core/pki/issue-certificate.js';
import { generateSerialNumber } from '../../../core/pki/serial-number.js';
import { scratch, type Scratch } from './openssl.js';

describe('CA import', () => {
  let s: Scratch;
  const now = new Date();

  // An outside two-tier CA made by openssl alone: an RSA root and an EC P-256 intermediate.
  beforeAll(() => {
    s = scratch();
    s.write(
      'ext.cnf',
      '[ca]\nbasicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n',
    );
    s.openssl(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'root.key',
      '-out',
      'root.pem',
      '-subj',
      '/CN=Outside Root',
      '-days',
      '3650',
    );
    s.openssl(
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'int.key',
      '-out',
      'int.csr',
      '-subj',
      '/CN=Outside Issuing',
    );
    s.openssl(
      'x509',
      '-req',
      '-in',
      'int.csr',
      '-CA',
      'root.pem',
      '-CAkey',
      'root.key',
      '-CAcreateserial',
      '-days',
      '1825',
      '-extfile',
      'ext.cnf',
      '-extensions',
      'ca',
      '-out',
      'int.pem',
    );
    s.openssl('pkey', '-in', 'int.key', '-aes256', '-passout', 'pass:secret', '-out', 'int-enc.key');
    s.openssl(
      'pkcs12',
      '-export',
      '-inkey',
      'int.key',
      '-in',
      'int.pem',
      '-certfile',
      'root.pem',
      '-passout',
      'pass:secret',
      '-out',
      'int.p12',
    );
    s.openssl(
      'pkcs12',
      '-export',
      '-inkey',
      'root.key',
      '-in',
      'root.pem',
      '-passout',
      'pass:secret',
      '-out',
      'root.p12',
    );
  });
  afterAll(() => s.remove());

  const issueAndVerify = (ca: ReturnType<typeof importCaFromPem>, name: string) => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const issued = issueCertificate({
      ca,
      publicKey,
      profile: 'device-identity',
      template: { commonName: name },
      serial: generateSerialNumber(),
      now,
    });
    s.write(`${name}.pem`, issued.pem);
    return s.openssl('verify', '-CAfile', 'root.pem', '-untrusted', 'int.pem', `${name}.pem`);
  };

  it('imports an EC issuing CA from an encrypted PEM key and a chain in any order, and issues with it', () => {
    const ca = importCaFromPem({
      certificatesPem: s.read('root.pem').toString() + s.read('int.pem').toString(),
      privateKeyPem: s.read('int-enc.key').toString(),
      passphrase: 'secret',
    });
    expect(ca.privateKey.asymmetricKeyType).toBe('ec');
    expect(ca.chainDer).toHaveLength(1);
    expect(issueAndVerify(ca, 'from-pem')).toContain('OK');
  });

  it('imports from a PKCS#12 file made by OpenSSL 3 (AES-256, PBKDF2)', () => {
    const ca = importCaFromPkcs12(s.read('int.p12'), 'secret');
    expect(ca.chainDer).toHaveLength(1);
    expect(issueAndVerify(ca, 'from-p12')).toContain('OK');
  });

  it('imports an RSA root from PKCS#12', () => {
    const ca = importCaFromPkcs12(s.read('root.p12'), 'secret');
    expect(ca.privateKey.asymmetricKeyType).toBe('rsa');
    expect(ca.chainDer).toHaveLength(0);
  });

  it('refuses a wrong PKCS#12 password', () => {
    expect(() => importCaFromPkcs12(s.read('int.p12'), 'wrong')).toThrow(CaImportError);
  });

  it('refuses a key that matches none of the certificates', () => {
    expect(() =>
      importCaFromPem({
        certificatesPem: s.read('int.pem').toString(),
        privateKeyPem: s.read('root.key').toString(),
      }),
    ).toThrow(/no certificate in the import matches/);
  });

  it('refuses a certificate that is not a CA', () => {
    const ca = importCaFromPem({
      certificatesPem: s.read('int.pem').toString(),
      privateKeyPem: s.read('int.key').toString(),
    });
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const leaf = issueCertificate({
      ca,
      publicKey,
      profile: 'device-identity',
      template: { commonName: 'leaf' },
      serial: generateSerialNumber(),
      now,
    });
    const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => importCaFromPem({ certificatesPem: leaf.pem, privateKeyPem: keyPem })).toThrow(
      /is not a CA/,
    );
  });
});
