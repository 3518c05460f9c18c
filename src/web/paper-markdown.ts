import type { ListedPaper } from '../feed/paper-listing.js';

/**
 * A paper as Markdown, what `GET /papers/{id}.md` answers (Hugging Face's `read_paper`): title, authors, dates and
 * counts, links, abstract. The title is the feed entry's own where the source gave one (HF's entry title keeps the
 * TeX that its copy of the arXiv title lost), otherwise the paper's. Text is kept as the source wrote it (TeX included) except for the characters that would
 * turn it into markup in a Markdown renderer: `<` (raw HTML), `[` and `]` (links), and a backslash in front of
 * punctuation (it would escape our escapes). Link targets are absolute http(s) URLs only.
 */
export function paperMarkdown(item: ListedPaper, paperPageUrl: string): string {
  const { paper } = item;
  const lines = [`# ${inline(item.entry?.title ?? paper.title)}`, ''];
  if (paper.authors.length > 0) lines.push(`**Authors:** ${paper.authors.map(inline).join(', ')}`, '');
  const facts = [
    paper.publishedAt ? `**Published:** ${paper.publishedAt.slice(0, 10)}` : null,
    item.day ? `**Featured:** ${item.day}` : null,
    `**Upvotes:** ${item.upvotes}`,
    `**Comments:** ${item.comments}`,
  ].filter((fact): fact is string => fact !== null);
  lines.push(facts.join(' · '), '');
  const organization = paper.organization?.fullname ?? paper.organization?.name;
  if (organization) lines.push(`**Organization:** ${inline(organization)}`, '');
  const links = [
    link('Paper page', paperPageUrl),
    link('arXiv', `https://arxiv.org/abs/${paper.id}`),
    link('PDF', `https://arxiv.org/pdf/${paper.id}`),
    paper.codeRepo ? link('Code', paper.codeRepo.url) + (paper.codeRepo.stars === null ? '' : ` (${paper.codeRepo.stars} stars)`) : null,
    paper.projectPage ? link('Project page', paper.projectPage) : null,
  ].filter((entry): entry is string => entry !== null && entry !== '');
  lines.push(`**Links:** ${links.join(' · ')}`, '', '## Abstract', '', block(paper.abstract), '');
  return lines.join('\n');
}

function escapeMarkup(text: string): string {
  return text.replace(/\\(?=[!-/:-@[-`{-~])/g, '\\\\').replace(/[<[\]]/g, (c) => `\\${c}`);
}

/** One line of text: line breaks become spaces. */
function inline(text: string): string {
  return escapeMarkup(text.replace(/\s+/g, ' ').trim());
}

/** A paragraph: runs of blank lines collapse to one paragraph break. */
function block(text: string): string {
  return escapeMarkup(text.trim().replace(/\n\s*\n+/g, '\n\n'));
}

/** `[label](url)` for an http(s) URL, with the characters that would end the target percent-encoded; '' otherwise. */
function link(label: string, raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return '';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return '';
  // The URL as the source wrote it (trailing slash and all), once it parsed as http(s).
  return `[${label}](${raw.trim().replace(/[()<> ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)})`;
}
