import { constants, createPrivateKey, publicEncrypt, randomBytes, X509Certificate } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CmsError, decryptEnvelopedData, encryptEnvelopedData } from '../../../core/cms/index.js';
import { createFixtures, read, type Fixtures } from './openssl-fixtures.js';

describe('EnvelopedData with RSA key transport', () => {
  let f: Fixtures;
  const recipients: Record<number, { certificate: Buffer; key: KeyObject }> = {};

  beforeAll(() => {
    f = createFixtures();
    for (const bits of [2048, 3072]) {
      f.openssl(
        'req',
        '-x509',
        '-newkey',
        `rsa:${bits}`,
        '-nodes',
        '-keyout',
        `r${bits}.key`,
        '-subj',
        `/CN=recipient ${bits}`,
        '-days',
        '2',
        '-out',
        `r${bits}.pem`,
      );
      recipients[bits] = {
        certificate: f.der(`r${bits}.pem`),
        key: createPrivateKey(read(f, `r${bits}.key`)),
      };
    }
    writeFileSync(f.path('message.txt'), 'a PKCSReq stands in here');
  });

  for (const bits of [2048, 3072]) {
    for (const [cipher, keyopt] of [
      ['-aes-256-cbc', []],
      ['-aes-128-cbc', []],
      ['-des3', []],
      ['-aes-256-cbc', ['-keyopt', 'rsa_padding_mode:oaep']],
    ] as const) {
      it(`decrypts what openssl cms -encrypt ${cipher} ${keyopt.join(' ')} wrote to RSA-${bits}`, () => {
        const der = f.openssl(
          'cms',
          '-encrypt',
          '-in',
          'message.txt',
          '-outform',
          'DER',
          '-binary',
          cipher,
          '-recip',
          `r${bits}.pem`,
          ...keyopt,
        );
        const { content } = decryptEnvelopedData(der, recipients[bits]!);
        expect(content.toString()).toBe('a PKCSReq stands in here');
      });
    }
  }

  it('gives a tampered key block the same answer as a key wrapped for someone else', () => {
    const recipient = recipients[2048]!;
    const content = Buffer.from('secret content that must not come back');
    const der = encryptEnvelopedData(content, recipient.certificate);
    // The encryptedKey is the only 256-byte OCTET STRING in the message.
    const at = der.indexOf(Buffer.from([0x04, 0x82, 0x01, 0x00])) + 4;
    const publicKey = new X509Certificate(recipient.certificate).publicKey;
    const raw = (edit: (block: Buffer) => void) => {
      const block = Buffer.alloc(256, 0x5a);
      block[0] = 0;
      block[1] = 2;
      block[256 - 33] = 0;
      randomBytes(32).copy(block, 256 - 32);
      edit(block);
      return publicEncrypt({ key: publicKey, padding: constants.RSA_NO_PADDING }, block);
    };
    const keyBlocks = {
      'a wrong key': publicEncrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, randomBytes(32)),
      'block type 01': raw((b) => (b[1] = 1)),
      'zero inside PS': raw((b) => (b[20] = 0)),
      'a 16-byte key': raw((b) => {
        b[256 - 33] = 0x5a;
        b[256 - 17] = 0;
      }),
      'random bytes': randomBytes(256),
    };
    for (const [label, block] of Object.entries(keyBlocks)) {
      const tampered = Buffer.from(der);
      block.copy(tampered, at);
      let outcome: string;
      try {
        // CBC padding may pass by chance with any wrong key; the content never comes back.
        outcome = decryptEnvelopedData(tampered, recipient).content.equals(content) ? 'decrypted' : 'garbage';
      } catch (error) {
        expect(error, label).toBeInstanceOf(CmsError);
        outcome = `${(error as CmsError).code}: ${(error as Error).message}`;
      }
      expect(['garbage', 'malformed: EnvelopedData could not be decrypted'], label).toContain(outcome);
    }
  });
});
