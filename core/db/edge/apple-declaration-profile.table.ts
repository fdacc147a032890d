// A signed profile a `com.apple.configuration.legacy` declaration points the device at (table
// `apple_declaration_profiles`), sealed at rest with the edge key ring and bound to its enrollment and identifier.
import type { Selectable } from 'kysely';

export interface AppleDeclarationProfileTable {
  enrollment_id: string;
  /** The profile's PayloadIdentifier, which is also its declaration's identifier. */
  identifier: string;
  body: Buffer;
  body_key_id: string;
}

export type AppleDeclarationProfile = Selectable<AppleDeclarationProfileTable>;
