// Every setting is documented: in the README's table and in the example configuration.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adminProcessConfig, coreProcessConfig, edgeProcessConfig } from '../core/config/config.schema.js';
import { listSettings } from '../core/config/load-config.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const example = readFileSync(new URL('../deploy/keep.example.yaml', import.meta.url), 'utf8');

describe('configuration docs', () => {
  const settings = [edgeProcessConfig, coreProcessConfig, adminProcessConfig].flatMap((schema) =>
    listSettings(schema),
  );

  it.each(settings.map((s) => [s.env, s.path]))('README documents %s', (env) => {
    expect(readme).toContain(`\`${env}\``);
  });

  it.each(settings.map((s) => [s.path]))('the example configuration shows %s', (path) => {
    const key = path.split('.').at(-1)!;
    expect(example).toMatch(new RegExp(`^\\s+#? ?${key}:`, 'm'));
  });
});
