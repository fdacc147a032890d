// What a device in Setup Assistant says about itself (MachineInfo: the POST body to the ADE profile's `url`, or the
// `x-apple-aspen-deviceinfo` header on `configuration_web_url`), and how the core's refusal of it reads.
// https://developer.apple.com/documentation/devicemanagement/machineinfo
// https://developer.apple.com/documentation/devicemanagement/authenticating-through-web-views
import { ApplicationFailure } from '@temporalio/client';
import { HTTPException } from 'hono/http-exception';
import { optional } from '../../core/apple/plist-fields.js';
import { CmsError, verifySignedData, type TrustStore } from '../../core/cms/index.js';
import { parseDeviceBody } from './parse-device-body.js';
import type { AppleHardware } from '../../core/apple/attestation-capability.js';

export interface MachineInfo {
  serialNumber: string;
  /** PRODUCT and OS_VERSION (iOS 17, macOS 14 and later): what the core decides whether the device can attest from. */
  machine: AppleHardware;
}

/**
 * `signed` is MachineInfo inside CMS SignedData made by the device; its signature is checked with Node's crypto
 * against the certificate the device sent. With `deviceCa` (edge.appleDeviceCaFile) that certificate must also chain,
 * through the intermediates the message carries, to one of its roots, and a bare plist is refused; without it the
 * chain is not checked. The profile's `url` also accepts the bare plist (`signed: false`), as older devices post it.
 */
export function readMachineInfo(body: Buffer, signed: boolean, deviceCa?: TrustStore): MachineInfo {
  let plist = body;
  if (signed || body[0] === 0x30) {
    let verified;
    try {
      verified = verifySignedData(body);
    } catch (cause) {
      throw new HTTPException(400, {
        message: 'malformed request: MachineInfo signature does not verify',
        cause,
      });
    }
    try {
      deviceCa?.verify(verified.signer.certificate, verified.certificates);
    } catch (cause) {
      if (!(cause instanceof CmsError)) throw cause;
      throw new HTTPException(400, {
        message: `malformed request: MachineInfo signer is not an Apple device (${cause.message})`,
        cause,
      });
    }
    plist = verified.content;
  } else if (deviceCa) {
    throw new HTTPException(400, {
      message:
        'malformed request: MachineInfo is not signed, and this server requires a signature from an Apple device',
    });
  }
  return parseDeviceBody(plist, (dict) => {
    const serial = optional(dict, 'SERIAL', 'string');
    if (!serial) throw new HTTPException(400, { message: 'malformed request: MachineInfo has no SERIAL' });
    const product = optional(dict, 'PRODUCT', 'string');
    const osVersion = optional(dict, 'OS_VERSION', 'string');
    return {
      serialNumber: serial,
      machine: { ...(product ? { product } : {}), ...(osVersion ? { osVersion } : {}) },
    };
  });
}

/** The NotAdmitted failure behind a failed admission (workflow → child or activity → application failure). */
export function notAdmitted(error: unknown): boolean {
  let cause: unknown = error;
  while (cause instanceof Error) {
    if (cause instanceof ApplicationFailure) return cause.type === 'NotAdmitted';
    cause = cause.cause;
  }
  return false;
}
