// Builds the workflow bundle ahead of time, so workers start without bundling (npm run build:workflows).
import { writeFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { bundleWorkflowCode, type Logger } from '@temporalio/worker';
import { failureConverterPath } from '../core/temporal/payload-codec.js';

const workflowsEntry = new URL('../workflows/index.ts', import.meta.url).pathname;

const noop = () => undefined;
const quiet: Logger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: noop };

export async function buildWorkflowBundle(outFile: string): Promise<string> {
  const { code } = await bundleWorkflowCode({
    workflowsPath: workflowsEntry,
    failureConverterPath,
    logger: quiet,
  });
  await mkdir(dirname(outFile), { recursive: true });
  await writeFile(outFile, code);
  return outFile;
}
