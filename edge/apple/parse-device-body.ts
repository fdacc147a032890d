// Parses a device's plist body with the safe codec; any parse or decode problem is a 400 naming it.
import { HTTPException } from 'hono/http-exception';
import { PlistError, parsePlistDict, type PlistDict } from '../../core/apple/plist-codec.js';
import { MdmMessageError } from '../../core/apple/plist-fields.js';

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
