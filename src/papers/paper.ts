/** A paper as the rest of the application sees it. */
export interface Paper {
  readonly id: string;
  readonly version: number | null;
  readonly title: string;
  readonly abstract: string;
  readonly authors: readonly string[];
  readonly categories: readonly string[];
  readonly primaryCategory: string | null;
  readonly publishedAt: string | null;
  readonly updatedAt: string | null;
  readonly comments: string | null;
  readonly journalRef: string | null;
  readonly doi: string | null;
  readonly license: string | null;
  readonly projectPage: string | null;
  readonly organization: string | null;
  readonly codeRepo: CodeRepo | null;
  readonly hidden: boolean;
}

export interface CodeRepo {
  readonly url: string;
  readonly stars: number | null;
  readonly starsCountedAt: string | null;
}

/**
 * What an importer knows about a paper. Absent (undefined or null) fields never erase what another
 * source stored before: the HF feed has no categories, the snapshot has no code links.
 */
export interface PaperRecord {
  readonly id: string;
  readonly version: number | null;
  readonly title: string;
  readonly abstract: string;
  readonly authors: readonly string[];
  readonly categories?: readonly string[];
  readonly publishedAt?: string | null;
  readonly updatedAt?: string | null;
  readonly comments?: string | null;
  readonly journalRef?: string | null;
  readonly doi?: string | null;
  readonly license?: string | null;
  readonly projectPage?: string | null;
  readonly organization?: string | null;
  readonly codeRepo?: { readonly url: string; readonly stars: number | null; readonly countedAt: string } | null;
  readonly source: string;
}

/** A paper featured on a feed day. */
export interface FeedRecord {
  readonly day: string;
  readonly paperId: string;
  readonly upvotes: number;
  readonly comments: number;
  readonly source: string;
}
