// Builds the plist bodies the server returns to check-in messages that expect an answer.
import { buildPlist } from '../plist-codec.js';

/**
 * https://developer.apple.com/documentation/devicemanagement/getbootstraptokenresponse
 * With no escrowed token the dictionary is empty, which tells the device there is none.
 */
export function buildGetBootstrapTokenResponse(bootstrapToken?: Uint8Array): string {
  return buildPlist(bootstrapToken ? { BootstrapToken: bootstrapToken } : {});
}

/**
 * https://developer.apple.com/documentation/devicemanagement/userauthenticateresponse
 * First round: a DigestChallenge (an empty string lets the user in without a digest). Second round,
 * after the device's DigestResponse: the AuthToken it presents on the user channel from then on.
 * Declining the user channel is an HTTP 410, not a body.
 */
export type UserAuthenticateResponse = { digestChallenge: string } | { authToken: string };

export function buildUserAuthenticateResponse(response: UserAuthenticateResponse): string {
  return buildPlist(
    'digestChallenge' in response
      ? { DigestChallenge: response.digestChallenge }
      : { AuthToken: response.authToken },
  );
}

/** https://developer.apple.com/documentation/devicemanagement/gettokenresponse */
export function buildGetTokenResponse(tokenData: Uint8Array | string): string {
  const data = typeof tokenData === 'string' ? new TextEncoder().encode(tokenData) : tokenData;
  return buildPlist({ TokenData: data });
}
