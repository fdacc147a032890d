// The declarations the core installed for one Apple enrollment (table `apple_declaration_sets`): what the edge
// serves at the DDM endpoints, with the DeclarationsToken that changes exactly when the set does.
import type { ColumnType, Selectable } from 'kysely';
import type { Declaration } from '../../apple/declarative/index.js';

export interface AppleDeclarationSetTable {
  enrollment_id: string;
  declarations: ColumnType<Declaration[], string, string>;
  declarations_token: string;
  /** When the set last changed: the tokens response's Timestamp. */
  changed_at: Date;
}

export type AppleDeclarationSet = Selectable<AppleDeclarationSetTable>;
