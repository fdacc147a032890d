import { describe, expect, it } from 'vitest';
import { parsePolicy, PolicyError, type PolicyProblem } from '../../../core/policy/index.js';

const VALID_YAML = `schemaVersion: 1
name: baseline
settings:
  passcode:
    minLength: 8
  wifi:
    - ssid: Office
      security: wpa2-personal
      password: correct-horse
`;

function problemsOf(text: string, format: 'yaml' | 'json'): PolicyProblem[] {
  try {
    parsePolicy(text, format);
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyError);
    return [...(error as PolicyError).problems];
  }
  throw new Error('expected the document to be refused');
}

describe('parsePolicy', () => {
  it('reads the same policy from YAML and from JSON', () => {
    const fromYaml = parsePolicy(VALID_YAML, 'yaml');
    const fromJson = parsePolicy(JSON.stringify(fromYaml), 'json');
    expect(fromJson).toEqual(fromYaml);
    expect(fromYaml.settings.passcode?.minLength).toBe(8);
  });

  it('names the field and the YAML line of a wrong value', () => {
    const text = VALID_YAML.replace('minLength: 8', 'minLength: eight');
    expect(problemsOf(text, 'yaml')).toEqual([
      expect.objectContaining({ path: 'settings.passcode.minLength', line: 5 }),
    ]);
  });

  it('names a field inside a list by its index and line', () => {
    const text = VALID_YAML.replace('password: correct-horse', 'password: short');
    expect(problemsOf(text, 'yaml')).toEqual([
      expect.objectContaining({ path: 'settings.wifi[0].password', line: 9 }),
    ]);
  });

  it('points an unknown field at its own line', () => {
    const text = VALID_YAML.replace('  passcode:\n', '  passcode:\n    minLenght: 6\n');
    expect(problemsOf(text, 'yaml')).toEqual([
      { path: 'settings.passcode.minLenght', line: 5, message: 'unknown field minLenght' },
    ]);
  });

  it('reports a missing field at the line of the object that lacks it', () => {
    const text = VALID_YAML.replace('      password: correct-horse\n', '');
    expect(problemsOf(text, 'yaml')).toEqual([
      expect.objectContaining({ path: 'settings.wifi[0].password', line: 7 }),
    ]);
  });

  it('refuses an enterprise network without trusted server names, naming the field', () => {
    const text = VALID_YAML.replace(
      'security: wpa2-personal\n      password: correct-horse',
      'security: wpa3-enterprise\n      identity: keep-ca',
    );
    expect(problemsOf(text, 'yaml').map((p) => p.path)).toEqual(['settings.wifi[0].trustedServerNames']);
  });

  it('refuses an app install without a source and an app listed twice', () => {
    const problems = problemsOf(
      JSON.stringify({
        schemaVersion: 1,
        name: 'apps',
        settings: {
          apps: [
            { bundleId: 'com.example.a', action: 'install' },
            { bundleId: 'com.example.a', action: 'remove' },
          ],
        },
      }),
      'json',
    );
    expect(problems.map((p) => p.path).sort()).toEqual(['settings.apps', 'settings.apps[0].action']);
    expect(problems.every((p) => p.line === undefined)).toBe(true);
  });

  it('refuses a deadline that is not a local date-time', () => {
    const problems = problemsOf(
      JSON.stringify({
        schemaVersion: 1,
        name: 'updates',
        settings: {
          osUpdates: [{ platform: 'iOS', minimumVersion: '18.1', deadline: '2026-12-01T18:00:00Z' }],
        },
      }),
      'json',
    );
    expect(problems).toEqual([expect.objectContaining({ path: 'settings.osUpdates[0].deadline' })]);
  });

  it('refuses a document version it does not know', () => {
    expect(problemsOf(VALID_YAML.replace('schemaVersion: 1', 'schemaVersion: 2'), 'yaml')).toEqual([
      expect.objectContaining({ path: 'schemaVersion', line: 1 }),
    ]);
  });

  it('refuses YAML syntax errors and duplicate keys with their line', () => {
    expect(problemsOf('schemaVersion: 1\nname: a\nname: b\n', 'yaml')).toEqual([
      expect.objectContaining({ path: '', line: 3 }),
    ]);
    expect(problemsOf('schemaVersion: 1\nname: [unclosed\n', 'yaml')[0]).toMatchObject({ path: '' });
  });

  it('refuses YAML aliases, which could expand a small document', () => {
    const text = 'schemaVersion: 1\nname: &n baseline\ndescription: *n\nsettings: {}\n';
    expect(problemsOf(text, 'yaml')).toEqual([expect.objectContaining({ path: '' })]);
  });

  it('refuses malformed JSON', () => {
    expect(problemsOf('{"schemaVersion": 1,', 'json')).toEqual([
      expect.objectContaining({ path: '', message: expect.stringMatching(/^not valid JSON/) }),
    ]);
  });

  it('puts every problem in the error message', () => {
    const text = VALID_YAML.replace('minLength: 8', 'minLength: 0').replace(
      'name: baseline',
      'name: Base Line',
    );
    expect(() => parsePolicy(text, 'yaml')).toThrow(
      /name \(line 2\).*settings\.passcode\.minLength \(line 5\)/,
    );
  });
});
