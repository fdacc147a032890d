// SCEP challenges as stored: the peppered hash only, never the challenge (RFC 8894 §2.3).
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { ChallengeBinding, ChallengePurpose } from '../../pki/scep-challenge.js';

export interface ScepChallengeTable {
  hash: string;
  purpose: ChallengePurpose;
  bound_kind: ChallengeBinding['kind'];
  bound_id: string;
  expires_at: Date;
  used_at: Date | null;
  created_at: Generated<Date>;
}

export type ScepChallengeRow = Selectable<ScepChallengeTable>;
export type NewScepChallengeRow = Insertable<ScepChallengeTable>;
export type ScepChallengeRowUpdate = Updateable<ScepChallengeTable>;
