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
  readonly organization: Organization | null;
  /** The source's generated summary and keywords (HF `ai_summary`, `ai_keywords`); never the abstract. */
  readonly aiSummary: string | null;
  readonly aiKeywords: readonly string[] | null;
  /** The source's social-card image URL, exactly as given. */
  readonly thumbnail: string | null;
  readonly codeRepo: CodeRepo | null;
  readonly hidden: boolean;
}

/** An organisation as the source describes it: HF's handle (`name`), display name and avatar URL. */
export interface Organization {
  readonly name: string | null;
  readonly fullname: string | null;
  readonly avatar: string | null;
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
  readonly organization?: Organization | null;
  readonly aiSummary?: string | null;
  readonly aiKeywords?: readonly string[] | null;
  readonly thumbnail?: string | null;
  readonly codeRepo?: { readonly url: string; readonly stars: number | null; readonly countedAt: string } | null;
  readonly source: string;
}

/**
 * Who submitted a paper to the source's feed, with the source's own keys (HF: `name` or `user` for the handle,
 * `fullname`, `avatarUrl`, `type`, `isPro`, `isHf`). Only these keys are kept.
 */
export interface SourceSubmitter {
  readonly name?: string;
  readonly user?: string;
  readonly fullname?: string;
  readonly avatarUrl?: string;
  readonly type?: string;
  readonly isPro?: boolean;
  readonly isHf?: boolean;
}

/** What one appearance on the feed says beyond the paper, all as the source wrote it; null when it did not say. */
export interface FeedEntryDetails {
  /** The exact time the paper was put on the source's feed (HF `paper.submittedOnDailyAt`). */
  readonly submittedOnDailyAt: string | null;
  /** The entry's own `publishedAt` (HF: when it was put on the feed). */
  readonly publishedAt: string | null;
  /** The entry's own title and summary, which may differ from the paper's (TeX, line breaks). */
  readonly title: string | null;
  readonly summary: string | null;
  readonly submittedBy: SourceSubmitter | null;
  readonly mediaUrls: readonly string[] | null;
}

/** A paper featured on a feed day. The optional fields never erase what an earlier import stored. */
export interface FeedRecord extends Partial<FeedEntryDetails> {
  readonly day: string;
  readonly paperId: string;
  readonly upvotes: number;
  readonly comments: number;
  readonly source: string;
}
