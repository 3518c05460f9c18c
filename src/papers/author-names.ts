/**
 * The key under which names that may be written variants of one another meet: case, diacritics and punctuation
 * dropped, and the given names reduced to the first initial ("Jörg M. Müller", "J. Muller" and "jorg muller" all
 * become "j muller"). It only finds candidates to show side by side; nothing is merged on it.
 */
export function authorNameKey(name: string): string {
  const tokens = name
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .split(' ')
    .filter((token) => token !== '');
  if (tokens.length === 0) return '';
  const surname = tokens[tokens.length - 1]!;
  return tokens.length === 1 ? surname : `${tokens[0]![0]} ${surname}`;
}

/** The author names of a stored `papers.authors` JSON array, as written; anything that is not a name is skipped. */
export function parseAuthorNames(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((a): a is string => typeof a === 'string' && a.trim() !== '') : [];
  } catch {
    return [];
  }
}
