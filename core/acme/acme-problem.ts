// ACME errors as RFC 8555 §6.7 problem documents (RFC 7807): one typed error, one table of types and statuses.

/** The RFC 8555 §6.7 types Keep answers with, and badAttestationStatement from the device-attestation draft. */
export const ACME_PROBLEM_STATUS = {
  badNonce: 400,
  malformed: 400,
  badSignatureAlgorithm: 400,
  badCSR: 400,
  badAttestationStatement: 400,
  rejectedIdentifier: 400,
  unsupportedIdentifier: 400,
  accountDoesNotExist: 400,
  orderNotReady: 403,
  unauthorized: 403,
  rateLimited: 429,
  serverInternal: 500,
} as const;

export type AcmeProblemType = keyof typeof ACME_PROBLEM_STATUS;

export interface AcmeProblemDocument {
  type: `urn:ietf:params:acme:error:${AcmeProblemType}`;
  detail: string;
  status: number;
}

/** A refusal of an ACME request; the edge's ACME routes turn it into `application/problem+json`. */
export class AcmeProblem extends Error {
  override name = 'AcmeProblem';
  constructor(
    readonly type: AcmeProblemType,
    readonly detail: string,
    options?: ErrorOptions,
  ) {
    super(`${type}: ${detail}`, options);
  }

  get status(): number {
    return ACME_PROBLEM_STATUS[this.type];
  }

  document(): AcmeProblemDocument {
    return { type: `urn:ietf:params:acme:error:${this.type}`, detail: this.detail, status: this.status };
  }
}
