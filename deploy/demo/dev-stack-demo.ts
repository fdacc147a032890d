// The demo as the dev stack runs it: a fake APNs the edge pushes to, then (once the admin API answers) a push
// certificate imported through the admin API and the fleet enrolling in the background.
import { mkdirSync } from 'node:fs';
import { createLogger } from '../../core/log/logger.js';
import { startDemoApns } from './demo-apns.js';
import { startDemoFleet, type DemoFleet, type DemoFleetOptions } from './demo-fleet.js';

export interface DevStackDemo {
  /** What the edge process needs to push to the fake APNs. */
  edgeEnv: Record<string, string>;
  enrolFleet(
    options: Pick<DemoFleetOptions, 'count' | 'adminUrl' | 'adminToken' | 'edgeCaPem'>,
  ): Promise<void>;
  stop(): Promise<void>;
}

export async function startDevStackDemo(stateDir: string): Promise<DevStackDemo> {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const apns = await startDemoApns(stateDir);
  const log = createLogger('keep-demo', 'info');
  let fleet: DemoFleet | undefined;
  return {
    edgeEnv: { KEEP_EDGE_APNS_URL: apns.url, KEEP_EDGE_APNS_CA_FILE: apns.caFile },
    async enrolFleet(options) {
      // Each start has a fresh fake APNs, so a fresh push certificate for the same topic.
      const res = await fetch(new URL('/v1/push-certificate', options.adminUrl), {
        method: 'POST',
        headers: { authorization: `Bearer ${options.adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          certPem: apns.pushCertificate.certPem,
          keyPem: apns.pushCertificate.keyPem,
        }),
      });
      if (res.status !== 202) throw new Error(`demo push certificate: ${res.status} ${await res.text()}`);
      fleet = startDemoFleet({ ...options, pushSource: apns.fake, log });
      // Enrolment goes on in the background; its report is logged by the fleet.
      fleet.enrolled.catch((error: unknown) => log.error({ err: error }, 'demo fleet failed'));
    },
    async stop() {
      fleet?.stop();
      await apns.close();
    },
  };
}
