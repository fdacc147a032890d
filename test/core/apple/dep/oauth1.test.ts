import { describe, expect, it } from 'vitest';
import {
  authorizationHeader,
  hmacSha1Signature,
  parseAuthorizationHeader,
  signatureBaseString,
} from '../../../../core/apple/dep/index.js';
import { percentEncode } from '../../../../core/apple/dep/oauth1.js';

describe('OAuth1 signing (RFC 5849)', () => {
  it('builds the signature base string of RFC 5849 §3.4.1.1', () => {
    const base = signatureBaseString('POST', 'http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b', [
      ['c2', ''],
      ['a3', '2 q'],
      ['oauth_consumer_key', '9djdj82h48djs9d2'],
      ['oauth_token', 'kkk9d7dh3k39sjv7'],
      ['oauth_signature_method', 'HMAC-SHA1'],
      ['oauth_timestamp', '137131201'],
      ['oauth_nonce', '7d8f3e4a'],
    ]);
    expect(base).toBe(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  it('signs the photos request of RFC 5849 §1.2 to its published signature', () => {
    const base = signatureBaseString(
      'GET',
      'http://photos.example.net/photos?file=vacation.jpg&size=original',
      [
        ['oauth_consumer_key', 'dpf43f3p2l4k3l03'],
        ['oauth_token', 'nnch734d00sl2jdk'],
        ['oauth_signature_method', 'HMAC-SHA1'],
        ['oauth_timestamp', '137131202'],
        ['oauth_nonce', 'chapoH'],
      ],
    );
    expect(hmacSha1Signature(base, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00')).toBe(
      'MdpQcU8iPSUjWoN/UDMsK2sui9I=',
    );
  });

  it('percent-encodes the characters encodeURIComponent leaves alone', () => {
    expect(percentEncode("!'()*~-._ é")).toBe('%21%27%28%29%2A~-._%20%C3%A9');
  });

  it('writes an Authorization header whose parameters verify against the same base string', () => {
    const credentials = { consumerKey: 'ck', consumerSecret: 's&1', token: 'at', tokenSecret: 's=2' };
    const header = authorizationHeader(
      'GET',
      'https://mdmenrollment.apple.com/session',
      credentials,
      { timestamp: 1700000000, nonce: 'n+1' },
      'ADM',
    );
    const parameters = parseAuthorizationHeader(header)!;
    expect(parameters.get('realm')).toBe('ADM');
    expect(parameters.get('oauth_nonce')).toBe('n+1');
    const signed = [...parameters].filter(([name]) => name !== 'realm' && name !== 'oauth_signature');
    const base = signatureBaseString('GET', 'https://mdmenrollment.apple.com/session', signed);
    expect(parameters.get('oauth_signature')).toBe(hmacSha1Signature(base, 's&1', 's=2'));
  });

  it('refuses a header that is not OAuth', () => {
    expect(parseAuthorizationHeader('Bearer abc')).toBeUndefined();
    expect(parseAuthorizationHeader('OAuth oauth_token=unquoted')).toBeUndefined();
  });
});
