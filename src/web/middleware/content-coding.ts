/** The content codings this server produces, in its order of preference when a client likes them equally. */
export type ContentCoding = 'br' | 'gzip';
export type Coding = ContentCoding | 'identity';

const TEXT_TYPES = /^(text\/|application\/([\w.+-]+\+)?(json|xml)\b|application\/(javascript|ecmascript)\b|image\/svg\+xml\b)/i;

/** Text worth compressing: HTML, CSS, JS, JSON, XML (Atom, RSS), SVG. Images and archives are compressed already. */
export function isCompressibleType(contentType: string | null): boolean {
  return contentType !== null && TEXT_TYPES.test(contentType.trim());
}

/** q-values of an Accept-Encoding field, by lower-case coding name; `x-gzip` counts as gzip (RFC 9110 §8.4.1.3). */
function qualities(field: string): Map<string, number> {
  const result = new Map<string, number>();
  for (const member of field.split(',')) {
    const [rawName, ...params] = member.split(';');
    const name = rawName!.trim().toLowerCase();
    if (!name) continue;
    let q = 1;
    for (const param of params) {
      const [key, value] = param.split('=').map((part) => part.trim());
      if (key?.toLowerCase() === 'q') q = /^(0(\.\d{0,3})?|1(\.0{0,3})?)$/.test(value ?? '') ? Number(value) : 0;
    }
    const key = name === 'x-gzip' ? 'gzip' : name;
    result.set(key, Math.max(q, result.get(key) ?? 0));
  }
  return result;
}

/**
 * The coding to send for a request's Accept-Encoding (RFC 9110 §12.5.3). No field means identity (clients that do
 * not ask rarely decode); q=0 refuses a coding; `*` stands for codings not named. Small bodies go as they are unless
 * the client refuses identity, in which case any acceptable coding is used regardless of size.
 */
export function negotiateCoding(field: string | undefined, worthCompressing: boolean): Coding {
  if (field === undefined) return 'identity';
  const q = qualities(field);
  const wildcard = q.get('*');
  const qualityOf = (coding: string) => q.get(coding) ?? wildcard ?? 0;
  const identityRefused = (q.get('identity') ?? wildcard ?? 1) === 0;
  if (!worthCompressing && !identityRefused) return 'identity';
  let best: Coding = 'identity';
  let bestQ = 0;
  for (const coding of ['br', 'gzip'] as const) {
    const quality = qualityOf(coding);
    if (quality > bestQ) {
      best = coding;
      bestQ = quality;
    }
  }
  if (best === 'identity') return 'identity';
  // A client that prefers identity to the best coding gets identity (e.g. "identity;q=1, gzip;q=0.5").
  const identityQ = q.get('identity') ?? (wildcard !== undefined ? wildcard : 0);
  return identityQ > bestQ && !identityRefused ? 'identity' : best;
}
