// The URLs and JSON objects of Keep's ACME server (RFC 8555 §7.1): one order holds one authorization for one
// permanent-identifier, with one device-attest-01 challenge, so all four share the order's id.
import type { AcmeOrder } from '../../core/db/edge/acme.table.js';

export function acmeUrls(publicUrl: string) {
  const base = `${publicUrl.replace(/\/$/, '')}/acme`;
  return {
    directory: `${base}/directory`,
    newNonce: `${base}/new-nonce`,
    newAccount: `${base}/new-account`,
    newOrder: `${base}/new-order`,
    account: (id: string) => `${base}/account/${id}`,
    order: (id: string) => `${base}/order/${id}`,
    finalize: (id: string) => `${base}/order/${id}/finalize`,
    authz: (id: string) => `${base}/authz/${id}`,
    challenge: (id: string) => `${base}/chall/${id}`,
    certificate: (id: string) => `${base}/cert/${id}`,
    /** The account id a `kid` names, if it is one of this server's account URLs. */
    accountIdOf: (kid: string) =>
      kid.startsWith(`${base}/account/`) ? kid.slice(base.length + 9) : undefined,
  };
}

export type AcmeUrls = ReturnType<typeof acmeUrls>;

/** The identifier type of the device-attestation draft (RFC 4043's permanent identifier). */
export const PERMANENT_IDENTIFIER = 'permanent-identifier';
export const DEVICE_ATTEST_01 = 'device-attest-01';

const identifierOf = (order: AcmeOrder) => ({ type: PERMANENT_IDENTIFIER, value: order.identifier });

export function orderView(order: AcmeOrder, urls: AcmeUrls) {
  return {
    status: order.status,
    expires: order.expires_at.toISOString(),
    identifiers: [identifierOf(order)],
    authorizations: [urls.authz(order.id)],
    finalize: urls.finalize(order.id),
    ...(order.certificate_chain ? { certificate: urls.certificate(order.id) } : {}),
    ...(order.error && order.status === 'invalid' ? { error: order.error } : {}),
  };
}

export function challengeView(order: AcmeOrder, urls: AcmeUrls) {
  return {
    type: DEVICE_ATTEST_01,
    url: urls.challenge(order.id),
    token: order.token,
    status: order.challenge_status,
    ...(order.error && order.challenge_status === 'invalid' ? { error: order.error } : {}),
  };
}

/** RFC 8555 §7.1.4: the authorization is as valid as its one challenge. */
export function authorizationView(order: AcmeOrder, urls: AcmeUrls) {
  const status = order.challenge_status === 'processing' ? 'pending' : order.challenge_status;
  return {
    identifier: identifierOf(order),
    status: order.status !== 'invalid' && order.expires_at < new Date() ? 'expired' : status,
    expires: order.expires_at.toISOString(),
    challenges: [challengeView(order, urls)],
  };
}
