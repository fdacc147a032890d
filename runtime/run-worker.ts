// Runs a Temporal worker and stops it in order: drain the worker, then close its connection.
import type { NativeConnection, Worker } from '@temporalio/worker';

export interface RunningWorker {
  worker: Worker;
  done: Promise<void>;
  close: () => Promise<void>;
}

export function runWorker(
  worker: Worker,
  connection: NativeConnection,
  afterClose?: () => Promise<void>,
): RunningWorker {
  const done = worker.run();
  let closing: Promise<void> | undefined;
  return {
    worker,
    done,
    // Once: a test that stops a worker early (to starve the core) leaves the planes' close to call it again.
    close() {
      closing ??= (async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await done.catch(() => undefined);
        await connection.close();
        await afterClose?.();
      })();
      return closing;
    },
  };
}
