import { describe, expect, it } from 'vitest';
import { parsePolicy, type PolicySettings } from '../../../../core/policy/index.js';
import {
  nodeReadTargets,
  removeNodeCommand,
  translateWindowsPolicy,
  verifyNodes,
  windowsPolicyCompliance,
  type NodeState,
} from '../../../../core/windows/policy/index.js';
import { parseXmlDocument } from '../../../../core/windows/xml-document.js';
import { translate, windows11, wire } from './windows-policy-fixtures.js';

const at = new Date('2026-11-30T10:00:00Z');
const PRODUCT_ID = '{0B1C2D3E-4F50-6172-8394-A5B6C7D8E9F0}';
const PRODUCT =
  './Device/Vendor/MSFT/EnterpriseDesktopAppManagement/MSI/%7B0B1C2D3E-4F50-6172-8394-A5B6C7D8E9F0%7D';
const INSTALL = `${PRODUCT}/DownloadInstall`;
const STATUS = `${PRODUCT}/Status`;
const LAST_ERROR = `${PRODUCT}/LastError`;
const SHA = 'c0ffee'.padEnd(64, '0');

const agent = {
  bundleId: 'org.example.agent',
  action: 'install' as const,
  msi: {
    productId: PRODUCT_ID,
    url: 'https://cdn.example.com/agent.msi?a=1&b=2',
    sha256: SHA,
    version: '2.4.1',
  },
};

function judge(settings: PolicySettings, nodes: Record<string, NodeState>, values?: Record<string, string>) {
  const policy = parsePolicy(JSON.stringify({ schemaVersion: 1, name: 'apps', settings }), 'json');
  return windowsPolicyCompliance({
    policy,
    target: windows11,
    translation: translateWindowsPolicy(policy, windows11),
    nodes: new Map(Object.entries(nodes)),
    reported: values && { values, at },
    now: at,
  });
}

describe('MSI installs on Windows', () => {
  it('installs an msi entry with an Add then an Exec of DownloadInstall carrying the URL and SHA-256', () => {
    const [node] = translate({ apps: [agent] }).nodes;
    expect(node).toMatchObject({ setting: 'apps[0]', target: INSTALL, apply: 'Exec', format: 'xml' });
    const body = wire(node!);
    expect(body).toMatch(
      new RegExp(
        `^<Add><CmdID>2</CmdID><Item><Target><LocURI>${INSTALL}</LocURI></Target></Item></Add><Exec>`,
      ),
    );
    const job = parseXmlDocument(node!.data);
    expect(job.local).toBe('MsiInstallJob');
    expect(job.attributes.get('id')).toBe(PRODUCT_ID);
    const text = (path: string[]) =>
      path.reduce((e, local) => e.children.find((c) => c.local === local)!, job).text;
    expect(text(['Product', 'Download', 'ContentURLList', 'ContentURL'])).toBe(agent.msi.url);
    expect(text(['Product', 'Validation', 'FileHash'])).toBe(SHA.toUpperCase());
    expect(text(['Product', 'Enforcement', 'CommandLine'])).toBe('/quiet');
    expect(job.children[0]?.attributes.get('Version')).toBe('2.4.1');
  });

  it('proves the install by its Status and LastError, and uninstalls with the product node', () => {
    const [node] = translate({ apps: [agent] }).nodes;
    expect(nodeReadTargets(node!)).toEqual([STATUS, LAST_ERROR]);
    expect(removeNodeCommand(INSTALL)).toEqual({ command: 'Delete', items: [{ target: PRODUCT }] });
  });

  it('reports Apple apps and removals not applicable on Windows, beside the msi it installs', () => {
    const t = translate({
      apps: [
        { bundleId: 'com.example.app', action: 'install', appStoreId: '123' },
        agent,
        { bundleId: 'com.example.old', action: 'remove' },
      ],
    });
    expect(t.nodes.map((n) => n.setting)).toEqual(['apps[1]']);
    expect(t.notApplicable.map((n) => n.setting)).toEqual(['apps[0]', 'apps[2]']);
    expect(t.notApplicable[1]?.reason).toMatch(
      /Windows removes an MSI when the policy that installed it is withdrawn/,
    );
  });

  it('keeps an install still under way pending instead of failing it, and fails a finished failure', () => {
    const [node] = translate({ apps: [agent] }).nodes;
    const sent = [{ identifier: INSTALL, status: 'sent' as const }];
    for (const inProgress of ['10', '20', '25', '40', '48', '50', '55'])
      expect(verifyNodes(sent, [node!], { [STATUS]: inProgress })).toEqual({
        statuses: [{ identifier: INSTALL, status: 'sent' }],
        drift: false,
      });
    expect(verifyNodes(sent, [node!], { [STATUS]: '70' }).statuses).toEqual([
      { identifier: INSTALL, status: 'installed' },
    ]);
    for (const failure of ['30', '60'])
      expect(verifyNodes(sent, [node!], { [STATUS]: failure }).statuses).toEqual([
        { identifier: INSTALL, status: 'failed' },
      ]);
    // Installed once, gone since (uninstalled on the PC): drift, installed again.
    expect(verifyNodes([{ identifier: INSTALL, status: 'installed' }], [node!], {})).toEqual({
      statuses: [{ identifier: INSTALL, status: 'missing' }],
      drift: true,
    });
  });

  it('reports each app entry on its own: installing, failed with LastError, or installed', () => {
    const sent = { [INSTALL]: { status: 'sent' as const, verifiedAt: null } };
    expect(judge({ apps: [agent] }, sent, { [STATUS]: '20' })).toEqual([
      { setting: 'apps[0]', status: 'unknown', reason: `installing ${PRODUCT_ID}: download in progress` },
    ]);
    expect(
      judge(
        { apps: [agent] },
        { [INSTALL]: { status: 'failed', verifiedAt: at } },
        {
          [STATUS]: '60',
          [LAST_ERROR]: '0x80070643',
        },
      ),
    ).toEqual([
      {
        setting: 'apps[0]',
        status: 'failing',
        reason: `the device did not install ${PRODUCT_ID}: install failed (LastError 0x80070643)`,
      },
    ]);
    const second = {
      ...agent,
      bundleId: 'org.example.tool',
      msi: { ...agent.msi, productId: PRODUCT_ID.replace('0B', '1B') },
    };
    const secondInstall = INSTALL.replace('%7B0B', '%7B1B');
    expect(
      judge(
        { apps: [agent, second] },
        {
          [INSTALL]: { status: 'installed', verifiedAt: at },
          [secondInstall]: { status: 'sent', verifiedAt: null },
        },
        { [STATUS]: '70' },
      ),
    ).toEqual([
      { setting: 'apps[0]', status: 'compliant', provenAt: at },
      {
        setting: 'apps[1]',
        status: 'unknown',
        reason: `waiting for the device to report ${STATUS.replace('%7B0B', '%7B1B')}`,
      },
    ]);
  });

  it('judges the msi entries beside the Apple entries reported not applicable', () => {
    const apps = [{ bundleId: 'com.example.app', action: 'install' as const, appStoreId: '123' }, agent];
    expect(
      judge({ apps }, { [INSTALL]: { status: 'installed', verifiedAt: at } }, { [STATUS]: '70' }).map((s) => [
        s.setting,
        s.status,
      ]),
    ).toEqual([
      ['apps[0]', 'not-applicable'],
      ['apps[1]', 'compliant'],
    ]);
    expect(judge({ apps: [apps[0]!] }, {}).map((s) => [s.setting, s.status])).toEqual([
      ['apps[0]', 'not-applicable'],
    ]);
  });

  it('refuses an msi entry without a product code in braces, naming the field', () => {
    expect(() =>
      parsePolicy(
        JSON.stringify({
          schemaVersion: 1,
          name: 'apps',
          settings: {
            apps: [{ ...agent, msi: { ...agent.msi, productId: '0B1C2D3E-4F50-6172-8394-A5B6C7D8E9F0' } }],
          },
        }),
        'json',
      ),
    ).toThrow(/GUID in braces/);
  });
});
