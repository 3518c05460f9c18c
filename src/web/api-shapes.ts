import type { ListedPaper } from '../feed/paper-listing.js';
import type { Organization, Paper, SourceSubmitter } from '../papers/paper.js';

/**
 * JSON shaped like the Hugging Face papers API (`/api/daily_papers`, `/api/papers/{id}`), so clients written for
 * it work here. Values are the stored ones, as the source wrote them (titles with TeX and line breaks, URLs with
 * trailing slashes, timestamps with their time of day). Fields HF has and we do not know are null or left out
 * rather than invented; `categories`, `trendingScore`, `arxivUrl` and the paper's `thumbnail` are additions.
 */
export interface ApiPaper {
  id: string;
  title: string;
  summary: string;
  authors: { name: string }[];
  publishedAt: string | null;
  submittedOnDailyAt: string | null;
  upvotes: number;
  numComments: number;
  githubRepo: string | null;
  githubStars: number | null;
  projectPage: string | null;
  organization: ApiOrganization | null;
  ai_summary: string | null;
  ai_keywords: string[] | null;
  thumbnail: string | null;
  mediaUrls?: string[];
  categories: string[];
  trendingScore: number;
  arxivUrl: string;
}

/** HF's organisation object; keys the source did not give are left out. */
export interface ApiOrganization {
  name?: string;
  fullname?: string;
  avatar?: string;
}

function apiOrganization(org: Organization | null): ApiOrganization | null {
  if (!org) return null;
  const out: ApiOrganization = {};
  if (org.name !== null) out.name = org.name;
  if (org.fullname !== null) out.fullname = org.fullname;
  if (org.avatar !== null) out.avatar = org.avatar;
  return out;
}

function startOfDay(day: string | null): string | null {
  return day ? `${day}T00:00:00.000Z` : null;
}

export function apiPaper(item: ListedPaper): ApiPaper {
  const { paper, entry } = item;
  return {
    id: paper.id,
    title: paper.title,
    summary: paper.abstract,
    authors: paper.authors.map((name) => ({ name })),
    publishedAt: paper.publishedAt,
    // The exact time the source gave; for entries without one (local submissions, old HF days), the feed day.
    submittedOnDailyAt: entry?.submittedOnDailyAt ?? startOfDay(item.day),
    upvotes: item.upvotes,
    numComments: item.comments,
    githubRepo: paper.codeRepo?.url ?? null,
    githubStars: paper.codeRepo?.stars ?? null,
    projectPage: paper.projectPage,
    organization: apiOrganization(paper.organization),
    ai_summary: paper.aiSummary,
    ai_keywords: paper.aiKeywords ? [...paper.aiKeywords] : null,
    thumbnail: paper.thumbnail,
    ...(entry?.mediaUrls ? { mediaUrls: [...entry.mediaUrls] } : {}),
    categories: [...paper.categories],
    trendingScore: item.trendingScore,
    arxivUrl: `https://arxiv.org/abs/${paper.id}`,
  };
}

/** Who submitted the entry: a local user by username, otherwise the source's submitter with the source's keys. */
function apiSubmittedBy(item: ListedPaper): SourceSubmitter | { user: string } | null {
  if (item.submittedBy) return { user: item.submittedBy };
  return item.entry?.submittedBy ? { ...item.entry.submittedBy } : null;
}

/** One entry of `/api/daily_papers`: the paper plus the entry's own fields, which HF writes apart from the paper's. */
export function apiDailyEntry(item: ListedPaper) {
  const { entry, paper } = item;
  return {
    paper: apiPaper(item),
    publishedAt: entry?.publishedAt ?? startOfDay(item.day) ?? paper.publishedAt,
    title: entry?.title ?? paper.title,
    summary: entry?.summary ?? paper.abstract,
    thumbnail: paper.thumbnail,
    numComments: item.comments,
    submittedBy: apiSubmittedBy(item),
  };
}

/** A paper with counts found apart from a listing (search hits, similar papers). */
export function apiPaperBasic(
  paper: Paper,
  counts: { upvotes: number; comments: number; day: string | null; submittedOnDailyAt?: string | null } | undefined,
): ApiPaper {
  return apiPaper({
    paper,
    day: counts?.day ?? null,
    upvotes: counts?.upvotes ?? 0,
    comments: counts?.comments ?? 0,
    trendingScore: 0,
    submittedBy: null,
    entry: counts?.submittedOnDailyAt
      ? { submittedOnDailyAt: counts.submittedOnDailyAt, publishedAt: null, title: null, summary: null, submittedBy: null, mediaUrls: null }
      : null,
  });
}
