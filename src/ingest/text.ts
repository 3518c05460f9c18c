import { isIsoDay } from '../feed/period.js';
import { FIRST_PAPER_YEAR, isPaperTimestamp, LAST_PAPER_YEAR } from '../papers/paper-limits.js';
import { MalformedRecord } from './source.js';

/** Collapses runs of whitespace (arXiv titles and abstracts carry hard line breaks) and trims. */
export function cleanText(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

export function optionalText(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const cleaned = cleanText(value);
  return cleaned === '' ? null : cleaned;
}

/**
 * A text field exactly as the source wrote it (line breaks, TeX such as `$\times$`, braces and backslashes kept),
 * or null when it is missing or blank. For sources whose own API shows the text unchanged: what is stored is what
 * they said, and every page escapes it when it is shown.
 */
export function verbatimText(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value : null;
}

/**
 * A link exactly as the source gave it (a trailing slash, query or fragment kept), or null when it is not an
 * http(s) URL. Surrounding spaces are tolerated when checking, and kept: the value is the source's.
 */
export function verbatimUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'https:' || url.protocol === 'http:' ? value : null;
  } catch {
    return null;
  }
}

/** The date part of an ISO-8601 date or timestamp, years of any width and sign included. */
const ISO_DATE_PART = /^([+-]?\d{4,6})-(\d{2})-(\d{2})(?=$|T)/;

/** The day, month and year of an RFC 2822 date (`Mon, 4 Jan 1999 12:00:00 GMT`), as the arXiv snapshot writes them. */
const RFC_2822_DATE_PART = /^(?:[a-z]{3},\s*)?(\d{1,2})\s+([a-z]{3})\s+(\d{4})\b/i;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

function dayExists(year: number, month: number, day: number): boolean {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** `Date` rolls 2025-02-30 and 31 Feb 2007 over into March: the date written must name a day that exists. */
function writtenDayExists(value: string): boolean {
  const iso = ISO_DATE_PART.exec(value);
  if (iso) return dayExists(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  const rfc = RFC_2822_DATE_PART.exec(value);
  if (rfc) return dayExists(Number(rfc[3]), MONTHS.indexOf(rfc[2]!.toLowerCase()) + 1, Number(rfc[1]));
  return true;
}

/** Normalises a date or timestamp to an ISO-8601 UTC timestamp, or null when it cannot be read. */
export function toIsoTimestamp(value: unknown): string | null {
  if (typeof value !== 'string' || value.trim() === '') return null;
  const trimmed = value.trim();
  if (!writtenDayExists(trimmed)) return null;
  const date = new Date(isIsoDay(trimmed) ? `${trimmed}T00:00:00Z` : trimmed);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/**
 * A date field of a record as an ISO-8601 UTC timestamp: null when the source left it out, and a MalformedRecord
 * when it is there but is not a real date from 1991 to 9999.
 */
export function readTimestamp(value: unknown, field: string): string | null {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return null;
  const timestamp = toIsoTimestamp(value);
  if (timestamp === null || !isPaperTimestamp(timestamp)) {
    const shown = typeof value === 'string' ? value.trim().slice(0, 40) : typeof value;
    throw new MalformedRecord(`${field} "${shown}" is not a date from ${FIRST_PAPER_YEAR} to ${LAST_PAPER_YEAR}`);
  }
  return timestamp;
}

/** Splits an arXiv author string ("A. One, B. Two and C. Three") into names. */
export function splitAuthorList(value: string): string[] {
  return cleanText(value)
    .split(/,\s*(?:and\s+)?|\s+and\s+/)
    .map((name) => name.trim())
    .filter((name) => name !== '');
}
