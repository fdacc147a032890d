// Starts the shared stack and both planes in this process, for benchmarks.
import { startKeepTestStack } from '../support/start-stack.js';
import { startTestPlanes, type TestPlanes, type TestPlanesOptions } from '../support/planes.js';
import '../support/quiet-temporal.js';

export interface BenchPlanes {
  planes: TestPlanes;
  close(): Promise<void>;
}

export async function startBenchPlanes(options: TestPlanesOptions = {}): Promise<BenchPlanes> {
  const running = await startKeepTestStack();
  try {
    const planes = await startTestPlanes(options, running.stack);
    return {
      planes,
      async close() {
        await planes.close();
        await running.stop();
      },
    };
  } catch (error) {
    await running.stop();
    throw error;
  }
}
