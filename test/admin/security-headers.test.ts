import { beforeAll, describe, expect, it } from 'vitest';
import { call, testAdminApp, tokenFor } from './support.js';
import { useTestDatabase } from '../support/test-context.js';

describe('security headers on every admin answer', () => {
  const database = useTestDatabase();
  let helpdesk: string;

  beforeAll(async () => {
    helpdesk = await tokenFor(database.core.db, 'helpdesk');
  });

  it('forbids caching, sniffing, referrers, framing and inline or foreign content on answers of every kind, and sends no HSTS over plain HTTP', async () => {
    const app = testAdminApp({ db: database.core.db });
    const answers = [
      await call(app, 'GET', '/healthz'),
      await call(app, 'GET', '/openapi.json'),
      await call(app, 'GET', '/v1/devices', { token: helpdesk }),
      await call(app, 'GET', '/v1/devices?limit=0', { token: helpdesk }),
      await call(app, 'GET', '/v1/devices'),
      await call(app, 'GET', '/v1/audit', { token: helpdesk }),
      await call(app, 'GET', '/nowhere'),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 400, 401, 403, 404]);
    for (const res of answers) {
      expect(res.headers.get('cache-control'), res.url).toBe('no-store');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      const csp = res.headers.get('content-security-policy');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("default-src 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('sends HSTS when the admin API serves TLS itself', async () => {
    const app = testAdminApp({ db: database.core.db, tls: true });
    const res = await call(app, 'GET', '/healthz');
    expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/);
  });
});
