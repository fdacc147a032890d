import { describe, expect, it } from 'vitest';
import { parseTeamRules, teamsFor } from '../../../../core/apple/dep/index.js';

describe('zero-touch team rules', () => {
  const rules = parseTeamRules(
    'engineering=Engineering, platform = Platform,engineering=All staff,sales=All staff',
  );

  it('puts a device in the team of every group its owner is in, each team once and sorted', () => {
    expect(teamsFor(rules, ['sales', 'engineering', 'platform'])).toEqual([
      'All staff',
      'Engineering',
      'Platform',
    ]);
  });

  it('gives no team to an owner whose groups no rule names', () => {
    expect(teamsFor(rules, ['contractors'])).toEqual([]);
    expect(teamsFor(parseTeamRules(''), ['engineering'])).toEqual([]);
  });
});
