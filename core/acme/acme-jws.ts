// The JWS every ACME POST carries (RFC 8555 §6.2): flattened JSON, ES256 or ES384, a protected header with the
// request's exact URL and a nonce, and either the account key itself (`jwk`, newAccount only) or its URL (`kid`).
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import {
  calculateJwkThumbprint,
  decodeProtectedHeader,
  flattenedVerify,
  type FlattenedJWSInput,
  type JWK,
} from 'jose';
import { AcmeProblem } from './acme-problem.js';

/** The account keys Apple's ACME client uses (P-256, P-384); RSA and EdDSA accounts are not served. */
export const ACME_JWS_ALGORITHMS = ['ES256', 'ES384'] as const;

export interface AcmeJwsHeader {
  alg: (typeof ACME_JWS_ALGORITHMS)[number];
  nonce: string;
  url: string;
  /** Exactly one of the two. */
  jwk?: JWK;
  kid?: string;
}

export interface VerifiedAcmeJws {
  header: AcmeJwsHeader;
  /** The parsed payload; `undefined` for POST-as-GET (an empty payload). */
  payload: unknown;
  /** The account key's RFC 7638 thumbprint: an account's identity. */
  thumbprint: string;
  jwk: JWK;
}

function parseBody(body: string): FlattenedJWSInput {
  let jws: unknown;
  try {
    jws = JSON.parse(body);
  } catch (error) {
    throw new AcmeProblem('malformed', 'the request body is not JSON', { cause: error });
  }
  const { protected: header, payload, signature } = (jws ?? {}) as Record<string, unknown>;
  if (typeof header !== 'string' || typeof payload !== 'string' || typeof signature !== 'string')
    throw new AcmeProblem('malformed', 'expected a flattened JWS with protected, payload and signature');
  return { protected: header, payload, signature };
}

function readHeader(jws: FlattenedJWSInput): AcmeJwsHeader {
  let header: Record<string, unknown>;
  try {
    header = decodeProtectedHeader(jws);
  } catch (error) {
    throw new AcmeProblem('malformed', 'the JWS protected header does not parse', { cause: error });
  }
  const { alg, nonce, url, jwk, kid } = header;
  if (!ACME_JWS_ALGORITHMS.includes(alg as AcmeJwsHeader['alg']))
    throw new AcmeProblem('badSignatureAlgorithm', `alg must be one of ${ACME_JWS_ALGORITHMS.join(', ')}`);
  if (typeof url !== 'string') throw new AcmeProblem('malformed', 'the protected header needs a url');
  if (typeof nonce !== 'string' || !nonce)
    throw new AcmeProblem('badNonce', 'the protected header needs a nonce');
  if ((jwk === undefined) === (kid === undefined))
    throw new AcmeProblem('malformed', 'the protected header needs exactly one of jwk and kid');
  if (kid !== undefined && typeof kid !== 'string') throw new AcmeProblem('malformed', 'kid must be a URL');
  if (jwk !== undefined && (typeof jwk !== 'object' || jwk === null))
    throw new AcmeProblem('malformed', 'jwk must be a JSON Web Key');
  return header as unknown as AcmeJwsHeader;
}

export interface JwsExpectations {
  /** The URL the request reached, as the server names it. */
  url: string;
  /** newAccount: the key comes in `jwk`; every other request names its account by `kid`. */
  keyBy: 'jwk' | 'kid';
  /** The key of the account a `kid` names (undefined: no such account). */
  accountKey: (kid: string) => Promise<JWK | undefined>;
}

/** Verifies the signature and the header rules; the caller consumes the nonce. */
export async function verifyAcmeJws(body: string, expect: JwsExpectations): Promise<VerifiedAcmeJws> {
  const jws = parseBody(body);
  const header = readHeader(jws);
  if (header.url !== expect.url)
    throw new AcmeProblem('unauthorized', 'the JWS url is not the URL this request was sent to');
  if (expect.keyBy === 'jwk' && !header.jwk)
    throw new AcmeProblem('malformed', 'newAccount must carry the account key as jwk');
  if (expect.keyBy === 'kid' && !header.kid)
    throw new AcmeProblem('malformed', 'this request must name its account by kid');
  const jwk = header.jwk ?? (await expect.accountKey(header.kid!));
  if (!jwk) throw new AcmeProblem('accountDoesNotExist', 'no account has this kid');
  let key;
  try {
    key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
  } catch (error) {
    throw new AcmeProblem('malformed', 'jwk is not a usable public key', { cause: error });
  }
  if (key.type !== 'public') throw new AcmeProblem('malformed', 'jwk must be a public key');
  let payloadBytes: Uint8Array;
  try {
    ({ payload: payloadBytes } = await flattenedVerify(jws, key, { algorithms: [...ACME_JWS_ALGORITHMS] }));
  } catch (error) {
    throw new AcmeProblem('malformed', 'the JWS signature does not verify', { cause: error });
  }
  let payload: unknown;
  if (payloadBytes.length) {
    try {
      payload = JSON.parse(Buffer.from(payloadBytes).toString('utf8'));
    } catch (error) {
      throw new AcmeProblem('malformed', 'the JWS payload is not JSON', { cause: error });
    }
  }
  const publicJwk = key.export({ format: 'jwk' }) as JWK;
  return { header, payload, jwk: publicJwk, thumbprint: await calculateJwkThumbprint(publicJwk) };
}
