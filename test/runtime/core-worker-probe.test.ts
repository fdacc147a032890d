// The readiness probe that shows a dead core: up while a core worker polls the core task queue, down (naming the
// queue) when none does or the only one stopped.
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { coreWorkerProbe, NoCoreWorkerError } from '../../runtime/core-worker-probe.js';
import { useTestPlanes } from '../support/test-context.js';

describe('the core worker probe', () => {
  const planes = useTestPlanes({ relay: false });

  it('counts a core worker that polls the core task queue as up', async () => {
    await expect(
      coreWorkerProbe(planes.temporal, planes.coreConfig.core.taskQueue)(),
    ).resolves.toBeUndefined();
  });

  it('reports no core worker, naming the task queue, when none polls it', async () => {
    const probe = coreWorkerProbe(planes.temporal, 'core-nobody-polls');
    await expect(probe()).rejects.toThrow(NoCoreWorkerError);
    await expect(probe()).rejects.toThrow(/core-nobody-polls/);
  });

  it('reports the core worker down once the only one stopped polling', async () => {
    const taskQueue = planes.coreConfig.core.taskQueue;
    await planes.coreWorker.close();
    await sleep(50);
    // Temporal remembers a gone poller for minutes: only how long ago it polled tells.
    await expect(coreWorkerProbe(planes.temporal, taskQueue, { staleMs: 20 })()).rejects.toThrow(
      NoCoreWorkerError,
    );
  });
});
