// Starts Postgres and the Temporal dev server once per test run, with the same code as the dev stack.
import type { TestProject } from 'vitest/node';
import { startKeepTestStack } from './start-stack.js';
import './stack.js';

export { freePort } from './start-stack.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const running = await startKeepTestStack();
  project.provide('keepStack', running.stack);
  return () => running.stop();
}
