import type { Generated } from 'kysely';

export type AuthorClaimStatus = 'pending' | 'approved' | 'rejected';

/** A reader's claim to be the author listed under a name on a paper, decided by an administrator. */
export interface AuthorClaimsTable {
  id: Generated<number>;
  user_id: number;
  paper_id: string;
  /** The name as the paper lists it. */
  author_name: string;
  status: AuthorClaimStatus;
  created_at: string;
  decided_at: string | null;
}
