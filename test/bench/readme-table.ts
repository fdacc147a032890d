// `npm run bench:table`: rewrites the README's benchmark figures from test/bench/results/*.json, never by hand.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { format, resolveConfig } from 'prettier';
import type { BenchParams, Metric } from './benchmark.js';

export const BEGIN = '<!-- bench:begin -->';
export const END = '<!-- bench:end -->';

/** A result file as test/bench/run.ts writes it; `at` and `loadavg` are absent from files of older runs. */
export interface ResultFile {
  name: string;
  at?: string;
  loadavg?: number[];
  params: BenchParams;
  metrics: Record<string, Metric>;
}

export class ReadmeTableError extends Error {
  override readonly name = 'ReadmeTableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export async function readResults(dir: string): Promise<ResultFile[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const results: ResultFile[] = [];
  for (const file of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(join(dir, file), 'utf8'));
    } catch (cause) {
      throw new ReadmeTableError(`${file}: not JSON`, { cause });
    }
    const result = parsed as Partial<ResultFile>;
    if (typeof result.name !== 'string' || typeof result.metrics !== 'object' || !result.metrics) {
      throw new ReadmeTableError(`${file}: expected {"name", "params", "metrics"}`);
    }
    results.push({ ...result, params: result.params ?? {} } as ResultFile);
  }
  return results;
}

/** Markdown cells hold no pipes or line breaks. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s+/g, ' ');
}

function describeParams(params: BenchParams): string {
  return Object.entries(params)
    .map(([key, value]) => `${key}=${String(value)}`)
    .join(', ');
}

/**
 * One row per metric. The run's params, load average (1, 5, 15 min, at the end of the run) and date are on
 * each benchmark's first row, since they hold for all of its metrics.
 */
export function renderTable(results: ResultFile[]): string {
  const rows = [
    '| benchmark | metric | value | unit | params | load average | date |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const result of [...results].sort((a, b) => a.name.localeCompare(b.name))) {
    Object.entries(result.metrics).forEach(([key, m], i) => {
      const first = i === 0;
      rows.push(
        `| ${[
          first ? `\`${result.name}\`` : '',
          key,
          String(m.value),
          m.unit,
          first ? describeParams(result.params) : '',
          first ? (result.loadavg?.map((l) => l.toFixed(2)).join(' / ') ?? 'not recorded') : '',
          first ? (result.at?.slice(0, 16).replace('T', ' ') ?? 'not recorded') : '',
        ]
          .map(cell)
          .join(' | ')} |`,
      );
    });
  }
  return rows.join('\n');
}

/** The README with everything between the markers replaced by `table`; the rest untouched. */
export function replaceBlock(readme: string, table: string): string {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new ReadmeTableError(`the README has no ${BEGIN} … ${END} block`);
  return `${readme.slice(0, begin + BEGIN.length)}\n\n${table}\n\n${readme.slice(end)}`;
}

async function main(): Promise<void> {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const readmePath = join(root, 'README.md');
  const results = await readResults(join(root, 'test/bench/results'));
  if (results.length === 0) throw new ReadmeTableError('no result files: run `npm run bench -- NAME` first');
  const readme = replaceBlock(await readFile(readmePath, 'utf8'), renderTable(results));
  // Formatted as `npm run format` would, so format:check passes on the generated table.
  const options = (await resolveConfig(readmePath)) ?? {};
  await writeFile(readmePath, await format(readme, { ...options, filepath: readmePath }));
  console.log(`README.md: ${results.length} benchmark(s) written between the bench markers`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
