import { describe, expect, it } from 'vitest';
import * as f from './policy-fixtures.js';

const osUpdates = [
  {
    platform: 'macOS',
    minimumVersion: '15.2',
    deadline: '2026-12-01T18:00:00',
    detailsUrl: 'https://it.example.com/u',
  },
  { platform: 'iOS', minimumVersion: '18.2', buildVersion: '22C152', deadline: '2026-12-02T09:00:00' },
];
const ENFORCEMENT = 'com.apple.configuration.softwareupdate.enforcement.specific';

describe('OS updates with deadlines on Apple devices', () => {
  it('becomes an enforcement declaration on iOS 17 and later', () => {
    const t = f.translate({ osUpdates }, f.iOS18Unsupervised);
    expect(f.declarationOf(t, ENFORCEMENT)?.payload).toEqual({
      TargetOSVersion: '18.2',
      TargetBuildVersion: '22C152',
      TargetLocalDateTime: '2026-12-02T09:00:00',
    });
    expect(t.commands).toEqual([]);
  });

  it('becomes an enforcement declaration on supervised macOS 14 and later', () => {
    const t = f.translate({ osUpdates }, { ...f.macOS15Supervised, osVersion: '14.0' });
    expect(f.declarationOf(t, ENFORCEMENT)?.payload).toEqual({
      TargetOSVersion: '15.2',
      TargetLocalDateTime: '2026-12-01T18:00:00',
      DetailsURL: 'https://it.example.com/u',
    });
  });

  it('falls back to ScheduleOSUpdate on a supervised device without the declaration', () => {
    const t = f.translate({ osUpdates }, f.iOS14Supervised);
    expect(f.declarationOf(t, ENFORCEMENT)).toBeUndefined();
    expect(t.commands).toEqual([
      {
        requestType: 'ScheduleOSUpdate',
        setting: 'osUpdates[1]',
        command: {
          RequestType: 'ScheduleOSUpdate',
          Updates: [{ ProductVersion: '18.2', InstallAction: 'InstallASAP' }],
        },
      },
    ]);
  });

  it('sends no command to a device already at the minimum', () => {
    const iOS16 = { ...f.iOS14Supervised, osVersion: '16.7' };
    expect(f.translate({ osUpdates }, iOS16).commands).toHaveLength(1);
    const t = f.translate({ osUpdates: [{ ...osUpdates[1], minimumVersion: '16.7' }] }, iOS16);
    expect(t.commands).toEqual([]);
    expect(t.declarations).toEqual([]);
    expect(t.notApplicable).toEqual([]);
  });

  it('is reported not applicable on an unsupervised Mac, which neither takes the declaration nor the command', () => {
    const t = f.translate({ osUpdates }, f.macOS15Unsupervised);
    expect(t.notApplicable).toEqual([
      { setting: 'osUpdates[0]', reason: 'not applicable on macOS 15.1: needs a supervised device' },
    ]);
  });

  it('ignores entries for other platforms', () => {
    const t = f.translate(
      { osUpdates: [{ platform: 'windows', minimumVersion: '10.0.26100', deadline: '2026-12-01T18:00:00' }] },
      f.iOS18Supervised,
    );
    expect(t).toEqual({ declarations: [], profiles: [], commands: [], notApplicable: [] });
  });

  it('reads an iPadOS entry for an iPad, not the iOS one', () => {
    const ipad = { ...f.iOS18Supervised, platform: 'iPadOS' as const };
    const t = f.translate(
      {
        osUpdates: [
          ...osUpdates,
          { platform: 'iPadOS', minimumVersion: '18.3', deadline: '2026-12-03T09:00:00' },
        ],
      },
      ipad,
    );
    expect(f.declarationOf(t, ENFORCEMENT)?.payload.TargetOSVersion).toBe('18.3');
  });
});
