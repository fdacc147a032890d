// The real planes with a directory (slapd, users with passwords) and the edge served over TLS that asks for
// client certificates, as simulated Windows PCs need them.
import { serveEdgeApp } from '../../../edge/serve-edge.js';
import { addUser, settingsFor } from '../../support/directory-seed.js';
import { startTestPlanes, type TestPlanes } from '../../support/planes.js';
import type { KeepTestStack } from '../../support/stack.js';
import { servedOnLoopback, type ServedEdge } from '../../support/served-edge.js';
import { startSlapd, type Slapd, type SlapdOptions } from '../../support/slapd.js';
import { createTestCa, issueLoopbackServerCertificate, type TestCa } from '../../support/test-ca.js';

export const PASSWORD = 'c0rrect horse & battery';

export interface WindowsEnvironment {
  slapd: Slapd;
  planes: TestPlanes;
  served: ServedEdge;
  /** The CA of the edge's TLS certificate, for the PCs to trust. */
  tlsCa: TestCa;
  close(): Promise<void>;
}

/** `users` get PASSWORD; `edgeEnv` adds `KEEP_EDGE_*` settings (WNS), `coreEnv` `KEEP_CORE_*` ones (sign-in). */
export async function startWindowsEnvironment(options: {
  users: string[];
  edgeEnv?: Record<string, string>;
  coreEnv?: Record<string, string>;
  /** Where the edge listens (default any free port): a test that registers its URL elsewhere first picks it. */
  port?: number;
  /** The directory's schema (AD-like, for BitLocker recovery information) and extra `directory.*` settings. */
  slapd?: SlapdOptions;
  directory?: Record<string, unknown>;
  /** The Postgres and Temporal to use (default the test run's; a benchmark starts its own). */
  stack?: KeepTestStack;
}): Promise<WindowsEnvironment> {
  const slapd = await startSlapd(options.slapd);
  for (const uid of options.users)
    await addUser(slapd, { uid, mail: `${uid}@keep.test`, password: PASSWORD });
  const planes = await startTestPlanes(
    {
      directory: settingsFor(slapd, options.directory),
      ...(options.edgeEnv ? { edgeEnv: options.edgeEnv } : {}),
      ...(options.coreEnv ? { coreEnv: options.coreEnv } : {}),
    },
    ...(options.stack ? [options.stack] : []),
  );
  const tlsCa = createTestCa('Windows edge TLS CA');
  const tls = issueLoopbackServerCertificate(tlsCa);
  const server = await serveEdgeApp(planes.edgeApp, {
    host: '127.0.0.1',
    port: options.port ?? 0,
    limits: planes.edgeConfig.edge,
    tls: { cert: tls.certPem, key: tls.keyPem, requestCert: true },
  });
  const served = servedOnLoopback(server, true);
  return {
    slapd,
    planes,
    served,
    tlsCa,
    async close() {
      await served.close();
      await planes.close();
      await slapd.close();
    },
  };
}
