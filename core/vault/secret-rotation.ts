// What a secret rotation is, shared by the admin API, the core activities and secretRotationWorkflow: which kinds
// Keep can rotate on the device, and the workflow's input.
import type { VaultSecretKind } from './vault-envelope.js';

/** Secrets Keep can change on the device (a bootstrap token is the device's own, and is not rotated). */
export type RotatableSecretKind = Extract<VaultSecretKind, 'recovery-lock' | 'filevault-prk' | 'local-admin'>;

export const ROTATABLE_SECRET_KINDS: readonly RotatableSecretKind[] = [
  'recovery-lock',
  'filevault-prk',
  'local-admin',
];

export const isRotatableSecretKind = (kind: string): kind is RotatableSecretKind =>
  (ROTATABLE_SECRET_KINDS as readonly string[]).includes(kind);

export interface SecretRotationInput {
  deviceId: string;
  kind: RotatableSecretKind;
  /** The edge whose sealing key seals the command (it carries the current and the new secret). */
  edgeTaskQueue: string;
  /** After a refusal the rotation is tried again after this long, doubling each time up to a day. */
  retryAfterMs: number;
  /** Why (audited): `reveal <request id>`, `schedule`, or the admin who asked. */
  reason: string;
}
