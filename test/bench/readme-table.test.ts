// The README's benchmark table comes from result files: rows, params, load average and date, and only the marked block.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BEGIN,
  END,
  readResults,
  ReadmeTableError,
  renderTable,
  replaceBlock,
  type ResultFile,
} from './readme-table.js';

const checkin: ResultFile = {
  name: 'apple-checkin',
  at: '2026-11-30T10:48:25.123Z',
  loadavg: [15.32, 14.87, 12.59],
  params: { devices: 200, transport: 'https-loopback' },
  metrics: {
    idle_per_s: { value: 512.5, unit: 'checkins/s' },
    workflow_tasks_per_idle_checkin: { value: 0, unit: 'tasks' },
  },
};
const older: ResultFile = {
  name: 'plist',
  params: { seconds: 2 },
  metrics: { parses_per_s: { value: 11000, unit: 'parses/s' } },
};

describe('the README benchmark table', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('has a row per metric, with the run’s params, load average and date on its first row', () => {
    const lines = renderTable([checkin]).split('\n');
    expect(lines[0]).toBe('| benchmark | metric | value | unit | params | load average | date |');
    expect(lines[2]).toBe(
      '| `apple-checkin` | idle_per_s | 512.5 | checkins/s | devices=200, transport=https-loopback | 15.32 / 14.87 / 12.59 | 2026-11-30 10:48 |',
    );
    expect(lines[3]).toBe('|  | workflow_tasks_per_idle_checkin | 0 | tasks |  |  |  |');
  });

  it('says when a result predates the load average and date, and orders benchmarks by name', () => {
    const table = renderTable([older, checkin]);
    expect(table.indexOf('`apple-checkin`')).toBeLessThan(table.indexOf('`plist`'));
    expect(table).toContain(
      '| `plist` | parses_per_s | 11000 | parses/s | seconds=2 | not recorded | not recorded |',
    );
  });

  it('replaces only what is between the markers', () => {
    const readme = `# Keep\n\nbefore\n\n${BEGIN}\n\n| old | table |\n\n${END}\n\nafter\n`;
    const replaced = replaceBlock(readme, '| new |');
    expect(replaced).toBe(`# Keep\n\nbefore\n\n${BEGIN}\n\n| new |\n\n${END}\n\nafter\n`);
    expect(replaceBlock(replaced, '| new |')).toBe(replaced);
  });

  it('refuses a README without the markers rather than appending somewhere', () => {
    expect(() => replaceBlock('# Keep\n', '| t |')).toThrow(ReadmeTableError);
    expect(() => replaceBlock(`${END}\n${BEGIN}\n`, '| t |')).toThrow(/bench:begin/);
  });

  it('reads every result file of a folder and names a file that is not a result', async () => {
    dir = await mkdtemp(join(tmpdir(), 'keep-bench-results-'));
    await writeFile(join(dir, 'apple-checkin.json'), JSON.stringify(checkin));
    await writeFile(join(dir, 'plist.json'), JSON.stringify(older));
    await writeFile(join(dir, 'notes.txt'), 'ignored');
    expect((await readResults(dir)).map((r) => r.name)).toEqual(['apple-checkin', 'plist']);
    await writeFile(join(dir, 'broken.json'), JSON.stringify({ metrics: {} }));
    await expect(readResults(dir)).rejects.toThrow(/broken\.json: expected/);
  });
});
