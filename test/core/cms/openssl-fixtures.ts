// Throw-away keys and certificates made with the openssl CLI, so the CMS tests check against a real tool.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Fixtures {
  dir: string;
  path: (name: string) => string;
  openssl: (...args: string[]) => Buffer;
  /** DER of a PEM certificate file in `dir`. */
  der: (name: string) => Buffer;
}

export function createFixtures(): Fixtures {
  const dir = mkdtempSync(join(tmpdir(), 'keep-cms-'));
  const path = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const der = (name: string) => openssl('x509', '-in', name, '-outform', 'DER');
  return { dir, path, openssl, der };
}

/** root → intermediate (CA) → leaf, plus a "rogue" intermediate without CA:true and its leaf. */
export function makeHierarchy(f: Fixtures): void {
  writeFileSync(
    f.path('ext.cnf'),
    [
      '[ca]',
      'basicConstraints=critical,CA:TRUE',
      'keyUsage=critical,keyCertSign,cRLSign',
      '[notca]',
      'basicConstraints=critical,CA:FALSE',
      '[leaf]',
      'basicConstraints=CA:FALSE',
      'keyUsage=digitalSignature,keyEncipherment',
      'subjectKeyIdentifier=hash',
      '',
    ].join('\n'),
  );
  const key = (name: string) =>
    f.openssl('genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', name);
  key('root.key');
  f.openssl(
    'req',
    '-x509',
    '-new',
    '-key',
    'root.key',
    '-subj',
    '/CN=Test Root',
    '-days',
    '30',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign',
    '-out',
    'root.pem',
  );
  const issue = (name: string, issuer: string, subject: string, ext: string) => {
    key(`${name}.key`);
    f.openssl('req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`);
    f.openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      `${issuer}.pem`,
      '-CAkey',
      `${issuer}.key`,
      '-CAcreateserial',
      '-days',
      '10',
      '-extfile',
      'ext.cnf',
      '-extensions',
      ext,
      '-out',
      `${name}.pem`,
    );
  };
  issue('inter', 'root', '/CN=Test Intermediate', 'ca');
  issue('leaf', 'inter', '/CN=device-1', 'leaf');
  issue('rogue', 'root', '/CN=Rogue Intermediate', 'notca');
  issue('rogue-leaf', 'rogue', '/CN=device-2', 'leaf');
}

export function read(f: Fixtures, name: string): Buffer {
  return readFileSync(f.path(name));
}

/**
 * OpenSSL writes detached signatures with definite lengths only; Apple devices send the outer
 * ContentInfo, [0] and SignedData with indefinite lengths. This rewrites those three headers so.
 */
export function withIndefiniteOuterLengths(der: Buffer): Buffer {
  const headerLength = (at: number) => {
    const first = der[at + 1] ?? 0;
    return first & 0x80 ? 2 + (first & 0x7f) : 2;
  };
  let at = headerLength(0);
  const oidEnd = at + 2 + (der[at + 1] ?? 0);
  const oid = der.subarray(at, oidEnd);
  at = oidEnd + headerLength(oidEnd);
  at += headerLength(at);
  return Buffer.concat([
    Buffer.from([0x30, 0x80]),
    oid,
    Buffer.from([0xa0, 0x80, 0x30, 0x80]),
    der.subarray(at),
    Buffer.alloc(6),
  ]);
}
