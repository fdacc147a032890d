// Runs an independent SCEP client (micromdm's scepclient) against a SCEP URL, for interop tests.
import { execFile } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** CI installs it with: go install github.com/micromdm/scep/v2/cmd/scepclient@v2.3.0 */
export const SCEPCLIENT_INSTALL = 'go install github.com/micromdm/scep/v2/cmd/scepclient@v2.3.0';

/** Where scepclient is: $KEEP_SCEPCLIENT, then $PATH, then $GOBIN / ~/go/bin; undefined if absent. */
export function findExternalScepClient(): string | undefined {
  const candidates = [
    process.env.KEEP_SCEPCLIENT,
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'scepclient')),
    process.env.GOBIN && join(process.env.GOBIN, 'scepclient'),
    join(process.env.GOPATH ?? join(homedir(), 'go'), 'bin', 'scepclient'),
  ];
  return candidates.find((path): path is string => {
    if (!path) return false;
    try {
      accessSync(path, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function externalScepClientMissing(): string | undefined {
  return findExternalScepClient()
    ? undefined
    : `micromdm scepclient not found; install it with: ${SCEPCLIENT_INSTALL}`;
}

/**
 * Whether the interop tests named `what` skip: only on a machine without scepclient and without `CI`.
 * Under CI (`.ci/run` sets CI=true) a missing client fails them instead, so a green run means they ran.
 */
export function skipWithoutExternalScepClient(what: string): boolean {
  const missing = externalScepClientMissing();
  if (!missing || process.env.CI) return false;
  console.warn(`skipping ${what}: ${missing}`);
  return true;
}

export interface ExternalEnrollment {
  url: string;
  challenge: string;
  commonName: string;
  dnsName?: string;
  timeoutMs?: number;
}

/** Enrolls with scepclient and returns the issued certificate as PEM; throws with its output on failure. */
export async function runExternalScepClient(options: ExternalEnrollment): Promise<string> {
  const tool = findExternalScepClient();
  if (!tool) throw new Error(externalScepClientMissing());
  const dir = mkdtempSync(join(tmpdir(), 'keep-scepclient-'));
  const certificatePath = join(dir, 'client.pem');
  const args = [
    '-server-url',
    options.url,
    '-challenge',
    options.challenge,
    '-private-key',
    join(dir, 'client.key'),
    '-certificate',
    certificatePath,
    '-cn',
    options.commonName,
    '-debug',
  ];
  if (options.dnsName) args.push('-dnsname', options.dnsName);
  try {
    await new Promise<void>((resolve, reject) => {
      execFile(tool, args, { cwd: dir, timeout: options.timeoutMs ?? 60_000 }, (error, stdout, stderr) => {
        if (error) {
          // Not error.message nor error as cause: they hold the command line, challenge included.
          const hide = (text: string) => text.split(options.challenge).join('<challenge>');
          const exit = error.code ?? error.signal ?? 'unknown';
          reject(new Error(`scepclient failed (exit ${exit}):\n${hide(stdout)}\n${hide(stderr)}`));
        } else resolve();
      });
    });
    return readFileSync(certificatePath, 'utf8');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
