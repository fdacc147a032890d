import { describe, expect, it } from 'vitest';
import { checkHealth } from '../../../core/health/health-report.js';

describe('checkHealth', () => {
  it('is 200 when every probe answers', async () => {
    const report = await checkHealth({ postgres: async () => 1, temporal: async () => 1 });
    expect(report.status).toBe(200);
    expect(report.body).toEqual({ status: 'ok', checks: { postgres: 'up', temporal: 'up' }, down: [] });
  });

  it('is 503 naming what is down, whether it fails or hangs', async () => {
    const report = await checkHealth(
      { postgres: () => Promise.reject(new Error('refused')), temporal: () => new Promise(() => undefined) },
      50,
    );
    expect(report.status).toBe(503);
    expect(report.body.down).toEqual(['postgres', 'temporal']);
  });
});
