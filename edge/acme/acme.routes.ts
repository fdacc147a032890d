// Keep's ACME server at the edge (RFC 8555) for Apple's Managed Device Attestation: the device proves with
// device-attest-01 that its key lives in its Secure Enclave, and the core signs the identity through the same
// batched signer as SCEP (scep-signer.ts). Every refusal is an RFC 8555 problem document with a fresh nonce.
import { createHash, type X509Certificate } from 'node:crypto';
import { Hono, type Context } from 'hono';
import type { Kysely } from 'kysely';
import type { Client } from '@temporalio/client';
import type { SignOutcome } from '../../activities/pki/pki.activities.js';
import { AcmeProblem, type AcmeProblemDocument, type AcmeProblemType } from '../../core/acme/acme-problem.js';
import { verifyAcmeJws, type VerifiedAcmeJws } from '../../core/acme/acme-jws.js';
import { verifyAppleAttestation } from '../../core/acme/apple-attestation.js';
import { withDeadline } from '../../core/concurrency/deadline.js';
import { sealTo } from '../../core/crypto/sealed-box.js';
import type { EdgeDatabase } from '../../core/db/edge-database.js';
import type { AcmeOrder } from '../../core/db/edge/acme.table.js';
import type { Logger } from '../../core/log/logger.js';
import { checkCsr, CsrPolicyError, CSR_SEALING_CONTEXT } from '../../core/pki/csr-policy.js';
import { derToPem } from '../../core/pki/pem.js';
import { coreSealingRecipient } from '../core-sealing-key.js';
import type { ScepSigner } from '../scep/scep-signer.js';
import { peerOf } from '../scep/scep-work-limit.js';
import { createAcmeRateLimit, type AcmeRateLimit } from './acme-rate-limit.js';
import {
  acmeUrls,
  authorizationView,
  challengeView,
  orderView,
  PERMANENT_IDENTIFIER,
} from './acme-resources.js';
import {
  consumeNonce,
  createOrder,
  findAccount,
  findAccountByThumbprint,
  findOrder,
  issueNonce,
  transitionOrder,
  upsertAccount,
} from './acme.repository.js';

export interface AcmeDeps {
  db: Kysely<EdgeDatabase>;
  temporal: Client;
  coreTaskQueue: string;
  /** Where devices reach the edge (`edge.publicUrl`): every ACME URL, and every JWS `url`, starts with it. */
  publicUrl: string;
  /** The roots an attestation chain must end at (`edge.acmeAttestationRootFile`, or Apple's). */
  attestationRoots: readonly X509Certificate[];
  /** How long an order, its challenge and a nonce stay usable (`edge.acmeOrderMinutes`). */
  orderMinutes: number;
  /** How long finalize waits for the core before answering `processing` (`edge.scepSignTimeoutMs`). */
  signTimeoutMs: number;
  caChain: () => Buffer[];
  signer: ScepSigner;
  log: Logger;
  /** Nonces and failed requests per client address (absent: ACME_RATE_LIMIT). */
  rateLimit?: AcmeRateLimit;
  /** `edge.trustedProxies`: their X-Forwarded-For names the client the limit counts. */
  trustedProxies?: readonly string[];
}

/** Generous for devices (an order costs about ten nonces), tight for a flood from one address. */
const ACME_RATE_LIMIT = { perWindow: 300, windowMs: 60_000, maxAddresses: 10_000 };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** An ACME request is a JWS around a small JSON object; the attestation (~4 KiB) is the largest. */
const MAX_REQUEST_BYTES = 64 * 1024;
const MAX_IDENTIFIER_LENGTH = 64;

/** The core's refusal reasons (pki.activities.ts) as the problem a device is answered with. */
const REFUSALS: Record<string, AcmeProblemType> = {
  'unknown-device': 'rejectedIdentifier',
  'bad-attestation': 'badAttestationStatement',
  'key-not-attested': 'badCSR',
};

/** The signer's opaque key for an order: the same on every replica, and nothing a device chose. */
const signingKey = (orderId: string) =>
  createHash('sha256').update(`acme\0${orderId}`).digest('hex').slice(0, 40);

function problemOf(reason: string): AcmeProblem {
  return new AcmeProblem(REFUSALS[reason] ?? 'badCSR', `the CA refused the request: ${reason}`);
}

function base64url(field: string, value: unknown): Buffer {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]+$/.test(value))
    throw new AcmeProblem('malformed', `${field} must be base64url`);
  return Buffer.from(value, 'base64url');
}

export function acmeRoutes(deps: AcmeDeps) {
  const urls = acmeUrls(deps.publicUrl);
  const ttlMs = deps.orderMinutes * 60_000;
  const limit = deps.rateLimit ?? createAcmeRateLimit(ACME_RATE_LIMIT);

  /** The client's address: the socket's peer, or the address a trusted proxy appended to X-Forwarded-For. */
  function clientOf(c: Context): string {
    const peer = peerOf(c);
    const forwarded = c.req.header('x-forwarded-for');
    if (!forwarded || !deps.trustedProxies?.includes(peer)) return peer;
    return forwarded.split(',').at(-1)!.trim() || peer;
  }

  /** RFC 8555 §6.6: rateLimited, with when to come back; no Replay-Nonce, which would cost a row again. */
  function rateLimited(c: Context, seconds: number): Response {
    const document = new AcmeProblem('rateLimited', 'too many requests from this address').document();
    return c.body(JSON.stringify(document), 429, {
      'Content-Type': 'application/problem+json',
      'Retry-After': String(seconds),
      'Cache-Control': 'no-store',
    });
  }

  async function headers(c: Context): Promise<void> {
    c.header('Replay-Nonce', await issueNonce(deps.db, ttlMs));
    c.header('Cache-Control', 'no-store');
    c.header('Link', `<${urls.directory}>;rel="index"`);
  }

  /** Runs one ACME exchange; a refusal becomes its problem document, anything else the edge's error handler's. */
  function acme(handler: (c: Context) => Promise<Response>) {
    return async (c: Context): Promise<Response> => {
      const peer = clientOf(c);
      const blocked = limit.blocked(peer);
      if (blocked) return rateLimited(c, blocked);
      try {
        return await handler(c);
      } catch (error) {
        if (!(error instanceof AcmeProblem)) throw error;
        // A request that failed its checks costs its address: a flood of forged JWSs is turned away.
        limit.charge(peer);
        deps.log.info(
          { problem: error.type, detail: error.detail, path: c.req.path },
          'ACME request refused',
        );
        return problem(c, error.document());
      }
    };
  }

  async function problem(c: Context, document: AcmeProblemDocument): Promise<Response> {
    await headers(c);
    return c.body(JSON.stringify(document), document.status as 400, {
      'Content-Type': 'application/problem+json',
    });
  }

  /** RFC 8555 §6.2–6.5: the JWS verified against its account (or its own jwk), its url and its nonce. */
  async function authenticated(
    c: Context,
    keyBy: 'jwk' | 'kid',
  ): Promise<VerifiedAcmeJws & { accountId?: string }> {
    const body = await c.req.text();
    if (body.length > MAX_REQUEST_BYTES) throw new AcmeProblem('malformed', 'the request is too large');
    const url = `${deps.publicUrl.replace(/\/$/, '')}${c.req.path}`;
    let accountId: string | undefined;
    const jws = await verifyAcmeJws(body, {
      url,
      keyBy,
      accountKey: async (kid) => {
        const id = urls.accountIdOf(kid);
        if (!id || !UUID.test(id)) return undefined;
        const account = await findAccount(deps.db, id);
        accountId = account?.id;
        return account?.jwk;
      },
    });
    if (!(await consumeNonce(deps.db, jws.header.nonce)))
      throw new AcmeProblem('badNonce', 'the nonce is unknown, expired or already used');
    return { ...jws, ...(accountId ? { accountId } : {}) };
  }

  async function ownOrder(c: Context, accountId: string | undefined): Promise<AcmeOrder> {
    const id = c.req.param('id');
    const order = id && UUID.test(id) && accountId ? await findOrder(deps.db, id, accountId) : undefined;
    if (!order) throw new AcmeProblem('unauthorized', 'no such order for this account');
    return order;
  }

  async function newAccount(c: Context): Promise<Response> {
    const jws = await authenticated(c, 'jwk');
    const payload = (jws.payload ?? {}) as { onlyReturnExisting?: unknown };
    if (payload.onlyReturnExisting === true) {
      const existing = await findAccountByThumbprint(deps.db, jws.thumbprint);
      if (!existing) throw new AcmeProblem('accountDoesNotExist', 'no account has this key');
      await headers(c);
      c.header('Location', urls.account(existing.id));
      return c.json({ status: 'valid', orders: `${urls.account(existing.id)}/orders` }, 200);
    }
    const account = await upsertAccount(deps.db, jws.thumbprint, jws.jwk);
    await headers(c);
    c.header('Location', urls.account(account.id));
    return c.json(
      { status: 'valid', orders: `${urls.account(account.id)}/orders` },
      account.created ? 201 : 200,
    );
  }

  async function account(c: Context): Promise<Response> {
    const jws = await authenticated(c, 'kid');
    if (jws.accountId !== c.req.param('id')) throw new AcmeProblem('unauthorized', 'kid is not this account');
    await headers(c);
    return c.json({ status: 'valid', orders: `${urls.account(jws.accountId!)}/orders` });
  }

  async function newOrder(c: Context): Promise<Response> {
    const jws = await authenticated(c, 'kid');
    const { identifiers } = (jws.payload ?? {}) as { identifiers?: unknown };
    if (!Array.isArray(identifiers) || identifiers.length !== 1)
      throw new AcmeProblem('rejectedIdentifier', 'an order names exactly one permanent-identifier');
    const [identifier] = identifiers as Array<{ type?: unknown; value?: unknown }>;
    if (identifier?.type !== PERMANENT_IDENTIFIER)
      throw new AcmeProblem('unsupportedIdentifier', `only ${PERMANENT_IDENTIFIER} identifiers are served`);
    const value = identifier.value;
    if (typeof value !== 'string' || !value || value.length > MAX_IDENTIFIER_LENGTH)
      throw new AcmeProblem('rejectedIdentifier', 'the identifier must be a serial number or UDID');
    const order = await createOrder(deps.db, {
      accountId: jws.accountId!,
      identifier: value,
      expiresAt: new Date(Date.now() + ttlMs),
    });
    await headers(c);
    c.header('Location', urls.order(order.id));
    return c.json(orderView(order, urls), 201);
  }

  /** POST-as-GET of an order; one still signing after an edge restart learns its outcome from the core. */
  async function getOrder(c: Context): Promise<Response> {
    const jws = await authenticated(c, 'kid');
    let order = await ownOrder(c, jws.accountId);
    if (order.status === 'processing') {
      const state = await withDeadline(deps.signer.state(signingKey(order.id)), 1_000, () => ({
        status: 'pending' as const,
      }));
      if (state.status === 'issued' || state.status === 'rejected') order = await settle(order, state);
    }
    await headers(c);
    if (order.status === 'processing') c.header('Retry-After', '1');
    return c.json(orderView(order, urls));
  }

  async function getAuthorization(c: Context): Promise<Response> {
    const jws = await authenticated(c, 'kid');
    const order = await ownOrder(c, jws.accountId);
    await headers(c);
    return c.json(authorizationView(order, urls));
  }

  /**
   * device-attest-01 (the device-attestation draft, §5): the payload's `attObj` must verify to the attestation
   * roots, carry SHA-256 of this challenge's token, and name the order's identifier. A refusal is final: the
   * challenge and its order become invalid, and the device starts a new order.
   */
  async function respondToChallenge(c: Context): Promise<Response> {
    const jws = await authenticated(c, 'kid');
    const order = await ownOrder(c, jws.accountId);
    if (order.challenge_status !== 'pending') {
      await headers(c);
      return c.json(challengeView(order, urls));
    }
    if (order.expires_at < new Date()) throw new AcmeProblem('unauthorized', 'the order has expired');
    const { attObj } = (jws.payload ?? {}) as { attObj?: unknown };
    try {
      const attested = verifyAppleAttestation({
        attObj: base64url('attObj', attObj),
        token: order.token,
        roots: deps.attestationRoots,
        now: new Date(),
      });
      if (attested.serialNumber !== order.identifier && attested.udid !== order.identifier)
        throw new AcmeProblem(
          'badAttestationStatement',
          "the attestation is for another device than the order's",
        );
      const valid = await transitionOrder(
        deps.db,
        order.id,
        { challengeStatus: 'pending' },
        {
          challenge_status: 'valid',
          status: 'ready',
          attestation: Buffer.from(attObj as string, 'base64url').toString('base64'),
          attested_key: attested.publicKeySpki,
        },
      );
      await headers(c);
      return c.json(challengeView(valid ?? order, urls));
    } catch (error) {
      if (error instanceof AcmeProblem)
        await transitionOrder(
          deps.db,
          order.id,
          { challengeStatus: 'pending' },
          { challenge_status: 'invalid', status: 'invalid', error: JSON.stringify(error.document()) },
        );
      throw error;
    }
  }

  /** Records the core's outcome on the order; an issued identity is bound to its enrollment as SCEP's are. */
  async function settle(order: AcmeOrder, outcome: SignOutcome): Promise<AcmeOrder> {
    if (outcome.status === 'rejected') {
      const problem = problemOf(outcome.reason);
      return (
        (await transitionOrder(
          deps.db,
          order.id,
          { status: 'processing' },
          { status: 'invalid', error: JSON.stringify(problem.document()) },
        )) ?? order
      );
    }
    await deps.db
      .insertInto('issued_identities')
      .values({
        fingerprint: outcome.fingerprint,
        enrollment_id: outcome.enrollmentId ?? null,
        // A renewal is adopted on first use by the certificate bound now (bound-enrollment.ts).
        renewal_of: outcome.renewalOf ?? null,
      })
      .onConflict((oc) => oc.column('fingerprint').doNothing())
      .execute();
    const chain = [Buffer.from(outcome.certificateBase64, 'base64'), ...deps.caChain()];
    return (
      (await transitionOrder(
        deps.db,
        order.id,
        { status: 'processing' },
        { status: 'valid', certificate_chain: chain.map((der) => derToPem(der, 'CERTIFICATE')).join('') },
      )) ?? order
    );
  }

  async function finalize(c: Context): Promise<Response> {
    const jws = await authenticated(c, 'kid');
    const order = await ownOrder(c, jws.accountId);
    if (order.status !== 'ready') throw new AcmeProblem('orderNotReady', `the order is ${order.status}`);
    if (order.expires_at < new Date()) throw new AcmeProblem('unauthorized', 'the order has expired');
    const csrDer = base64url('csr', ((jws.payload ?? {}) as { csr?: unknown }).csr);
    try {
      const { publicKey } = checkCsr(csrDer);
      if (!publicKey.export({ type: 'spki', format: 'der' }).equals(order.attested_key!))
        throw new AcmeProblem('badCSR', "the CSR's key is not the attested key");
    } catch (error) {
      if (error instanceof CsrPolicyError) throw new AcmeProblem('badCSR', error.message, { cause: error });
      throw error;
    }
    const processing = await transitionOrder(
      deps.db,
      order.id,
      { status: 'ready' },
      { status: 'processing' },
    );
    if (!processing) throw new AcmeProblem('orderNotReady', 'the order is already being finalized');
    const sealedCsr = sealTo(
      await coreSealingRecipient({ temporal: deps.temporal, coreTaskQueue: deps.coreTaskQueue }),
      csrDer,
      CSR_SEALING_CONTEXT,
    );
    const signing = deps.signer
      .sign({
        key: signingKey(order.id),
        sealedCsr,
        attestation: { attestationBase64: order.attestation!, token: order.token },
      })
      .then((outcome) => settle(processing, outcome));
    signing.catch(() => undefined); // a late outcome is read back when the device polls its order
    const settled = await withDeadline(signing, deps.signTimeoutMs, () => processing).catch(() => processing);
    // The core's refusal is this request's answer, as a bad CSR refused here would be.
    if (settled.status === 'invalid' && settled.error)
      return problem(c, settled.error as unknown as AcmeProblemDocument);
    await headers(c);
    c.header('Location', urls.order(order.id));
    if (settled.status === 'processing') c.header('Retry-After', '1');
    return c.json(orderView(settled, urls));
  }

  async function certificate(c: Context): Promise<Response> {
    const jws = await authenticated(c, 'kid');
    const order = await ownOrder(c, jws.accountId);
    if (!order.certificate_chain) throw new AcmeProblem('unauthorized', 'no certificate for this order yet');
    await headers(c);
    return c.body(order.certificate_chain, 200, { 'Content-Type': 'application/pem-certificate-chain' });
  }

  return new Hono()
    .get('/acme/directory', (c) =>
      c.json({
        newNonce: urls.newNonce,
        newAccount: urls.newAccount,
        newOrder: urls.newOrder,
        meta: { externalAccountRequired: false },
      }),
    )
    .on(['HEAD', 'GET'], '/acme/new-nonce', async (c) => {
      const wait = limit.charge(clientOf(c));
      if (wait) return rateLimited(c, wait);
      await headers(c);
      return c.body(null, c.req.method === 'HEAD' ? 200 : 204);
    })
    .post('/acme/new-account', acme(newAccount))
    .post('/acme/account/:id', acme(account))
    .post('/acme/new-order', acme(newOrder))
    .post('/acme/order/:id', acme(getOrder))
    .post('/acme/order/:id/finalize', acme(finalize))
    .post('/acme/authz/:id', acme(getAuthorization))
    .post('/acme/chall/:id', acme(respondToChallenge))
    .post('/acme/cert/:id', acme(certificate));
}
