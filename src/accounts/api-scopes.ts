/**
 * What a personal API token may do. `read`: GET (and HEAD) requests under /api/. `write`: every other method
 * there too; a write token can always read. Tokens never work outside /api/ and never create other tokens.
 */
export const API_SCOPES = ['read', 'write'] as const;
export type ApiScope = (typeof API_SCOPES)[number];

function isScope(value: string): value is ApiScope {
  return (API_SCOPES as readonly string[]).includes(value);
}

/** The canonical, sorted set of scopes: `write` brings `read` with it. */
export function normalizeScopes(scopes: readonly ApiScope[]): ApiScope[] {
  const set = new Set<ApiScope>(scopes);
  if (set.has('write')) set.add('read');
  return API_SCOPES.filter((s) => set.has(s));
}

/** Parses requested scopes (from a form or JSON); null when one is unknown or none is given. */
export function parseScopes(input: readonly unknown[]): ApiScope[] | null {
  const scopes: ApiScope[] = [];
  for (const value of input) {
    if (typeof value !== 'string' || !isScope(value)) return null;
    scopes.push(value);
  }
  return scopes.length === 0 ? null : normalizeScopes(scopes);
}

export function serializeScopes(scopes: readonly ApiScope[]): string {
  return normalizeScopes(scopes).join(',');
}

/** Scopes as stored; anything unknown is dropped, so a damaged row can only lose rights. */
export function deserializeScopes(stored: string): ApiScope[] {
  return normalizeScopes(stored.split(',').filter(isScope));
}

/** Whether a token with these scopes may make a request with this method. */
export function scopesAllow(scopes: readonly ApiScope[], method: string): boolean {
  const reading = method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
  return scopes.includes(reading ? 'read' : 'write');
}
