/** Path segments that carry credentials (password-reset links), replaced before a path is logged. */
const SECRET_SEGMENTS = [/^(\/reset\/)[^/]+/, /^(\/unsubscribe\/)[^/]+/, /^(\/confirm\/)[^/]+/];

export function redactPath(path: string): string {
  for (const pattern of SECRET_SEGMENTS) if (pattern.test(path)) return path.replace(pattern, '$1[redacted]');
  return path;
}
