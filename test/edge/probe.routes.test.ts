import { beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { useTestPlanes } from '../support/test-context.js';

describe('the plane check (edge → core workflow → edge and core activities)', () => {
  const planes = useTestPlanes();
  let app: Hono;

  beforeAll(async () => {
    app = planes.edgeApp;
  });

  it('signals a core workflow whose activities stamp both schemas, and answers with both stamps', async () => {
    const res = await app.request('/v1/probe', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ marker: 'slice-1' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      workflowId: string;
      marker: string;
      edgeStampedAt: string;
      coreStampedAt: string;
    };
    expect(body.marker).toBe('slice-1');
    expect(body.workflowId).toMatch(/^plane-check-[0-9a-f-]{36}$/);
    const edgeRow = await planes.database.edge.db
      .selectFrom('plane_checks')
      .selectAll()
      .where('workflow_id', '=', body.workflowId)
      .executeTakeFirstOrThrow();
    const coreRow = await planes.database.core.db
      .selectFrom('plane_checks')
      .selectAll()
      .where('workflow_id', '=', body.workflowId)
      .executeTakeFirstOrThrow();
    expect(edgeRow.checked_at.toISOString()).toBe(body.edgeStampedAt);
    expect(coreRow.checked_at.toISOString()).toBe(body.coreStampedAt);
  });

  it('answers 400 with a reason when the body is not the expected JSON, and starts nothing', async () => {
    const before = await planes.database.core.db
      .selectFrom('plane_checks')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    for (const body of ['not json', '{}', JSON.stringify({ marker: 'x'.repeat(201) })]) {
      const res = await app.request('/v1/probe', {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
      expect(res.status).toBe(400);
      expect(await res.text()).toMatch(/marker/);
    }
    const after = await planes.database.core.db
      .selectFrom('plane_checks')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
  });

  it('refuses a body over the size limit with 413', async () => {
    const res = await app.request('/v1/probe', { method: 'POST', body: 'x'.repeat(1024 * 1024 + 1) });
    expect(res.status).toBe(413);
  });
});
