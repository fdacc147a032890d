// Checks everything the translator emits against Apple's schemas: a failure is a bug in Keep, named by key.
import { serverToken, type Declaration } from '../declarative/index.js';
import {
  loadAppleSchema,
  validateAgainstSchema,
  validateCommand,
  validateProfile,
  type SchemaProblem,
  type ValidationOptions,
} from '../schemas/apple-schema.js';
import { declarationSchema } from './apple-support.js';
import type { AppleTarget, AppleTranslation, AppleTranslationContext } from './apple-target.js';
import { AppleTranslationError } from './apple-translation-error.js';
import { commandSchema } from './policy-commands.js';
import { buildPolicyProfile } from './policy-profile.js';

export function validateTranslation(
  translation: AppleTranslation,
  target: AppleTarget,
  context: AppleTranslationContext,
): void {
  const options: ValidationOptions = {
    os: target.platform === 'macOS' ? 'macOS' : 'iOS',
    channel: 'device',
    userEnrollment: target.enrollment === 'user',
  };
  for (const d of translation.declarations) {
    fail(`declaration ${d.identifier}`, declarationProblems(d, options));
  }
  for (const set of translation.profiles) {
    fail(`profile ${set.identifier}`, validateProfile(buildPolicyProfile(set, context), options));
  }
  for (const c of translation.commands) {
    // The CommandUUID is assigned when the command is queued; a placeholder satisfies the envelope here.
    fail(
      `command ${c.requestType}`,
      validateCommand(commandSchema(c.requestType), { CommandUUID: 'policy', Command: c.command }),
    );
  }
}

/** A declaration's envelope and payload against Apple's schemas; the edge checks what it serves with this too. */
export function declarationProblems(d: Declaration, options: ValidationOptions): SchemaProblem[] {
  const envelope = {
    Type: d.type,
    Identifier: d.identifier,
    ServerToken: serverToken(d),
    Payload: d.payload,
  };
  return [
    ...validateAgainstSchema(
      loadAppleSchema('declarative/declarations/declarationbase.yaml'),
      envelope,
      options,
    ),
    ...validateAgainstSchema(declarationSchema(d.type), d.payload, options).map((p) => ({
      ...p,
      path: `Payload.${p.path}`,
    })),
  ];
}

function fail(what: string, problems: SchemaProblem[]): void {
  const first = problems[0];
  if (!first) return;
  throw new AppleTranslationError(
    `${what} fails Apple's schema: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
    `${what}: ${first.path}`,
  );
}
