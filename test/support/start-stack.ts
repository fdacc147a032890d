// Starts the stack the tests and benchmarks share: embedded Postgres, the Temporal dev server, the workflow bundle and both plane roles.
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { provisionRoles, type PlaneRoles } from '../../runtime/db/provision.js';
import { buildWorkflowBundle } from '../../cli/build-workflows.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { startEmbeddedPostgres } from '../../deploy/dev-stack/postgres.js';
import { startTemporalDevServer } from '../../deploy/dev-stack/temporal.js';
import type { KeepTestStack } from './stack.js';

export interface RunningKeepTestStack {
  stack: KeepTestStack;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startKeepTestStack(): Promise<RunningKeepTestStack> {
  const dir = await mkdtemp(`${tmpdir()}/keep-test-`);
  await chmod(dir, 0o711);
  const password = randomBytes(18).toString('base64url');
  const [postgres, temporal, workflowBundle] = await Promise.all([
    freePort().then((port) => startEmbeddedPostgres({ dataDir: `${dir}/postgres`, port, password })),
    startTemporalDevServer(),
    buildWorkflowBundle(`${dir}/workflow-bundle.js`),
  ]);
  const roles: PlaneRoles = {
    edge: { name: 'keep_edge', password: randomBytes(18).toString('base64url') },
    core: { name: 'keep_core', password: randomBytes(18).toString('base64url') },
  };
  await provisionRoles(postgres.url, roles);
  return {
    stack: {
      postgresUrl: postgres.url,
      roles,
      temporalAddress: temporal.address,
      temporalNamespace: temporal.namespace,
      workflowBundle,
      payloadKeys: KeyRing.generateSpec('test-1'),
    },
    async stop() {
      await temporal.stop();
      await postgres.stop();
      await rm(dir, { recursive: true, force: true });
      await rm(postgres.dataDir, { recursive: true, force: true });
    },
  };
}
