// A simulated Apple device speaking ACME as Apple's client does for a com.apple.security.acme payload with
// Attest and HardwareBound: a P-384 key standing in for the Secure Enclave's, an attestation of it from a
// test attestation CA, device-attest-01, finalize with a CSR of the attested key. Each step is exposed so
// tests can tamper with one.
import { generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import * as asn1js from 'asn1js';
import { FlattenedSign, type JWK } from 'jose';
import { AlgorithmIdentifier, CertificationRequest, PublicKeyInfo } from 'pkijs';
import { buildName } from '../../../core/pki/x509-name.js';
import {
  attestationObject,
  freshnessCode,
  type AttestationClaims,
  type TestAttestationCa,
} from './test-attestation-ca.js';

export type Fetch = (url: string, init?: RequestInit) => Promise<Response>;

export interface AcmeAnswer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}

interface Directory {
  newNonce: string;
  newAccount: string;
  newOrder: string;
}

/** A PKCS#10 request for an EC P-384 key, signed ECDSA-with-SHA384 (RFC 5758 §3.2). */
export function ecCsr(publicKey: KeyObject, privateKey: KeyObject, commonName: string): Buffer {
  const csr = new CertificationRequest({
    version: 0,
    subject: buildName({ commonName }),
    subjectPublicKeyInfo: PublicKeyInfo.fromBER(publicKey.export({ type: 'spki', format: 'der' })),
    attributes: [],
  });
  csr.signatureAlgorithm = new AlgorithmIdentifier({ algorithmId: '1.2.840.10045.4.3.3' });
  // toSchema(true) encodes the request info from the fields just set; element 0 is that part.
  const tbs = Buffer.from(csr.toSchema(true).valueBlock.value[0]!.toBER(false));
  csr.tbsView = new Uint8Array(tbs);
  csr.signatureValue = new asn1js.BitString({ valueHex: sign('sha384', tbs, privateKey) });
  return Buffer.from(csr.toSchema().toBER(false));
}

export class AttestingDevice {
  readonly serialNumber = `C02${randomUUID().replace(/-/g, '').slice(0, 9).toUpperCase()}`;
  readonly udid = randomUUID().toUpperCase();
  /** The key the Secure Enclave would hold: the one Apple attests and the certificate certifies. */
  identityKey = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  readonly accountKey = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  accountUrl?: string;
  private directory?: Directory;

  constructor(
    private readonly fetch: Fetch,
    private readonly directoryUrl: string,
    private readonly ca: TestAttestationCa,
  ) {}

  /** What installing a renewal profile with an ACME payload does: a new hardware-bound key to attest. */
  newIdentityKey(): void {
    this.identityKey = generateKeyPairSync('ec', { namedCurve: 'secp384r1' });
  }

  async urls(): Promise<Directory> {
    this.directory ??= (await (await this.fetch(this.directoryUrl)).json()) as Directory;
    return this.directory;
  }

  async newNonce(): Promise<string> {
    const res = await this.fetch((await this.urls()).newNonce, { method: 'HEAD' });
    return res.headers.get('replay-nonce')!;
  }

  /** A JWS-signed POST (RFC 8555 §6.2); `override` tampers with the protected header. */
  async post(
    url: string,
    payload: unknown,
    override: { nonce?: string; url?: string; key?: KeyObject; useJwk?: boolean } = {},
  ): Promise<AcmeAnswer> {
    const useJwk = override.useJwk ?? !this.accountUrl;
    const header = {
      alg: 'ES256',
      nonce: override.nonce ?? (await this.newNonce()),
      url: override.url ?? url,
      ...(useJwk
        ? { jwk: this.accountKey.publicKey.export({ format: 'jwk' }) as JWK }
        : { kid: this.accountUrl! }),
    };
    const bytes = payload === '' ? new Uint8Array() : new TextEncoder().encode(JSON.stringify(payload));
    const jws = await new FlattenedSign(bytes)
      .setProtectedHeader(header)
      .sign(override.key ?? this.accountKey.privateKey);
    const res = await this.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/jose+json' },
      body: JSON.stringify(jws),
    });
    const text = await res.text();
    const body = res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : { text };
    return { status: res.status, body, headers: res.headers };
  }

  async register(): Promise<AcmeAnswer> {
    // new-account is always signed with the jwk (RFC 8555 §6.2), also when the device registered before.
    const answer = await this.post(
      (await this.urls()).newAccount,
      { termsOfServiceAgreed: true },
      { useJwk: true },
    );
    this.accountUrl = answer.headers.get('location') ?? undefined;
    return answer;
  }

  async newOrder(identifier = this.serialNumber): Promise<AcmeAnswer> {
    return this.post((await this.urls()).newOrder, {
      identifiers: [{ type: 'permanent-identifier', value: identifier }],
    });
  }

  /** The order's one device-attest-01 challenge. */
  async challenge(order: AcmeAnswer): Promise<{ url: string; token: string }> {
    const authz = await this.post((order.body.authorizations as string[])[0]!, '');
    const challenges = authz.body.challenges as Array<{ type: string; url: string; token: string }>;
    return challenges.find((c) => c.type === 'device-attest-01')!;
  }

  /** The attestation Apple would give for the identity key, bound to `token`; `claims` forge other facts. */
  attestation(token: string, claims: Partial<AttestationClaims> = {}, ca = this.ca): string {
    const x5c = ca.attest(this.identityKey.publicKey, {
      serialNumber: this.serialNumber,
      udid: this.udid,
      nonce: freshnessCode(token),
      ...claims,
    });
    return attestationObject(x5c).toString('base64url');
  }

  respond(challengeUrl: string, attObj: string): Promise<AcmeAnswer> {
    return this.post(challengeUrl, { attObj });
  }

  /** Finalizes with a CSR of `key` (the attested key unless a test swaps it). */
  finalize(order: AcmeAnswer, key = this.identityKey): Promise<AcmeAnswer> {
    const csr = ecCsr(key.publicKey, key.privateKey, this.serialNumber);
    return this.post(order.body.finalize as string, { csr: csr.toString('base64url') });
  }

  /** Polls the order until the CA has answered (a bound, not a speed claim). */
  async settled(orderUrl: string, waitMs: number): Promise<AcmeAnswer> {
    const until = Date.now() + waitMs;
    for (;;) {
      const answer = await this.post(orderUrl, '');
      if (answer.body.status !== 'processing' || Date.now() > until) return answer;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Everything a device does for one attested identity: the certificate chain (PEM) and the final order. */
  async enroll(waitMs: number): Promise<{ chainPem: string; order: AcmeAnswer }> {
    await this.register();
    const order = await this.newOrder();
    const orderUrl = order.headers.get('location')!;
    const { url, token } = await this.challenge(order);
    await this.respond(url, this.attestation(token));
    const finalized = await this.finalize(order);
    const done = finalized.body.status === 'valid' ? finalized : await this.settled(orderUrl, waitMs);
    const cert = await this.post(done.body.certificate as string, '');
    return { chainPem: cert.body.text as string, order: done };
  }
}
