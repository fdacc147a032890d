import { describe, expect, it } from 'vitest';
import { expandNestedGroups } from '../../../core/directory/nested-groups.js';

const users = new Map([
  ['uid=a,ou=p', 'A'],
  ['uid=b,ou=p', 'B'],
]);

describe('nested group expansion', () => {
  it('follows nesting, marks direct members, and visits a cycle once', () => {
    const [one, two] = expandNestedGroups(
      [
        { externalId: '1', dn: 'cn=one,ou=g', memberDns: ['UID=a, ou=p', 'cn=two,ou=g'] },
        { externalId: '2', dn: 'cn=two,ou=g', memberDns: ['uid=b,ou=p', 'cn=one,ou=g'] },
      ],
      users,
      10,
    );
    expect([...one!.effective].sort()).toEqual(['A', 'B']);
    expect([...one!.direct]).toEqual(['A']);
    expect([...two!.effective].sort()).toEqual(['A', 'B']);
  });

  it('stops at the nesting bound', () => {
    const [top] = expandNestedGroups(
      [
        { externalId: '1', dn: 'cn=1', memberDns: ['cn=2'] },
        { externalId: '2', dn: 'cn=2', memberDns: ['cn=3'] },
        { externalId: '3', dn: 'cn=3', memberDns: ['uid=a,ou=p'] },
      ],
      users,
      1,
    );
    expect(top!.effective.size).toBe(0);
  });
});
