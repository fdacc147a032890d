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
  return {
    worker,
    done,
    async close() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await done.catch(() => undefined);
      await connection.close();
      await afterClose?.();
    },
  };
}
