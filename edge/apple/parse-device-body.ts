// Parses a device's plist body with the safe codec; any parse or decode problem is a 400 naming it.
import type { MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { PlistError, parsePlistDict, type PlistDict } from '../../core/apple/plist-codec.js';
import { MdmMessageError } from '../../core/apple/plist-fields.js';
import type { DeviceIdentityEnv } from './device-identity.js';

export function parseDeviceBody<T>(body: Buffer, decode: (dict: PlistDict) => T): T {
  try {
    return decode(parsePlistDict(body));
  } catch (err) {
    if (err instanceof PlistError || err instanceof MdmMessageError) {
      throw new HTTPException(400, { message: `malformed request: ${err.message}`, cause: err });
    }
    throw err;
  }
}

export type DeviceMessageEnv<M> = DeviceIdentityEnv & { Variables: { message: M } };

/** Middleware: decodes the authenticated body once, for the binding check and the handler alike. */
export function deviceMessage<M>(decode: (dict: PlistDict) => M): MiddlewareHandler<DeviceMessageEnv<M>> {
  return async function decodeDeviceMessage(c, next) {
    c.set('message', parseDeviceBody(c.get('device').body, decode));
    await next();
  };
}
