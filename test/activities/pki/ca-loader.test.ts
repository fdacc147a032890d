import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { createCaLoader } from '../../../activities/pki/ca-loader.js';
import { KeyRing } from '../../../core/crypto/key-ring.js';
import { useTestDatabase } from '../../support/test-context.js';

describe('createCaLoader', () => {
  const database = useTestDatabase();

  it('imports the CA named by the settings on the first start, and keeps it on the next', async () => {
    const dir = mkdtempSync(`${tmpdir()}/keep-ca-import-`);
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:3072',
        '-nodes',
        '-keyout',
        `${dir}/ca.key`,
        '-out',
        `${dir}/ca.pem`,
        '-days',
        '30',
        '-subj',
        '/CN=Imported Corp CA',
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      { stdio: 'ignore' },
    );
    const keyRing = new KeyRing([{ id: 'k', key: Buffer.alloc(32, 9) }]);
    const settings = {
      organization: 'Imported',
      crlUrl: 'https://edge.example/pki/crl',
      caImportCertificatesFile: `${dir}/ca.pem`,
      caImportKeyFile: `${dir}/ca.key`,
    };
    const first = await createCaLoader(database.core.db, keyRing, settings)();
    expect(first.issuing.certificatePem.replace(/\s/g, '')).toBe(
      readFileSync(`${dir}/ca.pem`, 'utf8').replace(/\s/g, ''),
    );
    const again = await createCaLoader(database.core.db, keyRing, {
      organization: 'Imported',
      crlUrl: settings.crlUrl,
    })();
    expect(again.issuing.certificatePem).toBe(first.issuing.certificatePem);
    const stored = await database.core.db
      .selectFrom('ca_keys')
      .select('sealed_private_key')
      .where('purpose', '=', 'issuing')
      .executeTakeFirstOrThrow();
    expect(stored.sealed_private_key).not.toContain(readFileSync(`${dir}/ca.key`, 'utf8').split('\n')[1]!);
  });
});
