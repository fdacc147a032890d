// Each device route caps its body before anything reads it: check-ins small, command results large, SCEP 64 KiB.
import { describe, expect, it } from 'vitest';
import { useTestPlanes } from '../support/test-context.js';

describe('edge body limits', () => {
  const planes = useTestPlanes({
    edgeEnv: { KEEP_EDGE_MAX_CHECKIN_BODY_BYTES: '2048', KEEP_EDGE_MAX_BODY_BYTES: '131072' },
  });

  const put = (path: string, bytes: number) =>
    planes.edgeApp.request(path, { method: 'PUT', body: new Uint8Array(bytes).fill(0x41) });

  it('refuses a check-in body over edge.maxCheckinBodyBytes with 413', async () => {
    expect((await put('/mdm/checkin', 4096)).status).toBe(413);
    expect((await put('/mdm/checkin', 1024)).status).not.toBe(413);
  });

  it('lets command results up to edge.maxBodyBytes through to authentication, and no further', async () => {
    expect((await put('/mdm/connect', 4096)).status).not.toBe(413);
    expect((await put('/mdm/connect', 140_000)).status).toBe(413);
  });

  it('refuses a SCEP message over 64 KiB while it streams, with or without Content-Length', async () => {
    const big = new Uint8Array(70 * 1024);
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 70; i++) controller.enqueue(big.subarray(i * 1024, (i + 1) * 1024));
        controller.close();
      },
    });
    const url = '/scep?operation=PKIOperation';
    expect((await planes.edgeApp.request(url, { method: 'POST', body: big })).status).toBe(413);
    const chunked = await planes.edgeApp.request(url, { method: 'POST', body: streamed, duplex: 'half' });
    expect(chunked.status).toBe(413);
  });
});
