// Checks, in the core, that a check-in message the edge relays was signed by the identity certificate Keep issued
// for that device's enrollment: the edge cannot forge it, so it proves the device itself is asking.
// https://developer.apple.com/documentation/devicemanagement/implementing-device-management/managing-certificates-for-mdm-servers-and-devices
import { ApplicationFailure } from '@temporalio/common';
import type { Kysely } from 'kysely';
import { decodeCheckin, type CheckinMessageType } from '../../core/apple/checkin/index.js';
import { parsePlistDict } from '../../core/apple/plist-codec.js';
import { verifySignedData } from '../../core/cms/index.js';
import type { CoreDatabase } from '../../core/db/core-database.js';
import type { SignedDeviceRequest } from '../../core/device/signed-device-request.js';

const refuse = (reason: string) =>
  ApplicationFailure.nonRetryable(`the device request is not proven: ${reason}`, 'DeviceRequestRefused');

/** Returns the SHA-256 fingerprint of the certificate that signed, or fails (non-retryable) with the reason. */
export async function verifyDeviceRequest(
  db: Kysely<CoreDatabase>,
  deviceId: string,
  messageType: CheckinMessageType,
  request: SignedDeviceRequest | undefined,
): Promise<string> {
  if (!request?.signatureBase64 || !request.bodyBase64) throw refuse('no Mdm-Signature was relayed');
  const body = Buffer.from(request.bodyBase64, 'base64');
  let fingerprint: string;
  let type: string;
  try {
    const { signer } = verifySignedData(Buffer.from(request.signatureBase64, 'base64'), {
      detachedContent: body,
      maxBytes: 64 * 1024,
    });
    fingerprint = signer.certificate.sha256;
    type = decodeCheckin(parsePlistDict(body)).messageType;
  } catch (cause) {
    throw ApplicationFailure.create({
      message: 'the device request is not proven: its signature or body does not verify',
      type: 'DeviceRequestRefused',
      nonRetryable: true,
      cause: cause instanceof Error ? cause : undefined,
    });
  }
  if (type !== messageType) throw refuse(`the signed message is ${type}, not ${messageType}`);
  const bound = await db
    .selectFrom('certificates')
    .innerJoin('devices', 'devices.enrollment_id', 'certificates.enrollment_id')
    .select('certificates.revoked_at')
    .where('devices.id', '=', deviceId)
    .where('certificates.sha256_fingerprint', '=', fingerprint)
    .where('certificates.profile', '=', 'device-identity')
    .executeTakeFirst();
  if (!bound) throw refuse("the signer is not the identity issued for this device's enrollment");
  if (bound.revoked_at) throw refuse('the signer certificate is revoked');
  return fingerprint;
}
