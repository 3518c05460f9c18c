import type { ListedPaper } from '../feed/paper-listing.js';
import type { Paper } from '../papers/paper.js';

/**
 * JSON shaped like the Hugging Face papers API (`/api/daily_papers`, `/api/papers/{id}`), so clients written for
 * it work here. Fields HF has and we do not know are omitted rather than invented; `categories`,
 * `trendingScore` and `arxivUrl` are additions.
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
  organization: { fullname: string } | null;
  categories: string[];
  trendingScore: number;
  arxivUrl: string;
}

export function apiPaper(item: ListedPaper): ApiPaper {
  const { paper } = item;
  return {
    id: paper.id,
    title: paper.title,
    summary: paper.abstract,
    authors: paper.authors.map((name) => ({ name })),
    publishedAt: paper.publishedAt,
    submittedOnDailyAt: item.day ? `${item.day}T00:00:00.000Z` : null,
    upvotes: item.upvotes,
    numComments: item.comments,
    githubRepo: paper.codeRepo?.url ?? null,
    githubStars: paper.codeRepo?.stars ?? null,
    projectPage: paper.projectPage,
    organization: paper.organization ? { fullname: paper.organization } : null,
    categories: [...paper.categories],
    trendingScore: item.trendingScore,
    arxivUrl: `https://arxiv.org/abs/${paper.id}`,
  };
}

/** One entry of `/api/daily_papers`: the paper plus the feed-level fields HF repeats outside it. */
export function apiDailyEntry(item: ListedPaper) {
  return {
    paper: apiPaper(item),
    publishedAt: item.day ? `${item.day}T00:00:00.000Z` : item.paper.publishedAt,
    title: item.paper.title,
    summary: item.paper.abstract,
    numComments: item.comments,
    submittedBy: item.submittedBy ? { user: item.submittedBy } : null,
  };
}

/** A paper without counts (search hits and similar papers carry their counts separately). */
export function apiPaperBasic(paper: Paper, counts: { upvotes: number; comments: number; day: string | null } | undefined): ApiPaper {
  return apiPaper({
    paper,
    day: counts?.day ?? null,
    upvotes: counts?.upvotes ?? 0,
    comments: counts?.comments ?? 0,
    trendingScore: 0,
    submittedBy: null,
  });
}
