// Authenticates a device request: the Mdm-Signature header (detached CMS over the body), or a client
// certificate from mTLS or from a trusted proxy (RFC 9440 Client-Cert), chained to Keep's CA, not revoked,
// and of Keep's device-identity profile, which names the enrollment the certificate speaks for.
import type { TLSSocket } from 'node:tls';
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import {
  CmsError,
  defaultCertificateCache,
  verifySignedData,
  type CachedCertificate,
  type TrustStore,
} from '../../core/cms/index.js';
import {
  readDeviceIdentityProfile,
  type DeviceIdentityProfile,
} from '../../core/pki/device-identity-profile.js';
import { DeviceRefusal, fingerprintPrefix } from '../errors.js';

export interface DeviceIdentity {
  certificate: CachedCertificate;
  /** The enrollment the certificate was issued for, from its SAN (Keep's CA signed it, so it is not forged). */
  enrollmentId: string;
  /** The exact request body the signature covered. */
  body: Buffer;
}

export interface DeviceIdentityOptions {
  /** Keep's CA chain; a function so a CA rotation is picked up without a restart. */
  trust: () => TrustStore | undefined;
  isRevoked: (fingerprint: string) => boolean;
  /** Remote addresses allowed to vouch for a client certificate with the Client-Cert header. */
  trustedProxies?: readonly string[];
  maxBodyBytes?: number;
}

export type DeviceIdentityEnv = { Variables: { device: DeviceIdentity } };

const MAX_SIGNATURE_CHARS = 16 * 1024;

function remoteAddress(c: Context): string | undefined {
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress;
}

function tlsPeerCertificate(c: Context): Buffer | undefined {
  const socket = (c.env as { incoming?: { socket?: TLSSocket } } | undefined)?.incoming?.socket;
  if (!socket || typeof socket.getPeerCertificate !== 'function') return undefined;
  const peer = socket.getPeerCertificate();
  return peer && peer.raw ? peer.raw : undefined;
}

/** RFC 9440 §2: the DER certificate as a structured-field byte sequence, `:base64:`. */
function clientCertHeader(value: string): Buffer {
  const match = /^:([A-Za-z0-9+/]+={0,2}):$/.exec(value.trim());
  if (!match)
    throw new HTTPException(400, { message: 'Client-Cert header is not an RFC 9440 byte sequence' });
  return Buffer.from(match[1]!, 'base64');
}

function decodeSignatureHeader(value: string): Buffer {
  if (value.length > MAX_SIGNATURE_CHARS)
    throw new HTTPException(400, { message: 'Mdm-Signature header too large' });
  const compact = value.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact) || compact.length % 4 === 1) {
    throw new HTTPException(400, { message: 'Mdm-Signature header is not base64' });
  }
  return Buffer.from(compact, 'base64');
}

/** Parsed once per certificate: the certificate cache hands back the same object for the same DER. */
const profiles = new WeakMap<CachedCertificate, DeviceIdentityProfile>();

function profileOf(certificate: CachedCertificate): DeviceIdentityProfile {
  let profile = profiles.get(certificate);
  if (!profile) {
    profile = readDeviceIdentityProfile(certificate.der, certificate.x509);
    profiles.set(certificate, profile);
  }
  return profile;
}

export function deviceIdentity(options: DeviceIdentityOptions): MiddlewareHandler<DeviceIdentityEnv> {
  return async function authenticateDevice(c, next) {
    const body = Buffer.from(await c.req.arrayBuffer());
    if (body.length > (options.maxBodyBytes ?? 1024 * 1024)) {
      throw new HTTPException(413, { message: 'request body too large' });
    }
    const trust = options.trust();
    if (!trust) throw new HTTPException(503, { message: 'the edge has no CA chain yet' });
    let certificate: CachedCertificate;
    let intermediates: readonly Buffer[] = [];
    const signature = c.req.header('Mdm-Signature');
    const proxied = c.req.header('Client-Cert');
    try {
      if (signature) {
        const verified = verifySignedData(decodeSignatureHeader(signature), {
          detachedContent: body,
          maxBytes: 64 * 1024,
        });
        certificate = verified.signer.certificate;
        intermediates = verified.certificates;
      } else if (proxied && options.trustedProxies?.includes(remoteAddress(c) ?? '')) {
        certificate = defaultCertificateCache.get(clientCertHeader(proxied));
      } else {
        const peer = tlsPeerCertificate(c);
        if (!peer)
          throw new DeviceRefusal(
            401,
            'no-signature',
            undefined,
            'no Mdm-Signature and no client certificate',
          );
        certificate = defaultCertificateCache.get(peer);
      }
      trust.verify(certificate, intermediates);
    } catch (err) {
      if (err instanceof HTTPException) throw err;
      if (err instanceof CmsError) {
        const status = err.code === 'untrusted' || err.code === 'bad-signature' ? 403 : 400;
        throw new DeviceRefusal(status, err.code, undefined, `device signature rejected: ${err.message}`, {
          cause: err,
        });
      }
      throw new DeviceRefusal(400, 'unreadable-certificate', undefined, 'device certificate is unreadable', {
        cause: err,
      });
    }
    const subject = fingerprintPrefix(certificate.sha256);
    if (options.isRevoked(certificate.sha256)) {
      throw new DeviceRefusal(403, 'revoked', subject, 'device certificate is revoked');
    }
    const profile = profileOf(certificate);
    if (!profile.ok) {
      throw new DeviceRefusal(
        403,
        `wrong-profile:${profile.reason}`,
        subject,
        'not a device identity certificate',
      );
    }
    c.set('device', { certificate, enrollmentId: profile.enrollmentId, body });
    await next();
  };
}
