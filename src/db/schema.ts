import type { Kysely, Transaction } from 'kysely';
import type { ApiTokensTable, PasswordResetsTable, SessionsTable, UsersTable } from '../accounts/accounts.table.js';
import type { CommentsTable, VotesTable } from '../community/community.table.js';
import type { DigestOutboxTable, DigestSentPapersTable, SubscriptionsTable } from '../digests/digests.table.js';
import type { FeedEntriesTable } from '../feed/feed.table.js';
import type { LibraryItemsTable, LibraryItemTagsTable, LibraryPublicTagsTable } from '../library/library.table.js';
import type { CodeReposTable, OrganizationsTable, PapersTable, RepoStarCountsTable } from '../papers/papers.table.js';
import type { JobStateTable } from './jobs.table.js';
import type { FollowsTable, PaperRatingsTable } from '../signals/signals.table.js';
import type { NotificationEmailsTable, NotificationSettingsTable, NotificationsTable } from '../notifications/notifications.table.js';
import type { AuthoredPapersTable } from '../foryou/foryou.table.js';
import type { SearchModelsTable, SearchVectorsTable } from '../search/search.table.js';
import type { RateLimitWindowsTable } from '../security/rate-limits.table.js';
import type { SourceJobsTable, SourceValidatorsTable } from '../sources/sources.table.js';

/** Every table the application knows, one entry per `*.table.ts`. Features add theirs here. */
export interface DB {
  papers: PapersTable;
  code_repos: CodeReposTable;
  repo_star_counts: RepoStarCountsTable;
  organizations: OrganizationsTable;
  feed_entries: FeedEntriesTable;
  job_state: JobStateTable;
  search_vectors: SearchVectorsTable;
  search_models: SearchModelsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  password_resets: PasswordResetsTable;
  votes: VotesTable;
  comments: CommentsTable;
  subscriptions: SubscriptionsTable;
  digest_outbox: DigestOutboxTable;
  digest_sent_papers: DigestSentPapersTable;
  source_jobs: SourceJobsTable;
  source_validators: SourceValidatorsTable;
  library_items: LibraryItemsTable;
  library_item_tags: LibraryItemTagsTable;
  library_public_tags: LibraryPublicTagsTable;
  paper_ratings: PaperRatingsTable;
  follows: FollowsTable;
  rate_limit_windows: RateLimitWindowsTable;
  notifications: NotificationsTable;
  notification_settings: NotificationSettingsTable;
  notification_emails: NotificationEmailsTable;
  authored_papers: AuthoredPapersTable;
}

/** Repository functions take either the database or an open transaction. */
export type Queryable = Kysely<DB> | Transaction<DB>;
