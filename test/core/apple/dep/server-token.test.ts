import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DepError, createTokenKeyPair, parseServerToken } from '../../../../core/apple/dep/index.js';
import { encryptEnvelopedData } from '../../../../core/cms/index.js';
import { serverTokenFile, testServerToken } from '../../../fakes/dep/server-token-file.js';

const now = new Date();
const keys = createTokenKeyPair({ organization: 'Example Corp', now });

function refusal(run: () => unknown): DepError {
  try {
    run();
  } catch (error) {
    if (error instanceof DepError) return error;
    throw error;
  }
  throw new Error('expected a DepError');
}

describe('ABM server token import', () => {
  it('makes a self-signed RSA certificate to upload to ABM', () => {
    const certificate = new X509Certificate(keys.certificatePem);
    expect(certificate.publicKey.asymmetricKeyType).toBe('rsa');
    expect(certificate.subject).toContain('Example Corp');
    expect(certificate.verify(certificate.publicKey)).toBe(true);
  });

  it('decrypts a .p7m server token into OAuth1 credentials', () => {
    const token = testServerToken({ accessTokenExpiry: new Date('2031-05-01T12:00:00Z') });
    expect(parseServerToken(serverTokenFile(keys.certificate, token), keys)).toEqual(token);
  });

  it('accepts the bare EnvelopedData DER as well as the S/MIME message', () => {
    const token = testServerToken();
    const message = `-----BEGIN MESSAGE-----\n${JSON.stringify({
      consumer_key: token.consumerKey,
      consumer_secret: token.consumerSecret,
      access_token: token.token,
      access_secret: token.tokenSecret,
      access_token_expiry: token.accessTokenExpiry.toISOString(),
    })}\n-----END MESSAGE-----\n`;
    const der = encryptEnvelopedData(Buffer.from(message), keys.certificate);
    expect(parseServerToken(der, keys).consumerKey).toBe(token.consumerKey);
  });

  it('refuses a token made for another Keep certificate', () => {
    const other = createTokenKeyPair({ organization: 'Other', now });
    const error = refusal(() =>
      parseServerToken(serverTokenFile(other.certificate, testServerToken()), keys),
    );
    expect(error.code).toBe('token-malformed');
    expect(error.message).toMatch(/could not be decrypted/);
  });

  it('names a missing field without echoing the secrets', () => {
    const json = JSON.stringify({
      consumer_key: 'CK_x',
      consumer_secret: 'CS_secret',
      access_token: 'AT_x',
      access_token_expiry: '2031-01-01T00:00:00Z',
    });
    const error = refusal(() =>
      parseServerToken(serverTokenFile(keys.certificate, testServerToken(), json), keys),
    );
    expect(error.message).toContain('access_secret');
    expect(error.message).not.toContain('CS_secret');
  });

  it('refuses a message that is not application/pkcs7-mime', () => {
    const file = Buffer.from('Content-Type: text/plain\r\n\r\nMIAGCSqGSIb3DQEHA6CAMIACAQAx\r\n');
    expect(refusal(() => parseServerToken(file, keys)).message).toMatch(/pkcs7-mime/);
  });
});
