import { Refused } from '../refused.js';

/** Longest private note, in characters. */
export const MAX_NOTE_LENGTH = 5_000;
/** Most tags on one library entry. */
export const MAX_TAGS_PER_PAPER = 20;
/** Longest tag, in characters. */
export const MAX_TAG_LENGTH = 40;
/** Most papers one library holds. */
export const MAX_LIBRARY_SIZE = 10_000;

/** A tag as stored and as it appears in URLs: lowercase letters, digits, `-` and `_`, starting with a letter or digit. */
const TAG = /^[\p{Ll}\p{Lo}\p{N}][\p{Ll}\p{Lo}\p{N}_-]*$/u;

/** Lowercases a typed tag and turns inner spaces into `-`; null when nothing usable is left. */
export function normalizeTag(raw: string): string | null {
  const tag = raw.normalize('NFC').trim().toLowerCase().replace(/\s+/g, '-');
  if (tag === '' || tag.length > MAX_TAG_LENGTH || !TAG.test(tag)) return null;
  return tag;
}

/** Tags typed as one comma-separated field (or given as a list); refuses the whole field if one tag is unusable. */
export function parseTags(input: string | readonly string[]): string[] {
  const parts = typeof input === 'string' ? input.split(',') : input;
  const tags = new Set<string>();
  for (const part of parts) {
    if (part.trim() === '') continue;
    const tag = normalizeTag(part);
    if (!tag) {
      throw new Refused(
        'invalid',
        `"${part.trim().slice(0, MAX_TAG_LENGTH + 10)}" is not a usable tag: use letters, digits, - and _, at most ${MAX_TAG_LENGTH} characters.`,
      );
    }
    tags.add(tag);
  }
  if (tags.size > MAX_TAGS_PER_PAPER) throw new Refused('invalid', `A paper can have at most ${MAX_TAGS_PER_PAPER} tags.`);
  return [...tags].sort();
}

export function checkNote(note: string): string {
  const trimmed = note.trim();
  if (trimmed.length > MAX_NOTE_LENGTH) throw new Refused('invalid', `A note can be at most ${MAX_NOTE_LENGTH} characters.`);
  return trimmed;
}
