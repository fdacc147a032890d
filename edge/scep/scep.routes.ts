// The SCEP registration authority at the edge (RFC 8894): GetCACaps, GetCACert and PKIOperation over GET
// and POST. Requests are decrypted here with the RA key; the core signs them in batches (scep-signer.ts), and
// a core that does not answer in time makes the answer PENDING, which the device polls with GetCertInitial.
import { edgeMetrics } from '../edge-metrics.js';
import { createHash } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import type { Kysely } from 'kysely';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { SignOutcome } from '../../activities/pki/pki.activities.js';
import type { TrustStore } from '../../core/cms/index.js';
import { withDeadline } from '../../core/concurrency/deadline.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { Logger } from '../../core/log/logger.js';
import { isWellFormedChallenge } from '../../core/pki/scep-challenge.js';
import {
  buildCaCertResponse,
  buildCertRep,
  buildNextCaCertResponse,
  CA_CAPS_CONTENT_TYPE,
  NEXT_CA_CERT_CONTENT_TYPE,
  parsePkiMessage,
  PKI_MESSAGE_CONTENT_TYPE,
  renderCaCaps,
  ScepError,
  type CertRepOutcome,
  type ScepRequest,
} from '../../core/scep/index.js';
import { sealTo } from '../../core/crypto/sealed-box.js';
import { CSR_SEALING_CONTEXT } from '../../core/pki/csr-policy.js';
import { coreSealingRecipient } from '../core-sealing-key.js';
import { findEnrollmentByCertificate } from '../apple/enrollment.repository.js';
import type { RaState } from './ra-state.js';
import type { ScepSigner } from './scep-signer.js';
import type { BatcherOptions } from './sign-batcher.js';
import { scepWorkLimit, type ScepWorkLimitOptions } from './scep-work-limit.js';
import { workflowIds } from '../../core/temporal/task-queues.js';

export interface ScepDeps {
  db: Kysely<EdgeDatabase>;
  temporal: Client;
  coreTaskQueue: string;
  /** Names this edge's signer workflow in the core. */
  edgeTaskQueue: string;
  ra: RaState;
  trust: () => TrustStore | undefined;
  caChain: () => Buffer[];
  /** The CA a rollover is introducing, with the roots (GetNextCACert); empty when none is coming. */
  nextCaChain: () => Buffer[];
  isRevoked: (fingerprint: string) => boolean;
  signTimeoutMs: number;
  /** Accept single-DES request envelopes from legacy clients (`edge.scepAllowSingleDes`); off by default. */
  allowSingleDes?: boolean;
  /** Refusals are logged here at info, with a reason and opaque ids only. */
  log: Logger;
  workLimit: ScepWorkLimitOptions;
  /** How signing requests are gathered into batches for the core (`edge.scepBatchWaitMs`, `…MaxSize`). */
  batch: Omit<BatcherOptions, 'maxInFlight'>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MAX_MESSAGE_BYTES = 64 * 1024;

/** Opaque, and the same for a retried transaction: the device-chosen transaction ID is hashed. */
const transactionKey = (transactionId: string, enrollmentId: string) =>
  createHash('sha256').update(`${enrollmentId}\0${transactionId}`).digest('hex').slice(0, 40);

/**
 * A PKCSReq must carry a challenge of the shape Keep issues (core/pki/scep-challenge.ts); one that does not
 * is refused here, before the core is asked for anything, so garbage costs no workflow.
 */
function pkcsReqRefusal(request: ScepRequest): string | undefined {
  if (request.type !== 'PKCSReq') return undefined;
  const challenge = request.csr.challengePassword;
  if (challenge === undefined) return 'PKCSReq without a challengePassword';
  if (!isWellFormedChallenge(challenge)) return 'PKCSReq challengePassword is not a Keep challenge';
  return undefined;
}

async function readMessage(c: Context): Promise<Buffer> {
  if (c.req.method === 'POST') {
    const body = Buffer.from(await c.req.arrayBuffer());
    if (body.length > MAX_MESSAGE_BYTES) throw new HTTPException(413, { message: 'SCEP message too large' });
    return body;
  }
  const message = c.req.query('message');
  if (!message) throw new HTTPException(400, { message: 'PKIOperation needs a message parameter' });
  if (message.length > (MAX_MESSAGE_BYTES * 4) / 3 + 4)
    throw new HTTPException(413, { message: 'SCEP message too large' });
  const compact = message.replace(/\s/g, '+');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(compact))
    throw new HTTPException(400, { message: 'message parameter is not base64' });
  return Buffer.from(compact, 'base64');
}

/** `signer` is the edge's one batched signer (created by the edge app), shared with ACME. */
export function scepRoutes(deps: ScepDeps, signer: ScepSigner) {
  function credentials() {
    const ra = deps.ra.credentials();
    if (!ra) throw new HTTPException(503, { message: 'the SCEP RA is not provisioned yet' });
    return ra;
  }

  async function outcomeOf(result: SignOutcome, enrollmentId: string | undefined): Promise<CertRepOutcome> {
    if (result.status === 'rejected') return { status: 'FAILURE', failInfo: 'badRequest' };
    await deps.db
      .insertInto('issued_identities')
      .values({
        fingerprint: result.fingerprint,
        enrollment_id: result.enrollmentId ?? enrollmentId ?? null,
        renewal_of: result.renewalOf ?? null,
      })
      .onConflict((oc) => oc.column('fingerprint').doNothing())
      .execute();
    return {
      status: 'SUCCESS',
      certificates: [Buffer.from(result.certificateBase64, 'base64'), ...deps.caChain()],
    };
  }

  async function sign(
    request: Extract<ScepRequest, { type: 'PKCSReq' | 'RenewalReq' }>,
    enrollmentId: string | undefined,
  ): Promise<CertRepOutcome> {
    let renewalOf: string | undefined;
    if (request.type === 'RenewalReq') {
      // A renewal is signed by the identity being renewed: it must be Keep's, current and not revoked.
      try {
        deps.trust()?.verify(request.signer, request.certificates);
      } catch {
        return { status: 'FAILURE', failInfo: 'badMessageCheck' };
      }
      if (!deps.trust() || deps.isRevoked(request.signer.sha256))
        return { status: 'FAILURE', failInfo: 'badMessageCheck' };
      // Only the certificate an enrollment is bound to may renew it: a spare identity must not mint more.
      const bound = await findEnrollmentByCertificate(deps.db, request.signer.sha256);
      if (!bound || bound.status === 'checked-out') return { status: 'FAILURE', failInfo: 'badRequest' };
      renewalOf = request.signer.sha256;
    }
    // The CSR carries the device's challenge: sealed to the core before it enters Temporal. The key is fetched
    // once per process, with its own bound: the sign timeout may be far shorter than one workflow round trip.
    const core = { temporal: deps.temporal, coreTaskQueue: deps.coreTaskQueue };
    const sealedCsr = sealTo(await coreSealingRecipient(core), request.csr.der, CSR_SEALING_CONTEXT);
    const signing = signer.sign({
      key: transactionKey(request.transactionId, enrollmentId ?? ''),
      sealedCsr,
      ...(enrollmentId ? { enrollmentId } : {}),
      ...(renewalOf ? { renewalOf } : {}),
    });
    signing.catch(() => undefined); // a late outcome after PENDING is read back by GetCertInitial
    const result = await withDeadline(signing, deps.signTimeoutMs, () => undefined).catch(() => undefined);
    return result ? outcomeOf(result, enrollmentId) : { status: 'PENDING' };
  }

  async function poll(request: ScepRequest, enrollmentId: string | undefined): Promise<CertRepOutcome> {
    const key = transactionKey(request.transactionId, enrollmentId ?? '');
    const state = await withDeadline(signer.state(key), 1_000, () => ({ status: 'pending' }) as const);
    switch (state.status) {
      case 'pending':
        return { status: 'PENDING' };
      case 'unknown':
        return legacyOutcome(key, enrollmentId);
      case 'issued':
      case 'rejected':
        return outcomeOf(state, enrollmentId);
      default: {
        const unknown: never = state;
        throw new Error(`unknown transaction state ${JSON.stringify(unknown)}`);
      }
    }
  }

  /**
   * A transaction begun before batch signing has its own certificateRequestWorkflow; one still running after
   * an upgrade is answered from there. Never seen anywhere: badCertId.
   */
  async function legacyOutcome(key: string, enrollmentId: string | undefined): Promise<CertRepOutcome> {
    const handle = deps.temporal.workflow.getHandle(workflowIds.certificateRequest(key));
    try {
      const result = await withDeadline(handle.result() as Promise<SignOutcome>, 1_000, () => undefined);
      return result ? outcomeOf(result, enrollmentId) : { status: 'PENDING' };
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return { status: 'FAILURE', failInfo: 'badCertId' };
      throw err;
    }
  }

  function logRefusal(
    reason: string,
    refusal: { status: number; failInfo?: string },
    transactionId: string | undefined,
    enrollmentId: string | undefined,
  ): void {
    deps.log.info(
      {
        reason,
        ...refusal,
        // The same opaque key as the core records: never the device's own transactionID.
        ...(transactionId !== undefined
          ? { request: transactionKey(transactionId, enrollmentId ?? '') }
          : {}),
        ...(enrollmentId ? { enrollmentId } : {}),
      },
      'SCEP request refused',
    );
  }

  async function pkiOperation(c: Context, enrollmentId: string | undefined): Promise<Response> {
    const ra = credentials();
    const der = await readMessage(c);
    let request: ScepRequest;
    let outcome: CertRepOutcome;
    try {
      request = parsePkiMessage(der, {
        ra,
        previousRa: deps.ra.previous(),
        maxBytes: MAX_MESSAGE_BYTES,
        allowSingleDes: deps.allowSingleDes ?? false,
      });
    } catch (err) {
      if (err instanceof ScepError && err.context) {
        logRefusal(
          err.message,
          { status: 200, failInfo: err.failInfo },
          err.context.transactionId,
          enrollmentId,
        );
        return c.body(
          new Uint8Array(buildCertRep(err.context, { status: 'FAILURE', failInfo: err.failInfo }, ra)),
          200,
          { 'Content-Type': PKI_MESSAGE_CONTENT_TYPE },
        );
      }
      if (err instanceof ScepError)
        throw new HTTPException(400, { message: `bad SCEP message: ${err.message}`, cause: err });
      throw err;
    }
    const refusal = pkcsReqRefusal(request);
    switch (request.type) {
      case 'PKCSReq':
      case 'RenewalReq':
        outcome = refusal ? { status: 'FAILURE', failInfo: 'badRequest' } : await sign(request, enrollmentId);
        break;
      case 'GetCertInitial':
        outcome = await poll(request, enrollmentId);
        break;
      default: {
        const unknown: never = request;
        throw new HTTPException(400, { message: `unsupported SCEP message ${String(unknown)}` });
      }
    }
    edgeMetrics.scep.inc({ message_type: request.type, outcome: outcome.status });
    if (outcome.status === 'FAILURE') {
      const reason = refusal ?? `${request.type} refused`;
      logRefusal(reason, { status: 200, failInfo: outcome.failInfo }, request.transactionId, enrollmentId);
    }
    // Answered under the RA certificate the device encrypted to (and its key): after a rotation, maybe the one it
    // fetched before.
    const signer = deps.ra.previous().find((old) => request.raCertificate?.equals(old.certificate)) ?? ra;
    return c.body(new Uint8Array(buildCertRep(request, outcome, signer)), 200, {
      'Content-Type': PKI_MESSAGE_CONTENT_TYPE,
    });
  }

  async function handle(c: Context): Promise<Response> {
    try {
      return await answer(c);
    } catch (err) {
      if (err instanceof HTTPException && err.status < 500) {
        const enrollmentId = c.req.param('enrollmentId');
        logRefusal(
          err.message,
          { status: err.status },
          undefined,
          enrollmentId && UUID.test(enrollmentId) ? enrollmentId : undefined,
        );
      }
      throw err;
    }
  }

  async function answer(c: Context): Promise<Response> {
    const enrollmentId = c.req.param('enrollmentId');
    if (enrollmentId !== undefined && !UUID.test(enrollmentId))
      throw new HTTPException(404, { message: 'no such SCEP endpoint' });
    const operation = c.req.query('operation');
    switch (operation) {
      case 'GetCACaps':
        return c.body(renderCaCaps(), 200, { 'Content-Type': CA_CAPS_CONTENT_TYPE });
      case 'GetCACert': {
        // During a rotation's overlap both RA certificates are published: devices holding either are answered.
        const { contentType, body } = buildCaCertResponse(
          [credentials().certificate, ...deps.ra.previous().map((old) => old.certificate)],
          deps.caChain(),
        );
        return c.body(new Uint8Array(body), 200, { 'Content-Type': contentType });
      }
      case 'GetNextCACert': {
        const next = deps.nextCaChain();
        if (!next.length) throw new HTTPException(404, { message: 'no next CA is published' });
        return c.body(new Uint8Array(buildNextCaCertResponse(next, credentials())), 200, {
          'Content-Type': NEXT_CA_CERT_CONTENT_TYPE,
        });
      }
      case 'PKIOperation':
        return pkiOperation(c, enrollmentId);
      default:
        throw new HTTPException(400, {
          message: `unknown SCEP operation ${JSON.stringify(operation ?? '')}`,
        });
    }
  }

  const limits = [
    bodyLimit({
      maxSize: MAX_MESSAGE_BYTES,
      onError: (c) => {
        logRefusal('SCEP message too large', { status: 413 }, undefined, undefined);
        return c.text('SCEP message too large', 413);
      },
    }),
    scepWorkLimit(deps.workLimit, deps.log),
  ];
  return new Hono()
    .use('/scep', ...limits)
    .use('/scep/:enrollmentId', ...limits)
    .on(['GET', 'POST'], '/scep', handle)
    .on(['GET', 'POST'], '/scep/:enrollmentId', handle)
    .get('/pki/crl', async (c) => {
      const row = await deps.db.selectFrom('crl').select('der').where('id', '=', 1).executeTakeFirst();
      if (!row) throw new HTTPException(404, { message: 'no CRL published yet' });
      return c.body(new Uint8Array(row.der), 200, { 'Content-Type': 'application/pkix-crl' });
    })
    .get('/pki/crl/:issuerKeyId', async (c) => {
      const issuerKeyId = c.req.param('issuerKeyId').toLowerCase();
      if (!/^[0-9a-f]{2,128}$/.test(issuerKeyId))
        throw new HTTPException(404, { message: 'no CRL is published for that CA' });
      const row = await deps.db
        .selectFrom('ca_crls')
        .select('der')
        .where('issuer_key_id', '=', issuerKeyId)
        .executeTakeFirst();
      if (!row) throw new HTTPException(404, { message: 'no CRL is published for that CA' });
      return c.body(new Uint8Array(row.der), 200, { 'Content-Type': 'application/pkix-crl' });
    });
}
