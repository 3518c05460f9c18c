import type { Kysely } from 'kysely';
import type { StoreCapabilities } from '../database.js';
import * as foundation from './001-foundation.js';
import * as search from './002-search.js';
import * as accounts from './003-accounts.js';
import * as community from './004-community.js';
import * as digests from './005-digests.js';
import * as searchVocab from './006-search-vocab.js';
import * as papersVisibleIds from './007-papers-visible-ids.js';
import * as papersTextChanges from './008-papers-text-changes.js';
import * as apiTokenScopes from './009-api-token-scopes.js';
import * as hfFields from './010-hf-fields.js';
import * as sourceJobs from './011-source-jobs.js';
import * as library from './012-library.js';
import * as signals from './013-signals.js';
import * as notifications from './014-notifications.js';
import * as authoredPapers from './015-authored-papers.js';
import * as commitSafeChangeLogs from './016-commit-safe-change-logs.js';
import * as rateLimitWindows from './017-rate-limit-windows.js';
import * as trendCounts from './018-trend-counts.js';
import * as map from './019-map.js';
import * as authors from './020-authors.js';
import * as forYouDigests from './022-foryou-digests.js';
import * as deferredFullText from './023-deferred-full-text.js';
import * as paperAuthorsOneNameIndex from './024-paper-authors-one-name-index.js';
import * as mapVectorLog from './025-map-vector-log.js';
import * as dropRedundantPublishedIndex from './026-drop-redundant-published-index.js';
import * as paperTextKeys from './027-paper-text-keys.js';
import * as papersTextKeyCovering from './028-papers-text-key-covering.js';
import * as papersVisibleUpvotes from './029-papers-visible-upvotes.js';

export interface VersionedMigration {
  readonly name: string;
  up(db: Kysely<unknown>, caps: StoreCapabilities): Promise<void>;
}

/**
 * Every migration, in order. Names are permanent: they are recorded in the database.
 * Features append here; never edit or reorder a migration that has shipped.
 */
export const MIGRATIONS: readonly VersionedMigration[] = [
  { name: '001-foundation', up: foundation.up },
  { name: '002-search', up: search.up },
  { name: '003-accounts', up: accounts.up },
  { name: '004-community', up: community.up },
  { name: '005-digests', up: digests.up },
  { name: '006-search-vocab', up: searchVocab.up },
  { name: '007-papers-visible-ids', up: papersVisibleIds.up },
  { name: '008-papers-text-changes', up: papersTextChanges.up },
  { name: '009-api-token-scopes', up: apiTokenScopes.up },
  { name: '010-hf-fields', up: hfFields.up },
  { name: '011-source-jobs', up: sourceJobs.up },
  { name: '012-library', up: library.up },
  { name: '013-signals', up: signals.up },
  { name: '014-notifications', up: notifications.up },
  { name: '015-authored-papers', up: authoredPapers.up },
  { name: '016-commit-safe-change-logs', up: commitSafeChangeLogs.up },
  { name: '017-rate-limit-windows', up: rateLimitWindows.up },
  { name: '018-trend-counts', up: trendCounts.up },
  { name: '019-map', up: map.up },
  { name: '020-authors', up: authors.up },
  { name: '022-foryou-digests', up: forYouDigests.up },
  { name: '023-deferred-full-text', up: deferredFullText.up },
  { name: '024-paper-authors-one-name-index', up: paperAuthorsOneNameIndex.up },
  { name: '025-map-vector-log', up: mapVectorLog.up },
  { name: '026-drop-redundant-published-index', up: dropRedundantPublishedIndex.up },
  { name: '027-paper-text-keys', up: paperTextKeys.up },
  { name: '028-papers-text-key-covering', up: papersTextKeyCovering.up },
  { name: '029-papers-visible-upvotes', up: papersVisibleUpvotes.up },
];
