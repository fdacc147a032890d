// Headers every admin answer carries, for the browser console that reads them: a strict Content-Security-Policy
// (scripts, styles and connections from this origin only, nothing inline), no caching, sniffing or framing.
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
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'"],
      connectSrc: ["'self'"],
      manifestSrc: ["'self'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  });
  return async function securityHeadersMiddleware(c, next) {
    await secure(c, async () => {
      await next();
      // Answers hold device data, tokens and secrets: no browser or proxy may keep a copy. Only the console's
      // static files (admin/console/console-assets.ts) say otherwise, and they hold none.
      if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
    });
  };
}
