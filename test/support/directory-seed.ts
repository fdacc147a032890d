// Seeds and edits a test directory (slapd) through ldapts: people and groups, OpenLDAP-style or AD-like.
import { randomUUID } from 'node:crypto';
import { Attribute, Change, type Client } from 'ldapts';
import { objectGuidFromString } from '../../core/directory/active-directory.js';
import { directorySettings, type DirectorySettings } from '../../core/config/config.schema.js';
import type { Slapd } from './slapd.js';

export interface SeedUser {
  uid: string;
  mail?: string;
  /** Set as userPassword, so the user can bind (enrolment with directory credentials). */
  password?: string;
  /** AD-like entries only. */
  ad?: { guid?: string; userAccountControl?: number; usn: number };
}

export interface SeedGroup {
  cn: string;
  members: string[];
  ad?: { guid?: string; usn: number };
}

export const userDn = (slapd: Slapd, uid: string) => `uid=${uid},ou=people,${slapd.baseDn}`;
export const groupDn = (slapd: Slapd, cn: string) => `cn=${cn},ou=groups,${slapd.baseDn}`;

function adAttributes(ad: { guid?: string; usn: number }, extra: Record<string, string>): Attribute[] {
  return [
    new Attribute({ type: 'objectGUID', values: [objectGuidFromString(ad.guid ?? randomUUID())] }),
    new Attribute({ type: 'uSNChanged', values: [String(ad.usn)] }),
    ...Object.entries(extra).map(([type, value]) => new Attribute({ type, values: [value] })),
  ];
}

export async function withAdmin<T>(slapd: Slapd, use: (client: Client) => Promise<T>): Promise<T> {
  const client = await slapd.adminClient();
  try {
    return await use(client);
  } finally {
    await client.unbind();
  }
}

export async function addUser(slapd: Slapd, user: SeedUser): Promise<void> {
  await withAdmin(slapd, async (client) => {
    const base = [
      new Attribute({ type: 'objectClass', values: ['inetOrgPerson', ...(user.ad ? ['keepAdObject'] : [])] }),
      new Attribute({ type: 'uid', values: [user.uid] }),
      new Attribute({ type: 'cn', values: [user.uid] }),
      new Attribute({ type: 'sn', values: [user.uid] }),
      ...(user.mail ? [new Attribute({ type: 'mail', values: [user.mail] })] : []),
      ...(user.password ? [new Attribute({ type: 'userPassword', values: [user.password] })] : []),
    ];
    const ad = user.ad
      ? adAttributes(user.ad, {
          sAMAccountName: user.uid,
          userPrincipalName: `${user.uid}@keep.test`,
          userAccountControl: String(user.ad.userAccountControl ?? 512),
        })
      : [];
    await client.add(userDn(slapd, user.uid), [...base, ...ad]);
  });
}

export async function addGroup(slapd: Slapd, group: SeedGroup): Promise<void> {
  await withAdmin(slapd, async (client) => {
    await client.add(groupDn(slapd, group.cn), [
      new Attribute({ type: 'objectClass', values: ['groupOfNames', ...(group.ad ? ['keepAdObject'] : [])] }),
      new Attribute({ type: 'cn', values: [group.cn] }),
      new Attribute({ type: 'member', values: group.members }),
      ...(group.ad ? adAttributes(group.ad, {}) : []),
    ]);
  });
}

/** Replaces attribute values on an entry (one modify request). */
export async function replace(slapd: Slapd, dn: string, values: Record<string, string[]>): Promise<void> {
  await withAdmin(slapd, (client) =>
    client.modify(
      dn,
      Object.entries(values).map(
        ([type, vals]) =>
          new Change({ operation: 'replace', modification: new Attribute({ type, values: vals }) }),
      ),
    ),
  );
}

export async function removeEntry(slapd: Slapd, dn: string): Promise<void> {
  await withAdmin(slapd, (client) => client.del(dn));
}

/** Directory settings for the core that point at this slapd (StartTLS, its CA, the admin bind). */
export function settingsFor(slapd: Slapd, extra: Record<string, unknown> = {}): DirectorySettings {
  return directorySettings.parse({
    url: slapd.url,
    bindDn: slapd.adminDn,
    bindPassword: slapd.adminPassword,
    baseDn: slapd.baseDn,
    caFile: slapd.caFile,
    ...extra,
  });
}

export const computerDn = (slapd: Slapd, name: string) => `cn=${name},${slapd.baseDn}`;

/** An AD-like computer object (needs `adLikeSchema`). */
export async function addComputer(slapd: Slapd, name: string): Promise<void> {
  await withAdmin(slapd, (client) =>
    client.add(computerDn(slapd, name), [
      new Attribute({ type: 'objectClass', values: ['computer'] }),
      new Attribute({ type: 'cn', values: [name] }),
      new Attribute({ type: 'sAMAccountName', values: [`${name}$`] }),
    ]),
  );
}

export interface SeedRecoveryInformation {
  recoveryGuid: string;
  volumeGuid: string;
  password: string;
}

/**
 * A BitLocker recovery password as Windows backs it up: an msFVE-RecoveryInformation child of the computer, named
 * `<creation time>{<recovery GUID>}` as AD names it. Returns its DN.
 */
export async function addRecoveryInformation(
  slapd: Slapd,
  computer: string,
  info: SeedRecoveryInformation,
  created = new Date(),
): Promise<string> {
  const cn = `${created.toISOString().slice(0, 19)}-00:00{${info.recoveryGuid.toUpperCase()}}`;
  const dn = `cn=${cn},${computerDn(slapd, computer)}`;
  await withAdmin(slapd, (client) =>
    client.add(dn, [
      new Attribute({ type: 'objectClass', values: ['msFVE-RecoveryInformation'] }),
      new Attribute({ type: 'cn', values: [cn] }),
      new Attribute({ type: 'msFVE-RecoveryPassword', values: [info.password] }),
      new Attribute({ type: 'msFVE-RecoveryGuid', values: [objectGuidFromString(info.recoveryGuid)] }),
      new Attribute({ type: 'msFVE-VolumeGuid', values: [objectGuidFromString(info.volumeGuid)] }),
    ]),
  );
  return dn;
}
