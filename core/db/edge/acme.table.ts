// The edge's ACME state (RFC 8555): single-use nonces, accounts (their public keys), and orders, each with its
// one authorization and device-attest-01 challenge. Nothing secret: keys are public, tokens are one-time nonces.
import type { ColumnType, Generated, Selectable } from 'kysely';

export interface AcmeNonceTable {
  nonce: string;
  expires_at: Date;
}

export interface AcmeAccountTable {
  id: Generated<string>;
  /** RFC 7638 thumbprint of the account key: one account per key. */
  thumbprint: string;
  jwk: ColumnType<Record<string, unknown>, string, never>;
  created_at: Generated<Date>;
}

export type AcmeOrderStatus = 'pending' | 'ready' | 'processing' | 'valid' | 'invalid';
export type AcmeChallengeStatus = 'pending' | 'processing' | 'valid' | 'invalid';

export interface AcmeOrderTable {
  id: Generated<string>;
  account_id: string;
  /** The permanent-identifier the order names (a serial number or UDID). */
  identifier: string;
  status: AcmeOrderStatus;
  /** The device-attest-01 token: the attestation's freshness code is its SHA-256. */
  token: string;
  challenge_status: AcmeChallengeStatus;
  /** The RFC 8555 problem document a failed challenge or finalize is answered with. */
  error: ColumnType<Record<string, unknown> | null, string | null, string | null>;
  /** The verified attestation object (base64), kept for the core to check again at finalize. */
  attestation: string | null;
  /** SubjectPublicKeyInfo DER of the attested key: the only key finalize accepts. */
  attested_key: Buffer | null;
  /** The certificate and Keep's chain, PEM, once issued. */
  certificate_chain: string | null;
  expires_at: Date;
  created_at: Generated<Date>;
}

export type AcmeOrder = Selectable<AcmeOrderTable>;
