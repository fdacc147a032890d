// The edge's side of the bootstrap-token escrow: it relays the token sealed both ways, so a compromised edge (or
// anyone with its payload key) finds nothing in Temporal, and it can fetch a token only with the device's signature.
// https://developer.apple.com/documentation/devicemanagement/get_bootstrap_token
import { bootstrapTokenContext } from '../../core/apple/bootstrap-token.js';
import { generateBoxKeyPair, openSealed, sealTo } from '../../core/crypto/sealed-box.js';
import { getBootstrapTokenUpdate, setBootstrapTokenUpdate } from '../../workflows/device.messages.js';
import { coreSealingRecipient } from '../core-sealing-key.js';
import { updateDeviceWorkflow, type DeviceWorkflowTarget } from '../device-workflow.js';
import { DeviceRefusal, fingerprintPrefix } from '../errors.js';
import type { DeviceIdentity } from './device-identity.js';

/** Seals the token to the core's sealing key before it enters Temporal; no token forgets the escrowed one. */
export async function escrowBootstrapToken(
  target: DeviceWorkflowTarget,
  deviceId: string,
  token: Uint8Array | undefined,
): Promise<void> {
  const sealedToken = token?.length
    ? sealTo(await coreSealingRecipient(target), token, bootstrapTokenContext(deviceId))
    : undefined;
  await updateDeviceWorkflow(target, deviceId, setBootstrapTokenUpdate, [sealedToken ? { sealedToken } : {}]);
}

/**
 * Relays the device's signed GetBootstrapToken (the core checks the signature against the identity bound to the
 * enrollment) with a key held only for this request, so the answer in the history is sealed to a key now gone.
 */
export async function fetchBootstrapToken(
  target: DeviceWorkflowTarget,
  deviceId: string,
  device: DeviceIdentity,
  signatureHeader: string | undefined,
): Promise<Buffer | undefined> {
  // Without a signature (mTLS) the core has no proof that the device asked; Apple devices sign check-ins.
  if (!signatureHeader)
    throw new DeviceRefusal(
      403,
      'bootstrap-token-unsigned',
      fingerprintPrefix(device.certificate.sha256),
      'GetBootstrapToken needs an Mdm-Signature',
    );
  const reply = generateBoxKeyPair();
  const { sealedToken } = await updateDeviceWorkflow(target, deviceId, getBootstrapTokenUpdate, [
    {
      replyTo: reply.recipient,
      signed: {
        bodyBase64: device.body.toString('base64'),
        signatureBase64: signatureHeader.replace(/\s+/g, ''),
      },
    },
  ]);
  return sealedToken ? openSealed(reply, sealedToken, bootstrapTokenContext(deviceId)) : undefined;
}
