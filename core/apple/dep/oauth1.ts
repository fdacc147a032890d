// OAuth 1.0 request signing (RFC 5849) with HMAC-SHA1, as Apple's DEP `/session` endpoint requires.
// https://www.rfc-editor.org/rfc/rfc5849#section-3.4
import { createHmac } from 'node:crypto';

export interface OAuth1Credentials {
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
}

/** The protocol values that change per request; passed in so signing stays pure and testable. */
export interface OAuth1Nonce {
  /** Seconds since the epoch (RFC 5849 §3.3). */
  timestamp: number;
  nonce: string;
}

/** RFC 5849 §3.6: unreserved characters stay, every other UTF-8 byte becomes %XX (upper case). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * RFC 5849 §3.4.1: method, base string URI and the normalized parameters (query, form body and
 * `oauth_*` protocol parameters, without `realm` and `oauth_signature`).
 */
export function signatureBaseString(method: string, url: string, parameters: [string, string][]): string {
  const parsed = new URL(url);
  // URL already lower-cases the host and drops a default port, as §3.4.1.2 asks.
  const baseUri = `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  const all: [string, string][] = [...parsed.searchParams.entries(), ...parameters];
  const normalized = all
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort(([an, av], [bn, bv]) => (an === bn ? compare(av, bv) : compare(an, bn)))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return [method.toUpperCase(), baseUri, normalized].map(percentEncode).join('&');
}

/** Byte order of the encoded strings (all ASCII after encoding), not the locale's. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** RFC 5849 §3.4.2: HMAC-SHA1 keyed by the encoded consumer secret and token secret. */
export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret: string): string {
  const key = `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`;
  return createHmac('sha1', key).update(baseString).digest('base64');
}

/** The `oauth_*` protocol parameters (RFC 5849 §3.1) of one request, before signing. */
export function protocolParameters(credentials: OAuth1Credentials, nonce: OAuth1Nonce): [string, string][] {
  return [
    ['oauth_consumer_key', credentials.consumerKey],
    ['oauth_token', credentials.token],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', String(nonce.timestamp)],
    ['oauth_nonce', nonce.nonce],
    ['oauth_version', '1.0'],
  ];
}

/** A signed `Authorization: OAuth …` header value (RFC 5849 §3.5.1) for a request without a body. */
export function authorizationHeader(
  method: string,
  url: string,
  credentials: OAuth1Credentials,
  nonce: OAuth1Nonce,
  realm?: string,
): string {
  const parameters = protocolParameters(credentials, nonce);
  const signature = hmacSha1Signature(
    signatureBaseString(method, url, parameters),
    credentials.consumerSecret,
    credentials.tokenSecret,
  );
  const fields = [...parameters, ['oauth_signature', signature]].map(
    ([name, value]) => `${percentEncode(name!)}="${percentEncode(value!)}"`,
  );
  return `OAuth ${[...(realm === undefined ? [] : [`realm="${realm}"`]), ...fields].join(', ')}`;
}

/** Splits an `Authorization: OAuth …` value into its parameters; undefined when it is not one. */
export function parseAuthorizationHeader(header: string): Map<string, string> | undefined {
  const match = /^OAuth\s+(.*)$/is.exec(header.trim());
  if (!match) return undefined;
  const parameters = new Map<string, string>();
  for (const part of match[1]!.split(',')) {
    const field = /^\s*([^=\s]+)\s*=\s*"([^"]*)"\s*$/.exec(part);
    if (!field) return undefined;
    try {
      parameters.set(decodeURIComponent(field[1]!), decodeURIComponent(field[2]!));
    } catch {
      return undefined;
    }
  }
  return parameters;
}
