// `npm run bench -- NAME [--key=value …]`: runs test/bench/NAME.bench.ts, prints its figures, writes results/NAME.json.
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchParams, BenchResult, Benchmark } from './benchmark.js';
import { loadAverage } from './proc-stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const SUFFIX = '.bench.ts';

function parseArgs(argv: string[]): { name: string | undefined; params: BenchParams } {
  const params: BenchParams = {};
  let name: string | undefined;
  for (const arg of argv) {
    const match = /^--([\w-]+)(?:=(.*))?$/.exec(arg);
    if (match) params[match[1]!] = match[2] ?? true;
    else name ??= arg;
  }
  return { name, params };
}

function printTable(name: string, result: BenchResult): void {
  const rows = Object.entries(result.metrics).map(([key, m]) => [key, String(m.value), m.unit]);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), 6));
  console.log(`\n${name}  ${JSON.stringify(result.params)}`);
  for (const [key, value, unit] of rows) {
    console.log(`  ${key!.padEnd(widths[0]!)}  ${value!.padStart(widths[1]!)}  ${unit}`);
  }
  for (const note of result.notes ?? []) console.log(`  · ${note}`);
}

async function main(): Promise<number> {
  const { name, params } = parseArgs(process.argv.slice(2));
  const available = (await readdir(here))
    .filter((f) => f.endsWith(SUFFIX))
    .map((f) => f.slice(0, -SUFFIX.length));
  if (!name || !available.includes(name)) {
    console.error(
      `${name ? `no benchmark "${name}"` : 'name a benchmark'}; available: ${available.join(', ')}`,
    );
    return 2;
  }
  const module = (await import(pathToFileURL(join(here, `${name}${SUFFIX}`)).href)) as { default: Benchmark };
  const result = await module.default(params);
  printTable(name, result);
  const out = join(here, 'results', `${name}.json`);
  await mkdir(dirname(out), { recursive: true });
  // The load average at the end of the run says how much the machine was shared while it ran.
  const written = {
    name,
    at: new Date().toISOString(),
    loadavg: loadAverage(),
    params: result.params,
    metrics: result.metrics,
  };
  await writeFile(out, `${JSON.stringify(written, null, 2)}\n`);
  console.log(`\nwrote ${out}`);
  return 0;
}

// Exit explicitly: Temporal's native runtime can keep the event loop alive after everything closed.
main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
