// The documents of a `keep apply` folder: kinds, located problems, and names declared twice.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApplyDocumentsError,
  parseApplyFile,
  readApplyFolder,
  type ApplyProblem,
} from '../../../cli/apply/apply-documents.js';

function problemsOf(read: () => unknown): readonly ApplyProblem[] {
  try {
    read();
  } catch (error) {
    if (error instanceof ApplyDocumentsError) return error.problems;
    throw error;
  }
  throw new Error('expected ApplyDocumentsError');
}

describe('apply documents', () => {
  let dir: string | undefined;
  afterEach(() => dir && rmSync(dir, { recursive: true, force: true }));

  it('reads several kinds from one file, dropping a version the server assigns', () => {
    const { documents, problems } = parseApplyFile(
      'fleet.yaml',
      'kind: Team\nname: sales\n---\nkind: Policy\nschemaVersion: 1\nname: p\nversion: 7\nsettings: {}\n---\n',
    );
    expect(problems).toEqual([]);
    expect(documents).toEqual([
      { kind: 'Team', name: 'sales', source: { file: 'fleet.yaml', line: 1 } },
      {
        kind: 'Policy',
        policy: { schemaVersion: 1, name: 'p', settings: {} },
        source: { file: 'fleet.yaml', line: 4 },
      },
    ]);
  });

  it('reads a label with the serial numbers of its devices, each located, and names a malformed label', () => {
    const { documents, problems } = parseApplyFile(
      'labels.yaml',
      'kind: Label\nname: canary\ndevices:\n  - C02AAA\n  - C02BBB\n---\nkind: Label\nname: two words\ndevices: []\n',
    );
    expect(documents).toEqual([
      {
        kind: 'Label',
        name: 'canary',
        devices: [
          { serial: 'C02AAA', source: { file: 'labels.yaml', line: 4 } },
          { serial: 'C02BBB', source: { file: 'labels.yaml', line: 5 } },
        ],
        source: { file: 'labels.yaml', line: 1 },
      },
    ]);
    expect(problems).toEqual([
      expect.objectContaining({
        file: 'labels.yaml',
        line: 8,
        path: 'name',
        message: expect.stringContaining('1–63'),
      }),
    ]);
  });

  it('names the field and line of an unknown kind, an unknown field and a YAML syntax error', () => {
    expect(parseApplyFile('a.yaml', 'name: x\nkind: Widget\n').problems).toEqual([
      expect.objectContaining({ file: 'a.yaml', line: 2, path: 'kind' }),
    ]);
    expect(parseApplyFile('b.yaml', 'kind: Team\nname: x\ncolour: red\n').problems).toEqual([
      { file: 'b.yaml', line: 3, path: 'colour', message: 'unknown field colour' },
    ]);
    expect(parseApplyFile('c.yaml', 'kind: Team\nname: [x\n').problems).toEqual([
      expect.objectContaining({ file: 'c.yaml', path: '' }),
    ]);
  });

  it('refuses a name declared twice across files, pointing at both', () => {
    dir = mkdtempSync(join(tmpdir(), 'keep-apply-docs-'));
    writeFileSync(join(dir, 'a.yaml'), 'kind: Team\nname: sales\n');
    writeFileSync(join(dir, 'b.yml'), '# teams again\nkind: Team\nname: sales\n');
    writeFileSync(join(dir, 'notes.txt'), 'not a document');
    expect(problemsOf(() => readApplyFolder(dir!))).toEqual([
      {
        file: 'b.yml',
        line: 2,
        path: 'name',
        message: 'Team "sales" is declared again (first in a.yaml:1)',
      },
    ]);
  });

  it('refuses a folder without YAML files', () => {
    dir = mkdtempSync(join(tmpdir(), 'keep-apply-docs-'));
    expect(problemsOf(() => readApplyFolder(dir!))).toEqual([
      { file: dir, path: '', message: 'no .yaml or .yml files' },
    ]);
  });
});
