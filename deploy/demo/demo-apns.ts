// The demo's stand-in for Apple: a local fake APNs and a throw-away push certificate it accepts. Imported only by
// the dev stack when the demo is on (`npm start -- --demo N`); production processes never load test code.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createFakeApns, type FakeApns } from '../../test/fakes/apns/fake-apns.js';
import { createTestPushCertificate, type TestPushCertificate } from '../../test/support/push-cert.js';
import { createTestCa } from '../../test/support/test-ca.js';

export interface DemoApns {
  /** Where the edge sends pushes (KEEP_EDGE_APNS_URL). */
  url: string;
  /** The fake's server CA, written for the edge (KEEP_EDGE_APNS_CA_FILE). */
  caFile: string;
  /** The simulated devices listen here for their pushes. */
  fake: FakeApns;
  /** The provider certificate the demo imports through the admin API. */
  pushCertificate: TestPushCertificate;
  close(): Promise<void>;
}

/**
 * `stateDir` keeps the push topic between starts: the fake and its CA are new each time, but the certificate keeps
 * the topic the enrolled devices hold, or the admin API would refuse it (`topic-changed`), as it would a real one.
 */
export async function startDemoApns(stateDir: string): Promise<DemoApns> {
  const topicFile = `${stateDir}/push-topic`;
  if (!existsSync(topicFile)) writeFileSync(topicFile, `com.apple.mgmt.External.${randomUUID()}\n`);
  const topic = readFileSync(topicFile, 'utf8').trim();
  const caFile = `${stateDir}/fake-apns-ca.pem`;
  const pushCa = createTestCa('Keep Demo Push CA');
  const fake = createFakeApns({ clientCaPem: pushCa.certPem });
  const running = await fake.start();
  writeFileSync(caFile, running.caPem, { mode: 0o600 });
  return {
    url: running.url,
    caFile,
    fake,
    pushCertificate: createTestPushCertificate({ ca: pushCa, topic }),
    close: () => running.close(),
  };
}
