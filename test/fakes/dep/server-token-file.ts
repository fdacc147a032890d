// Builds an ABM server token file (`.p7m`) as Apple does: S/MIME around EnvelopedData around a MESSAGE block.
import { encryptEnvelopedData } from '../../../core/cms/index.js';
import type { ServerToken } from '../../../core/apple/dep/index.js';

export function testServerToken(overrides: Partial<ServerToken> = {}): ServerToken {
  return {
    consumerKey: 'CK_0123456789abcdef',
    consumerSecret: 'CS_fedcba9876543210',
    token: 'AT_O0123456789Oabcdef',
    tokenSecret: 'AS_0123456789abcdef',
    accessTokenExpiry: new Date(Date.now() + 365 * 86_400_000),
    ...overrides,
  };
}

/** `json` replaces the token's JSON, to build malformed tokens. */
export function serverTokenFile(recipientCertificate: Buffer, token: ServerToken, json?: string): Buffer {
  const message = [
    'Content-Type: text/plain;charset=UTF-8',
    'Content-Transfer-Encoding: 7bit',
    '',
    '-----BEGIN MESSAGE-----',
    json ??
      JSON.stringify({
        consumer_key: token.consumerKey,
        consumer_secret: token.consumerSecret,
        access_token: token.token,
        access_secret: token.tokenSecret,
        access_token_expiry: token.accessTokenExpiry.toISOString(),
      }),
    '-----END MESSAGE-----',
    '',
  ].join('\r\n');
  const der = encryptEnvelopedData(Buffer.from(message), recipientCertificate);
  const body = der
    .toString('base64')
    .match(/.{1,76}/g)!
    .join('\r\n');
  return Buffer.from(
    [
      'Content-Type: application/pkcs7-mime; smime-type=enveloped-data; name="smime.p7m"',
      'Content-Transfer-Encoding: base64',
      'Content-Disposition: attachment; filename="smime.p7m"',
      'Content-Description: S/MIME Encrypted Message',
      '',
      body,
      '',
    ].join('\r\n'),
  );
}
