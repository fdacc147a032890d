import { describe, expect, it } from 'vitest';
import { decodeStatusReport } from '../../../../core/apple/declarative/index.js';
import { MdmMessageError } from '../../../../core/apple/plist-fields.js';
import { loadAppleSchema, validateAgainstSchema } from '../../../../core/apple/schemas/apple-schema.js';

const report = {
  StatusItems: {
    device: { 'operating-system': { version: '14.4.1' } },
    management: {
      declarations: {
        activations: [{ identifier: 'keep.activation', active: true, valid: 'valid', 'server-token': 'a1' }],
        configurations: [
          {
            identifier: 'keep.passcode',
            active: false,
            valid: 'invalid',
            'server-token': 'b2',
            reasons: [{ Code: 'Error.ConfigurationCannotBeApplied', Description: 'nope', Details: { x: 1 } }],
          },
        ],
        assets: [],
        management: [],
      },
    },
  },
  Errors: [{ StatusItem: 'device.power.battery-health', Reasons: [{ Code: 'Error.NotSupported' }] }],
  FullReport: true,
};

const encode = (value: unknown) =>
  new TextEncoder().encode(typeof value === 'string' ? value : JSON.stringify(value));

describe('decodeStatusReport', () => {
  it('uses a sample valid per statusreport.yaml', () => {
    expect(validateAgainstSchema(loadAppleSchema('declarative/protocol/statusreport.yaml'), report)).toEqual(
      [],
    );
  });

  it('reads declaration statuses, errors and the full-report flag', () => {
    const decoded = decodeStatusReport(encode(report));
    expect(decoded.fullReport).toBe(true);
    expect(decoded.declarations).toEqual([
      { identifier: 'keep.activation', serverToken: 'a1', active: true, valid: 'valid', reasons: [] },
      {
        identifier: 'keep.passcode',
        serverToken: 'b2',
        active: false,
        valid: 'invalid',
        reasons: [{ code: 'Error.ConfigurationCannotBeApplied', description: 'nope', details: { x: 1 } }],
      },
    ]);
    expect(decoded.errors).toEqual([
      {
        statusItem: 'device.power.battery-health',
        reasons: [{ code: 'Error.NotSupported', description: undefined, details: undefined }],
      },
    ]);
    expect(decoded.statusItems.device).toEqual({ 'operating-system': { version: '14.4.1' } });
  });

  it('accepts an incremental report without declarations', () => {
    expect(decodeStatusReport(encode({ StatusItems: {}, Errors: [] }))).toMatchObject({
      fullReport: false,
      declarations: [],
    });
  });

  it('rejects invalid JSON, wrong shapes, oversize bodies and prototype keys', () => {
    expect(() => decodeStatusReport(encode('{'))).toThrow(MdmMessageError);
    expect(() => decodeStatusReport(encode({ StatusItems: [], Errors: [] }))).toThrow(/StatusItems/);
    expect(() => decodeStatusReport(encode(report), 10)).toThrow(/exceeds/);
    expect(() =>
      decodeStatusReport(encode('{"StatusItems":{"__proto__":{"polluted":true}},"Errors":[]}')),
    ).toThrow(/__proto__/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
