/** An arXiv identifier split into the stable id and the optional version. */
export interface ArxivId {
  readonly id: string;
  readonly version: number | null;
}

const NEW_STYLE = /^(\d{4}\.\d{4,5})(?:v(\d+))?$/;
const OLD_STYLE = /^([a-z][a-z-]*(?:\.[A-Z]{2})?\/\d{7})(?:v(\d+))?$/;
const URL_PATH = /^\/(?:abs|pdf|html|format)\/(.+?)(?:\.pdf)?\/?$/;

/**
 * Accepts `2501.12345`, `2501.12345v2`, `hep-th/9901001`, `arXiv:2501.12345`, and arxiv.org abs/pdf URLs.
 * Returns null for anything else.
 */
export function parseArxivId(input: string): ArxivId | null {
  let candidate = input.trim();
  if (candidate === '') return null;
  if (/^https?:\/\//i.test(candidate)) {
    let url: URL;
    try {
      url = new URL(candidate);
    } catch {
      return null;
    }
    if (!/(^|\.)arxiv\.org$/i.test(url.hostname)) return null;
    const match = URL_PATH.exec(url.pathname);
    if (!match?.[1]) return null;
    candidate = decodeURIComponent(match[1]);
  }
  candidate = candidate.replace(/^arxiv:/i, '');
  const match = NEW_STYLE.exec(candidate) ?? OLD_STYLE.exec(candidate);
  if (!match?.[1]) return null;
  return { id: match[1], version: match[2] ? Number(match[2]) : null };
}

export function formatArxivId({ id, version }: ArxivId): string {
  return version === null ? id : `${id}v${version}`;
}

export function arxivAbsUrl(id: string): string {
  return `https://arxiv.org/abs/${id}`;
}

export function arxivPdfUrl(id: string): string {
  return `https://arxiv.org/pdf/${id}`;
}
