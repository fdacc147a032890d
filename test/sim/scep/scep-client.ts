// A SCEP client (RFC 8894) for device simulators: enroll, poll while PENDING, and renew, over fetch.
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { ContentCipher, DigestName } from '../../../core/cms/index.js';
import type { CertRep } from '../../../core/scep/index.js';
import {
  PKI_MESSAGE_CONTENT_TYPE,
  buildIssuerAndSubject,
  buildPkiMessage,
  parseCaCaps,
  parseCaCertResponse,
  parseCertRep,
  parseCertificationRequest,
  selectRecipient,
  transactionIdFor,
} from '../../../core/scep/index.js';
import type { SubjectField } from './x509-builder.js';
import { buildCertificate, buildCsr, pem } from './x509-builder.js';

export class ScepClientError extends Error {
  override name = 'ScepClientError';

  constructor(
    message: string,
    readonly failInfo?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface ScepClientOptions {
  /** The SCEP endpoint, e.g. `https://mdm.example.com/scep`. */
  url: string;
  fetch?: typeof fetch;
  pollIntervalMs?: number;
  maxPolls?: number;
  /** Force GET for PKIOperation even when the server offers POSTPKIOperation. */
  forceGet?: boolean;
  cipher?: ContentCipher;
  digest?: DigestName;
}

export interface EnrollRequest {
  subject: SubjectField[];
  /** Secret: never logged. */
  challengePassword?: string;
  dnsNames?: string[];
  keyPair?: { publicKey: KeyObject; privateKey: KeyObject };
}

export interface Enrollment {
  certificate: Buffer;
  certificatePem: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** Every certificate the CertRep carried (issued certificate and chain). */
  certificates: Buffer[];
  transactionId: string;
  /** How many CertPoll rounds it took (0 when issued at once). */
  polls: number;
}

interface Server {
  capabilities: Set<string>;
  certificates: Buffer[];
  recipient: Buffer;
  ca: Buffer;
}

export class ScepClient {
  readonly #options: ScepClientOptions;
  readonly #fetch: typeof fetch;

  constructor(options: ScepClientOptions) {
    this.#options = options;
    this.#fetch = options.fetch ?? fetch;
  }

  async getCaCaps(): Promise<Set<string>> {
    const response = await this.#get('GetCACaps');
    return parseCaCaps(await response.text());
  }

  async getCaCert(): Promise<Buffer[]> {
    const response = await this.#get('GetCACert');
    return parseCaCertResponse(
      response.headers.get('content-type') ?? '',
      Buffer.from(await response.arrayBuffer()),
    );
  }

  async pkiOperation(message: Buffer, capabilities: Set<string>): Promise<Buffer> {
    let response: Response;
    if (capabilities.has('POSTPKIOPERATION') && !this.#options.forceGet) {
      response = await this.#send(this.#url('PKIOperation'), {
        method: 'POST',
        headers: { 'content-type': PKI_MESSAGE_CONTENT_TYPE },
        body: message,
      });
    } else {
      response = await this.#send(
        `${this.#url('PKIOperation')}&message=${encodeURIComponent(message.toString('base64'))}`,
      );
    }
    return Buffer.from(await response.arrayBuffer());
  }

  /** PKCSReq (RFC 8894 §3.3.1) with a fresh key and a self-signed signer certificate. */
  async enroll(request: EnrollRequest): Promise<Enrollment> {
    const keys = request.keyPair ?? generateKeyPairSync('rsa', { modulusLength: 2048 });
    const signer = buildCertificate({
      publicKey: keys.publicKey,
      selfSignKey: keys.privateKey,
      subject: request.subject,
    });
    return this.#request('PKCSReq', request, keys, { certificate: signer, key: keys.privateKey });
  }

  /** One PKIOperation round trip, no polling: for tests that look at a single answer. */
  async exchange(
    type: 'PKCSReq' | 'RenewalReq' | 'GetCertInitial',
    messageData: Buffer,
    transactionId: string,
    signer: { certificate: Buffer; key: KeyObject },
  ): Promise<CertRep> {
    return this.#exchange(await this.#discover(), signer, type, messageData, transactionId);
  }

  /** RenewalReq (RFC 8894 §3.3.1.2): signed with the current certificate, for a new key. */
  async renew(
    current: { certificate: Buffer; key: KeyObject },
    request: Omit<EnrollRequest, 'challengePassword'>,
  ): Promise<Enrollment> {
    const keys = request.keyPair ?? generateKeyPairSync('rsa', { modulusLength: 2048 });
    return this.#request('RenewalReq', request, keys, current);
  }

  async #request(
    type: 'PKCSReq' | 'RenewalReq',
    request: EnrollRequest,
    keys: { publicKey: KeyObject; privateKey: KeyObject },
    signer: { certificate: Buffer; key: KeyObject },
  ): Promise<Enrollment> {
    const server = await this.#discover();
    const csr = buildCsr({ ...request, publicKey: keys.publicKey, privateKey: keys.privateKey });
    const transactionId = transactionIdFor(keys.publicKey);
    // Servers without the Renewal capability take a PKCSReq signed by the old certificate (§3.3.1.2).
    const messageType = type === 'RenewalReq' && !server.capabilities.has('RENEWAL') ? 'PKCSReq' : type;
    let reply = await this.#exchange(server, signer, messageType, csr, transactionId);
    let polls = 0;
    const subjectDer = parseCertificationRequest(csr).subjectDer;
    while (reply.status === 'PENDING') {
      if (polls >= (this.#options.maxPolls ?? 10)) throw new ScepClientError('still PENDING after polling');
      polls++;
      await new Promise((resolve) => setTimeout(resolve, this.#options.pollIntervalMs ?? 1000));
      const poll = buildIssuerAndSubject(server.ca, subjectDer);
      reply = await this.#exchange(server, signer, 'GetCertInitial', poll, transactionId);
    }
    if (reply.status === 'FAILURE') {
      throw new ScepClientError(`SCEP server refused the request (${reply.failInfo})`, reply.failInfo);
    }
    const ours = keys.publicKey.export({ type: 'spki', format: 'der' });
    const certificate = reply.certificates.find((der) =>
      new X509Certificate(der).publicKey.export({ type: 'spki', format: 'der' }).equals(ours),
    );
    if (!certificate) throw new ScepClientError('CertRep holds no certificate for our key');
    return {
      certificate,
      certificatePem: pem(certificate),
      privateKey: keys.privateKey,
      publicKey: keys.publicKey,
      certificates: reply.certificates,
      transactionId,
      polls,
    };
  }

  async #exchange(
    server: Server,
    signer: { certificate: Buffer; key: KeyObject },
    type: 'PKCSReq' | 'RenewalReq' | 'GetCertInitial',
    messageData: Buffer,
    transactionId: string,
  ): Promise<CertRep> {
    const caps = server.capabilities;
    const { der, senderNonce } = buildPkiMessage({
      type,
      messageData,
      transactionId,
      signerCertificate: signer.certificate,
      signerKey: signer.key,
      recipientCertificate: server.recipient,
      cipher: this.#options.cipher ?? (caps.has('AES') ? 'aes-128-cbc' : 'des-ede3-cbc'),
      digest: this.#options.digest ?? (caps.has('SHA-256') ? 'sha256' : 'sha1'),
    });
    const response = await this.pkiOperation(der, caps);
    return parseCertRep(response, {
      requester: signer,
      transactionId,
      senderNonce,
      raCertificates: server.certificates,
    });
  }

  async #discover(): Promise<Server> {
    const [capabilities, certificates] = await Promise.all([this.getCaCaps(), this.getCaCert()]);
    const recipient = selectRecipient(certificates);
    const ca = certificates.find((der) => new X509Certificate(der).ca) ?? recipient;
    return { capabilities, certificates, recipient, ca };
  }

  #url(operation: string): string {
    const separator = this.#options.url.includes('?') ? '&' : '?';
    return `${this.#options.url}${separator}operation=${operation}`;
  }

  async #get(operation: string): Promise<Response> {
    return this.#send(this.#url(operation));
  }

  async #send(url: string, init?: RequestInit): Promise<Response> {
    const response = await this.#fetch(url, init);
    if (!response.ok) {
      throw new ScepClientError(
        `SCEP server answered HTTP ${response.status} to ${url.split('&message=')[0]}`,
      );
    }
    return response;
  }
}
