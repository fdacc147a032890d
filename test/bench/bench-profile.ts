// The enrollment profile a benchmark's fleet installs: Keep's builder, with plain-HTTP URLs allowed on loopback.
import { buildEnrollmentProfile } from '../../core/apple/enrollment-profile.js';
import { buildPlist, type PlistDict } from '../../core/apple/plist-codec.js';

/**
 * A profile whose MDM payload points at `serverUrl` and `checkInUrl`. Keep's profile builder accepts only
 * https (as a real device requires), so plain-HTTP URLs (NanoMDM, or an edge without TLS) are set afterwards.
 * The SCEP payload is never used: the fleet's identities are issued ahead of the run.
 */
export function benchProfile(urls: { serverUrl: string; checkInUrl: string }, topic: string): Uint8Array {
  const https = (url: string) => url.replace(/^http:/, 'https:');
  const profile = buildEnrollmentProfile({
    identifier: 'dev.keep.bench',
    displayName: 'Keep bench',
    serverUrl: https(urls.serverUrl),
    checkInUrl: https(urls.checkInUrl),
    topic,
    scep: {
      url: `${new URL(https(urls.serverUrl)).origin}/scep/unused`,
      subject: [['CN', 'bench']],
      challenge: 'unused',
    },
  });
  const payloads = profile.PayloadContent as PlistDict[];
  const mdm = payloads.find((payload) => payload.PayloadType === 'com.apple.mdm');
  if (!mdm) throw new Error('the profile has no com.apple.mdm payload');
  mdm.ServerURL = urls.serverUrl;
  mdm.CheckInURL = urls.checkInUrl;
  return new TextEncoder().encode(buildPlist(profile));
}
