// Headers every admin answer carries, for the browser console that will read them: no caching, sniffing or framing.
import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

export interface SecurityHeadersOptions {
  /** The admin API terminates TLS itself: browsers are told to come back only over HTTPS (HSTS). */
  tls: boolean;
}

export function securityHeaders(options: SecurityHeadersOptions): MiddlewareHandler {
  const secure = secureHeaders({
    strictTransportSecurity: options.tls ? 'max-age=31536000; includeSubDomains' : false,
    xFrameOptions: 'DENY',
    xContentTypeOptions: 'nosniff',
    referrerPolicy: 'no-referrer',
    contentSecurityPolicy: { frameAncestors: ["'none'"] },
  });
  return async function securityHeadersMiddleware(c, next) {
    await secure(c, async () => {
      await next();
      // Answers hold device data, tokens and secrets: no browser or proxy may keep a copy.
      c.res.headers.set('Cache-Control', 'no-store');
    });
  };
}
