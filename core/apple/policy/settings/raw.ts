// The escape hatch: an admin's own profile payloads and declarations, checked against Apple's schemas.
import { PolicyError, type PolicySettings, type PolicyProblem } from '../../../policy/index.js';
import {
  loadAppleSchema,
  profileSchemaFiles,
  validateAgainstSchema,
  validateProfilePayload,
} from '../../schemas/apple-schema.js';
import { declarationSchema, supportReason } from '../apple-support.js';
import type { SettingEnv, SettingOutput } from '../setting-translator.js';

type Raw = NonNullable<PolicySettings['raw']>;

/** An invalid raw payload is the admin's input, so it is refused as a PolicyError naming the field. */
export function translateRaw(value: Raw, env: SettingEnv): SettingOutput {
  const windows = value.windows && {
    setting: 'raw.windows',
    reason: `not applicable on ${env.target.platform} ${env.target.osVersion}: these are Windows CSP nodes`,
  };
  const apple = value.apple;
  if (!apple) return windows ? { notApplicable: [windows] } : {};
  const problems: PolicyProblem[] = [];
  const out: SettingOutput = { payloads: [], declarations: [], notApplicable: [] };
  const options = { os: env.target.platform === 'macOS' ? 'macOS' : 'iOS', channel: 'device' } as const;

  (apple.profilePayloads ?? []).forEach((raw, i) => {
    const path = `settings.raw.apple.profilePayloads[${i}]`;
    const payload = env.payload(`raw.${i}`, raw.PayloadType, raw.PayloadType, raw);
    for (const p of validateProfilePayload(payload, undefined, options)) {
      problems.push({ path: `${path}.${p.path}`, message: p.message });
    }
    const schema = profileSchemaFiles(raw.PayloadType)[0];
    const reason = schema && supportReason(env.target, loadAppleSchema(schema));
    if (reason) out.notApplicable!.push({ setting: `raw.apple.profilePayloads[${i}]`, reason });
    else out.payloads!.push(payload);
  });

  (apple.declarations ?? []).forEach((raw, i) => {
    const path = `settings.raw.apple.declarations[${i}]`;
    let schema;
    try {
      schema = declarationSchema(raw.type);
    } catch (cause) {
      return void problems.push({
        path: `${path}.type`,
        message: `unknown declaration type (${(cause as Error).message})`,
      });
    }
    for (const p of validateAgainstSchema(schema, raw.payload, options)) {
      problems.push({ path: `${path}.payload.${p.path}`, message: p.message });
    }
    const reason = env.declarationReason(raw.type);
    if (reason) return void out.notApplicable!.push({ setting: `raw.apple.declarations[${i}]`, reason });
    out.declarations!.push({
      type: raw.type,
      identifier: env.identifier(`raw.${i}`),
      payload: raw.payload,
    });
  });

  if (problems.length) throw new PolicyError(problems);
  if (windows) out.notApplicable!.push(windows);
  return out;
}
