// SCEP throughput: PKCSReq end to end (edge over loopback HTTP → Temporal → core CA), and the edge's own decode/verify rates.
import { X509Certificate, createPrivateKey, generateKeyPair, randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { sql, type Kysely } from 'kysely';
import type { CoreDatabase } from '../../core/db/core-database.js';
import { createPkiActivities } from '../../activities/pki/pki.activities.js';
import { TrustStore, verifySignedData } from '../../core/cms/index.js';
import { KeyRing } from '../../core/crypto/key-ring.js';
import { loadOrCreateCa } from '../../activities/pki/ca-operations.js';
import { issueCertificate as issueWithCa } from '../../core/pki/issue-certificate.js';
import { generateSerialNumber } from '../../core/pki/serial-number.js';
import {
  buildCertRep,
  buildPkiMessage,
  parsePkiMessage,
  transactionIdFor,
  type ScepRequest,
} from '../../core/scep/index.js';
import { createHttpAgents, destroyHttpAgents, fetchOver } from '../sim/apple/mdm-http.js';
import { MdmSigner } from '../sim/apple/mdm-signature.js';
import { ScepClient } from '../sim/scep/scep-client.js';
import { buildCertificate, buildCsr } from '../sim/scep/x509-builder.js';
import { createTestCa, issueCertificate } from '../support/test-ca.js';
import { serveEdge } from '../support/served-edge.js';
import { startBenchPlanes } from './bench-planes.js';
import { intParam, metric, type BenchParams, type BenchResult, type Metric } from './benchmark.js';
import { runLoad, timeSync, type LoadReport } from './load-loop.js';
import { workflowCostCounter, workPerOperation } from './workflow-cost.js';

const generateRsa = promisify(generateKeyPair);

/** Transactions of this database so far; the statistics reach the view within a second, hence the wait. */
async function databaseTransactions(db: Kysely<CoreDatabase>): Promise<number> {
  await sleep(1_500);
  const { rows } = await sql<{ total: string }>`
    select xact_commit + xact_rollback as total from pg_stat_database where datname = current_database()`.execute(
    db,
  );
  return Number(rows[0]!.total);
}
const newKey = () => generateRsa('rsa', { modulusLength: 2048 });

function rateMetrics(prefix: string, report: LoadReport, unit: string): Record<string, Metric> {
  return {
    [`${prefix}_per_s`]: metric(report.perSecond, unit),
    [`${prefix}_p50`]: metric(report.latencyMs.p50, 'ms'),
    [`${prefix}_p99`]: metric(report.latencyMs.p99, 'ms'),
  };
}

export default async function run(raw: BenchParams): Promise<BenchResult> {
  const params = {
    enrolments: intParam(raw, 'enrolments', 200, 5_000),
    concurrency: intParam(raw, 'concurrency', 8, 64),
    maxSeconds: intParam(raw, 'maxSeconds', 120, 600),
    parses: intParam(raw, 'parses', 500, 20_000),
    verifies: intParam(raw, 'verifies', 5_000, 200_000),
  };
  // Every simulated device connects from 127.0.0.1: the per-peer SCEP limit must admit the whole load.
  const limit = String(params.concurrency);
  const bench = await startBenchPlanes({
    edgeEnv: { KEEP_EDGE_SCEP_MAX_CONCURRENT_PER_PEER: limit, KEEP_EDGE_SCEP_MAX_CONCURRENT: limit },
  });
  const { planes } = bench;
  const edge = await serveEdge(planes);
  const agents = createHttpAgents({ maxSockets: params.concurrency });
  try {
    const pki = createPkiActivities({
      db: planes.database.core.db,
      keyRing: KeyRing.parse(planes.coreConfig.core.secretKeys),
      pki: planes.coreConfig.core,
    });
    // Device keys and challenges are made before the clock starts: a device brings its own key, and
    // the challenge is issued at enrolment-profile time, not during SCEP.
    const jobs = await Promise.all(
      Array.from({ length: params.enrolments }, async () => {
        const enrollmentId = randomUUID();
        const { challenge } = await pki.createScepChallenge({
          purpose: 'device-identity',
          boundTo: { kind: 'enrollment', id: enrollmentId },
        });
        return { enrollmentId, challenge, keyPair: await newKey() };
      }),
    );
    const fetch = fetchOver(agents);
    const cost = workflowCostCounter(planes.temporal);
    const workBefore = await cost.count();
    const transactionsBefore = await databaseTransactions(planes.database.core.db);
    const enrol = await runLoad(
      { count: params.enrolments, concurrency: params.concurrency, maxMs: params.maxSeconds * 1000 },
      async (i) => {
        const job = jobs[i]!;
        const client = new ScepClient({
          url: `${edge.baseUrl}/scep/${job.enrollmentId}`,
          fetch,
          pollIntervalMs: 100,
          maxPolls: 100,
        });
        await client.enroll({
          subject: [{ name: 'commonName', value: `bench device ${i}` }],
          challengePassword: job.challenge,
          keyPair: job.keyPair,
        });
      },
    );
    if (enrol.errors.length) console.error('enrolment failures:', enrol.errors);
    const perCertificate = workPerOperation(workBefore, await cost.settled(10_000), enrol.ok);
    const transactions = (await databaseTransactions(planes.database.core.db)) - transactionsBefore;

    // (b) The edge alone: decrypt and verify PKCSReq messages built ahead of time for the live RA.
    const ra = planes.ra.credentials();
    if (!ra) throw new Error('the edge has no RA yet');
    const messages = await Promise.all(
      Array.from({ length: Math.min(params.parses, 200) }, async (_, i) => {
        const keys = await newKey();
        const subject = [{ name: 'commonName', value: `parse ${i}` }];
        const signer = buildCertificate({ publicKey: keys.publicKey, selfSignKey: keys.privateKey, subject });
        return buildPkiMessage({
          type: 'PKCSReq',
          messageData: buildCsr({ ...keys, subject, challengePassword: randomBytes(16).toString('hex') }),
          transactionId: transactionIdFor(keys.publicKey),
          signerCertificate: signer,
          signerKey: keys.privateKey,
          recipientCertificate: ra.certificate,
          cipher: 'aes-128-cbc',
          digest: 'sha256',
        }).der;
      }),
    );
    const parse = timeSync(params.parses, (i) => {
      parsePkiMessage(messages[i % messages.length]!, { ra });
    });

    // (c) The rest of one certificate's server-side CPU, stage by stage: the core's CA signing (the live
    // issuing key, signed natively) and the edge's CertRep (envelope to the device, RA signature).
    const keyRing = KeyRing.parse(planes.coreConfig.core.secretKeys);
    const { issuing } = await loadOrCreateCa(planes.database.core.db, keyRing, {
      organization: planes.coreConfig.core.organization,
    });
    const requests = messages.map(
      (der) => parsePkiMessage(der, { ra }) as Extract<ScepRequest, { csr: unknown }>,
    );
    const issued = requests.map(
      (request) =>
        issueWithCa({
          ca: issuing,
          csrDer: request.csr.der,
          profile: 'device-identity',
          template: { commonName: 'bench', organization: 'Bench' },
          serial: generateSerialNumber(),
          now: new Date(),
        }).der,
    );
    const caIssue = timeSync(params.parses, (i) => {
      issueWithCa({
        ca: issuing,
        csrDer: requests[i % requests.length]!.csr.der,
        profile: 'device-identity',
        template: { commonName: 'bench', organization: 'Bench' },
        serial: generateSerialNumber(),
        now: new Date(),
      });
    });
    const chain = planes.trust.chain();
    const certRep = timeSync(params.parses, (i) => {
      const n = i % requests.length;
      buildCertRep(requests[n]!, { status: 'SUCCESS', certificates: [issued[n]!, ...chain] }, ra);
    });

    // Mdm-Signature as devices send it: SHA-1, detached, no signed attributes, over a 1.2 KB body.
    const ca = createTestCa('Bench Device CA');
    const trust = new TrustStore([new X509Certificate(ca.certPem).raw]);
    const signed = Array.from({ length: 20 }, (_, i) => {
      const issued = issueCertificate(ca, { subject: [{ name: 'commonName', value: `device ${i}` }] });
      const signer = new MdmSigner(
        { certificate: new X509Certificate(issued.certPem).raw, privateKey: createPrivateKey(issued.keyPem) },
        'device',
      );
      const body = randomBytes(900).toString('base64').slice(0, 1200);
      return { body: Buffer.from(body), signature: Buffer.from(signer.sign(Buffer.from(body)), 'base64') };
    });
    const verify = timeSync(params.verifies, (i) => {
      const { body, signature } = signed[i % signed.length]!;
      const verified = verifySignedData(signature, { detachedContent: body, maxBytes: 64 * 1024 });
      trust.verify(verified.signer.certificate, verified.certificates);
    });

    return {
      params: { ...params, transport: 'http-loopback' },
      metrics: {
        certificates_issued: metric(enrol.ok, 'count'),
        enrolment_failures: metric(enrol.failed + enrol.skipped, 'count'),
        ...rateMetrics('enrol', enrol, 'certificates/s'),
        workflow_tasks_per_certificate: metric(perCertificate.workflowTasks, 'tasks'),
        history_events_per_certificate: metric(perCertificate.historyEvents, 'events'),
        pg_transactions_per_certificate: metric(enrol.ok ? transactions / enrol.ok : 0, 'transactions'),
        ...rateMetrics('pkcsreq_parse', parse, 'ops/s'),
        ...rateMetrics('ca_issue', caIssue, 'ops/s'),
        ...rateMetrics('certrep_build', certRep, 'ops/s'),
        ...rateMetrics('mdm_signature_verify', verify, 'ops/s'),
      },
      notes: [
        'enrol: GetCACaps + GetCACert + PKIOperation over keep-alive HTTP on 127.0.0.1, signed by the core worker in this process',
        'device key generation and challenge creation happen before the clock starts',
        'pg_transactions_per_certificate: committed and rolled back transactions of the whole database (both planes, background polls included) during the enrolment phase; each statement outside a transaction is one',
        `pkcsreq_parse: ${messages.length} distinct PKCSReq (RSA-2048 signer, AES-128 envelope to the RA), one at a time`,
        'ca_issue: one device identity from a parsed CSR with the live issuing CA (RSA-3072), no database',
        'certrep_build: the SUCCESS CertRep for a parsed PKCSReq: envelope to the device and the RA (RSA-3072) signature',
        `mdm_signature_verify: ${signed.length} device identities, warm certificate and chain caches`,
      ],
    };
  } finally {
    destroyHttpAgents(agents);
    await edge.close();
    await bench.close();
  }
}
