import type { ApiScope } from '../accounts/api-scopes.js';
import type { User } from '../accounts/user.js';
import type { AppDeps } from '../app-deps.js';
import type { Config } from '../config.js';

/** What every request handler can read from the Hono context. */
export interface AppEnv {
  Variables: {
    deps: AppDeps;
    config: Config;
    /** The signed-in user (session cookie or Bearer API token), set on every request by sessionMiddleware. */
    user: User | null;
    /** Goes into every state-changing form as `_csrf`, or the `X-CSRF-Token` header of API calls with cookies. */
    csrfToken: string;
    auth: AuthState;
    /** The signed-in reader's unread notifications for the page header; null on other requests. */
    unreadNotifications: number | null;
  };
}

/** How the current request authenticated. */
export type AuthState =
  | { readonly method: 'anonymous' }
  | { readonly method: 'session'; readonly sessionId: string }
  | { readonly method: 'token'; readonly scopes: readonly ApiScope[] };
