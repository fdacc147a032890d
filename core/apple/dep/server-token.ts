// Reads the server token Apple Business Manager hands out (`*_Token_*.p7m`) into OAuth1 credentials.
// The file is an S/MIME message whose body is CMS EnvelopedData encrypted to the certificate Keep
// generated and the admin uploaded to ABM; inside is text wrapping JSON between MESSAGE markers.
// https://developer.apple.com/documentation/devicemanagement/device-assignment (server tokens)
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { decryptEnvelopedData } from '../../cms/index.js';
import { DepError } from './dep-error.js';
import type { OAuth1Credentials } from './oauth1.js';

export interface ServerToken extends OAuth1Credentials {
  /** After this Apple refuses the token and the admin must download a new one. */
  accessTokenExpiry: Date;
}

/** A token is a few hundred bytes; anything much larger is not one. */
const MAX_TOKEN_BYTES = 64 * 1024;
const MESSAGE = /-----BEGIN MESSAGE-----([\s\S]*?)-----END MESSAGE-----/;

const tokenJson = z.object({
  consumer_key: z.string().min(1),
  consumer_secret: z.string().min(1),
  access_token: z.string().min(1),
  access_secret: z.string().min(1),
  access_token_expiry: z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'not a date'),
});

/** Decrypts and parses a `.p7m` server token with the key pair whose certificate was uploaded to ABM. */
export function parseServerToken(
  p7m: Uint8Array,
  recipient: { certificate: Buffer; key: KeyObject },
): ServerToken {
  if (p7m.length > MAX_TOKEN_BYTES)
    throw new DepError('token-malformed', 'the server token file is too large');
  let text: string;
  try {
    text = decryptEnvelopedData(smimeBody(Buffer.from(p7m).toString('latin1')), recipient).content.toString(
      'utf8',
    );
  } catch (error) {
    if (error instanceof DepError) throw error;
    throw new DepError(
      'token-malformed',
      'the server token could not be decrypted; was it made for this Keep certificate?',
      { cause: error },
    );
  }
  const message = MESSAGE.exec(text);
  if (!message) throw new DepError('token-malformed', 'the decrypted server token holds no MESSAGE block');
  let json: unknown;
  try {
    json = JSON.parse(message[1]!);
  } catch (error) {
    throw new DepError('token-malformed', 'the server token MESSAGE is not JSON', { cause: error });
  }
  const parsed = tokenJson.safeParse(json);
  if (!parsed.success) {
    // Name the field only: the values are the secrets.
    const field = parsed.error.issues[0]?.path.join('.') ?? 'token';
    throw new DepError('token-malformed', `the server token field ${field} is missing or invalid`);
  }
  return {
    consumerKey: parsed.data.consumer_key,
    consumerSecret: parsed.data.consumer_secret,
    token: parsed.data.access_token,
    tokenSecret: parsed.data.access_secret,
    accessTokenExpiry: new Date(parsed.data.access_token_expiry),
  };
}

/**
 * The DER of an S/MIME `application/pkcs7-mime` part (RFC 8551 §3.3): headers, a blank line, then
 * the base64 body. A bare base64 or DER body (what `openssl smime -pk7out` leaves) is accepted too.
 */
function smimeBody(file: string): Buffer {
  if (file.charCodeAt(0) === 0x30) return Buffer.from(file, 'latin1');
  const split = /\r?\n\r?\n/.exec(file);
  const hasHeaders = split !== null && /^[A-Za-z-]+:/.test(file);
  if (hasHeaders) {
    const headers = file.slice(0, split.index);
    if (!/^content-type:\s*application\/(x-)?pkcs7-mime/im.test(headers)) {
      throw new DepError('token-malformed', 'the server token is not an application/pkcs7-mime message');
    }
    if (
      /^content-transfer-encoding:/im.test(headers) &&
      !/^content-transfer-encoding:\s*base64/im.test(headers)
    ) {
      throw new DepError('token-malformed', 'the server token body is not base64');
    }
  }
  const body = (hasHeaders ? file.slice(split.index + split[0].length) : file).replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+=*$/.test(body))
    throw new DepError('token-malformed', 'the server token body is not base64');
  return Buffer.from(body, 'base64');
}
