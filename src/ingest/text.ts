import { isIsoDay } from '../feed/period.js';

/** Collapses runs of whitespace (arXiv titles and abstracts carry hard line breaks) and trims. */
export function cleanText(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

export function optionalText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const cleaned = cleanText(value);
  return cleaned === '' ? null : cleaned;
}

/** Normalises a date or timestamp to an ISO-8601 UTC timestamp, or null when it cannot be read. */
export function toIsoTimestamp(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const trimmed = value.trim();
  const date = new Date(isIsoDay(trimmed) ? `${trimmed}T00:00:00Z` : trimmed);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** Splits an arXiv author string ("A. One, B. Two and C. Three") into names. */
export function splitAuthorList(value: string): string[] {
  return cleanText(value)
    .split(/,\s*(?:and\s+)?|\s+and\s+/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
}
