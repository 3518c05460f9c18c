import type { Generated } from 'kysely';

/** A paper, keyed by its arXiv id without the version suffix. Dates are ISO-8601 strings. */
export interface PapersTable {
  id: string;
  /** Latest known arXiv version number (the `N` of `vN`), null when the source did not say. */
  version: number | null;
  title: string;
  abstract: string;
  /** JSON array of author names, in order. */
  authors: string;
  /** JSON array of category codes; the first one is the primary category. */
  categories: string;
  primary_category: string | null;
  published_at: string | null;
  updated_at: string | null;
  comments: string | null;
  journal_ref: string | null;
  doi: string | null;
  license: string | null;
  project_page: string | null;
  /** The organisation's display name (HF's `organization.fullname`, or the only name a source gave). */
  organization: string | null;
  /** HF's organisation handle (`organization.name`), the key of `organizations`; added by migration 010. */
  organization_name: string | null;
  /** The source's generated one-sentence summary (HF `ai_summary`), kept apart from the abstract. */
  ai_summary: string | null;
  /** JSON array of the source's generated keywords (HF `ai_keywords`). */
  ai_keywords: string | null;
  /** The social-card image URL the source gives (HF `thumbnail`), exactly as given. */
  thumbnail: string | null;
  /** Where the paper was last written from: arxiv-snapshot, hf-daily, oai-pmh, arxiv-api. */
  source: string;
  hidden: Generated<number>;
  ingested_at: string;
  modified_at: string;
  /** Hotness from src/trending (added by migration 004); higher is hotter. */
  trending_score: Generated<number>;
  /** Upvotes cast here, kept in step with the votes table in the same transaction. */
  local_upvotes: Generated<number>;
  /** Visible local comments, kept in step with the comments table. */
  local_comments: Generated<number>;
}

export interface CodeReposTable {
  paper_id: string;
  url: string;
  stars: number | null;
  stars_counted_at: string | null;
}

/** Star counts over time, so trending can use recent growth rather than totals. */
export interface RepoStarCountsTable {
  paper_id: string;
  counted_at: string;
  stars: number;
}

/** An organisation papers are attributed to, keyed by its Hugging Face handle. */
export interface OrganizationsTable {
  name: string;
  fullname: string | null;
  avatar: string | null;
  updated_at: string;
}

/**
 * One author name of one paper, exactly as `papers.authors` lists it, so an author's papers are an index lookup.
 * Rewritten with the paper by upsertPapers (migration 020).
 */
export interface PaperAuthorsTable {
  paper_id: string;
  /** The name's place in the paper's author list, from 0. */
  position: number;
  name: string;
  /** authorNameKey(name): where possible written variants of a name meet. */
  name_key: string;
}
