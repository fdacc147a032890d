// Runs the openssl CLI in a scratch folder, the independent cross-check for everything the CA writes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Scratch {
  dir: string;
  path(name: string): string;
  write(name: string, content: string | Uint8Array): string;
  read(name: string): Buffer;
  /** Returns stdout+stderr; throws (with that output) when openssl exits non-zero. */
  openssl(...args: string[]): string;
  remove(): void;
}

export function scratch(): Scratch {
  const dir = mkdtempSync(join(tmpdir(), 'keep-pki-'));
  const path = (name: string) => join(dir, name);
  return {
    dir,
    path,
    write(name, content) {
      writeFileSync(path(name), content);
      return path(name);
    },
    read: (name) => readFileSync(path(name)),
    openssl(...args) {
      const run = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
      const output = `${run.stdout}${run.stderr}`;
      if (run.status !== 0)
        throw new Error(`openssl ${args.join(' ')} failed:\n${output}`, { cause: run.error });
      return output;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A DER CSR made by openssl, with the subject and challengePassword the device would send. */
export function opensslCsr(
  s: Scratch,
  name: string,
  newkey: string[],
  options: { subject?: string; challengePassword?: string } = {},
): Buffer {
  const config = [
    '[req]',
    'distinguished_name = dn',
    'prompt = no',
    ...(options.challengePassword ? ['attributes = attrs'] : []),
    '[dn]',
    `CN = ${options.subject ?? 'requested-by-device'}`,
    ...(options.challengePassword ? ['[attrs]', `challengePassword = ${options.challengePassword}`] : []),
  ].join('\n');
  s.write(`${name}.cnf`, config);
  s.openssl(
    'req',
    '-new',
    ...newkey,
    '-nodes',
    '-config',
    `${name}.cnf`,
    '-keyout',
    `${name}.key`,
    '-outform',
    'DER',
    '-out',
    `${name}.csr`,
  );
  return s.read(`${name}.csr`);
}
