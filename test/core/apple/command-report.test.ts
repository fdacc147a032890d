import { describe, expect, it } from 'vitest';
import { decodeCommandReport } from '../../../core/apple/command-report.js';
import { parsePlistDict } from '../../../core/apple/plist-codec.js';
import { MdmMessageError } from '../../../core/apple/plist-fields.js';
import { plistXml } from './fixtures.js';

const UDID = '0000FE00-1234-5678-9ABC-DEF012345678';

describe('decodeCommandReport', () => {
  it('decodes an Idle poll', () => {
    expect(decodeCommandReport({ Status: 'Idle', UDID })).toEqual({
      status: 'Idle',
      enrollment: { udid: UDID, enrollmentId: undefined },
      user: undefined,
    });
  });

  it('keeps command-specific keys of an Acknowledged report as the result', () => {
    const dict = parsePlistDict(
      plistXml(`<dict>
        <key>CommandUUID</key><string>C-1</string>
        <key>QueryResponses</key><dict><key>OSVersion</key><string>14.0</string></dict>
        <key>Status</key><string>Acknowledged</string>
        <key>UDID</key><string>${UDID}</string>
      </dict>`),
    );
    const report = decodeCommandReport(dict);
    expect(report).toMatchObject({ status: 'Acknowledged', commandUuid: 'C-1' });
    if (report.status !== 'Acknowledged') throw new Error('wrong status');
    expect(report.result).toEqual({ QueryResponses: { OSVersion: '14.0' } });
  });

  it.each(['Error', 'CommandFormatError'] as const)('decodes the ErrorChain of a %s report', (status) => {
    const report = decodeCommandReport({
      Status: status,
      CommandUUID: 'C-2',
      EnrollmentID: 'E-1',
      ErrorChain: [
        {
          ErrorCode: 4,
          ErrorDomain: 'MCProfileErrorDomain',
          LocalizedDescription: 'bad',
          USEnglishDescription: 'bad',
        },
      ],
    });
    expect(report).toMatchObject({
      status,
      commandUuid: 'C-2',
      enrollment: { enrollmentId: 'E-1' },
      errorChain: [{ errorCode: 4, errorDomain: 'MCProfileErrorDomain', localizedDescription: 'bad' }],
      result: {},
    });
  });

  it('decodes NotNow and carries the user channel', () => {
    expect(decodeCommandReport({ Status: 'NotNow', CommandUUID: 'C-3', UDID, UserID: 'U-1' })).toMatchObject({
      status: 'NotNow',
      commandUuid: 'C-3',
      user: { userId: 'U-1' },
    });
  });

  it('requires CommandUUID on a result', () => {
    expect(() => decodeCommandReport({ Status: 'Acknowledged', UDID })).toThrow(/CommandUUID/);
  });

  it('rejects an unknown Status with a typed error', () => {
    expect(() => decodeCommandReport({ Status: 'Maybe', UDID })).toThrow(MdmMessageError);
  });

  it('rejects a malformed ErrorChain entry', () => {
    expect(() => decodeCommandReport({ Status: 'Error', CommandUUID: 'C', UDID, ErrorChain: ['x'] })).toThrow(
      /ErrorChain\[0\]/,
    );
    expect(() =>
      decodeCommandReport({ Status: 'Error', CommandUUID: 'C', UDID, ErrorChain: [{ ErrorDomain: 'd' }] }),
    ).toThrow(/ErrorCode/);
  });

  it('rejects a report with no enrollment identity', () => {
    expect(() => decodeCommandReport({ Status: 'Idle' })).toThrow(/UDID or EnrollmentID/);
  });
});
