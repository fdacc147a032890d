// The ACME server's limit per client address through the real edge: a flood of new-nonce requests is answered
// 429 rateLimited with Retry-After, costs no more nonce rows, and the address's other ACME requests wait too.
import { describe, expect, it } from 'vitest';
import { useTestPlanes } from '../../support/test-context.js';

describe('ACME rate limit', () => {
  // app.request() has no socket: its peer is 'unknown', trusted here as a proxy would be.
  const planes = useTestPlanes({ edgeEnv: { KEEP_EDGE_TRUSTED_PROXIES: 'unknown' } });
  const nonceRows = async () =>
    Number(
      (
        await planes.database.edge.db
          .selectFrom('acme_nonces')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('answers a new-nonce flood from one address with 429 rateLimited and Retry-After, storing no more nonces', async () => {
    let allowed = 0;
    let refused: Response | undefined;
    for (let i = 0; i < 400 && !refused; i++) {
      const res = await planes.edgeApp.request('/acme/new-nonce', { method: 'HEAD' });
      if (res.status === 429) refused = res;
      else allowed++;
    }
    expect(allowed).toBe(300);
    expect(refused!.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused!.headers.get('replay-nonce')).toBeNull();
    const rows = await nonceRows();
    const again = await planes.edgeApp.request('/acme/new-nonce');
    expect(again.status).toBe(429);
    expect(await again.json()).toMatchObject({ type: 'urn:ietf:params:acme:error:rateLimited', status: 429 });
    expect(await nonceRows()).toBe(rows);

    const account = await planes.edgeApp.request('/acme/new-account', {
      method: 'POST',
      headers: { 'content-type': 'application/jose+json' },
      body: '{}',
    });
    expect(account.status).toBe(429);
  });

  it("counts the client a trusted proxy names in X-Forwarded-For, not the proxy's own address", async () => {
    expect((await planes.edgeApp.request('/acme/new-nonce', { method: 'HEAD' })).status).toBe(429);
    const forwarded = await planes.edgeApp.request('/acme/new-nonce', {
      method: 'HEAD',
      headers: { 'x-forwarded-for': '192.0.2.1, 198.51.100.7' },
    });
    expect(forwarded.status).toBe(200);
    expect(forwarded.headers.get('replay-nonce')).toBeTruthy();
  });
});
