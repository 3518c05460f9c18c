import type { Generated } from 'kysely';

export interface UsersTable {
  id: Generated<number>;
  /** As typed at sign-up; unique regardless of case (index on lower(username)). */
  username: string;
  /** Always stored lower-cased. */
  email: string;
  /** An argon2id PHC string. */
  password_hash: string;
  is_admin: Generated<number>;
  banned: Generated<number>;
  created_at: string;
}

/** Server-side sessions. The cookie carries a random token; only its SHA-256 is stored here. */
export interface SessionsTable {
  id: string;
  user_id: number;
  /** Seed of the session's CSRF token. */
  csrf_secret: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
}

/** Personal API tokens, sent as `Authorization: Bearer`. Only the SHA-256 of a token is stored. */
export interface ApiTokensTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  token_hash: string;
  /** Comma-separated ApiScope values in canonical order (api-scopes.ts), e.g. `read` or `read,write`. */
  scopes: string;
  created_at: string;
  last_used_at: string | null;
}

export interface PasswordResetsTable {
  token_hash: string;
  user_id: number;
  created_at: string;
  expires_at: string;
  used_at: string | null;
}
