/** A paper a reader says they wrote; their own papers are their profile for For you. */
export interface AuthoredPapersTable {
  user_id: number;
  paper_id: string;
  created_at: string;
}
