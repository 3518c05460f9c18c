import type { ImportReport } from '../../library/bibtex-import.js';
import type { LibraryEntry, TagSummary } from '../../library/library.repository.js';
import { MAX_NOTE_LENGTH } from '../../library/library-limits.js';
import { MAX_QUERY_LENGTH } from '../request-params.js';
import type { PageContext } from '../viewer.js';
import { Categories, excerpt, formatDay, html, Pagination, paperPath, shortAuthors } from './components.js';
import { Layout } from './layout.js';
import { SaveButton } from './save-button.js';

export function tagPath(tag: string): string {
  return `/library?tag=${encodeURIComponent(tag)}`;
}

export function publicTagPath(username: string, tag: string): string {
  return `/u/${encodeURIComponent(username)}/c/${encodeURIComponent(tag)}`;
}

function EntryEditor({ entry, page }: { entry: LibraryEntry; page: PageContext }) {
  return (
    <details class="library-edit">
      <summary>Edit tags and note</summary>
      <form method="post" action="/library/save" class="stacked-form">
        <input type="hidden" name="_csrf" value={page.csrfToken} />
        <input type="hidden" name="paper" value={entry.paper.id} />
        <input type="hidden" name="next" value={page.path} />
        <label>
          Tags (comma-separated)
          <input type="text" name="tags" value={entry.tags.join(', ')} autocomplete="off" />
        </label>
        <label>
          Private note
          <textarea name="note" rows={3} maxlength={MAX_NOTE_LENGTH}>
            {entry.note}
          </textarea>
        </label>
        <button type="submit">Save changes</button>
      </form>
    </details>
  );
}

function EntryCard({ entry, page, owner }: { entry: LibraryEntry; page: PageContext; owner: boolean }) {
  const { paper } = entry;
  return (
    <article class="paper-card library-entry">
      <div class="body">
        <h2>
          <a href={paperPath(paper.id)}>{paper.title}</a>
        </h2>
        <p class="authors">{shortAuthors(paper.authors)}</p>
        <p class="abstract">{excerpt(paper.abstract)}</p>
        <div class="meta">
          {paper.publishedAt ? <time datetime={paper.publishedAt.slice(0, 10)}>{formatDay(paper.publishedAt)}</time> : null}
          <a href={`https://arxiv.org/abs/${paper.id}`} rel="noopener">
            arXiv
          </a>
          {owner ? <span class="muted">saved {formatDay(entry.savedAt)}</span> : null}
        </div>
        <Categories categories={paper.categories} />
        {owner && entry.tags.length > 0 ? (
          <ul class="tags" aria-label="Tags">
            {entry.tags.map((tag) => (
              <li>
                <a href={tagPath(tag)}>{tag}</a>
              </li>
            ))}
          </ul>
        ) : null}
        {owner && entry.note ? <p class="library-note">{entry.note}</p> : null}
        {owner ? (
          <>
            <EntryEditor entry={entry} page={page} />
            <SaveButton paperId={paper.id} saved={true} page={page} />
          </>
        ) : null}
      </div>
    </article>
  );
}

export interface LibraryPageProps {
  readonly page: PageContext;
  readonly entries: readonly LibraryEntry[];
  readonly total: number;
  readonly pageNumber: number;
  readonly pageSize: number;
  readonly tags: readonly TagSummary[];
  readonly tag: string | null;
  readonly query: string;
  readonly message: string | null;
}

export function libraryPage({ page, entries, total, pageNumber, pageSize, tags, tag, query, message }: LibraryPageProps) {
  const viewer = page.viewer!;
  const current = tag ? tags.find((t) => t.tag === tag) : undefined;
  const exportQuery = tag ? `?tag=${encodeURIComponent(tag)}` : '';
  return html(
    <Layout title={tag ? `Library: ${tag}` : 'Your library'} page={page}>
      <section class="library">
        <h1>{tag ? `Library: ${tag}` : 'Your library'}</h1>
        {message ? (
          <p class="notice" role="status">
            {message}
          </p>
        ) : null}
        <form method="get" action="/library" class="search-form" role="search">
          {tag ? <input type="hidden" name="tag" value={tag} /> : null}
          <label>
            Search your library
            <input type="search" name="q" value={query} maxlength={MAX_QUERY_LENGTH} placeholder='words, "phrases", author:…, cat:…' />
          </label>
          <button type="submit">Search</button>
        </form>
        <nav class="library-tags" aria-label="Tags">
          <a href="/library" aria-current={tag ? undefined : 'page'}>
            All
          </a>
          {tags.map((t) => (
            <a href={tagPath(t.tag)} aria-current={t.tag === tag ? 'page' : undefined}>
              {t.tag} ({t.papers}){t.public ? ' · public' : ''}
            </a>
          ))}
        </nav>
        {current ? (
          <form method="post" action="/library/tags/visibility" class="inline-form">
            <input type="hidden" name="_csrf" value={page.csrfToken} />
            <input type="hidden" name="tag" value={current.tag} />
            <input type="hidden" name="public" value={current.public ? '0' : '1'} />
            {current.public ? (
              <span>
                Public at <a href={publicTagPath(viewer.username, current.tag)}>{publicTagPath(viewer.username, current.tag)}</a>{' '}
              </span>
            ) : null}
            <button type="submit">{current.public ? 'Make private' : 'Make this tag public'}</button>
          </form>
        ) : null}
        <p class="muted">
          Export {tag ? 'this tag' : 'everything'}: <a href={`/library/export.bib${exportQuery}`}>BibTeX</a> ·{' '}
          <a href={`/library/export.json${exportQuery}`}>CSL-JSON</a> · <a href="/library/import">Import BibTeX</a>
        </p>
        {entries.length === 0 ? (
          <p class="empty">{query || tag ? 'No saved papers match.' : 'Nothing saved yet: use ☆ Save on any paper.'}</p>
        ) : (
          entries.map((entry) => <EntryCard entry={entry} page={page} owner={true} />)
        )}
        <Pagination
          basePath="/library"
          params={{ ...(tag ? { tag } : {}), ...(query ? { q: query } : {}) }}
          page={pageNumber}
          total={total}
          pageSize={pageSize}
        />
      </section>
    </Layout>,
  );
}

export function importPage({ page, report, error }: { page: PageContext; report: ImportReport | null; error: string | null }) {
  return html(
    <Layout title="Import BibTeX" page={page}>
      <section class="library-import">
        <h1>Import BibTeX</h1>
        {error ? (
          <p class="form-error" role="alert">
            {error}
          </p>
        ) : null}
        {report ? (
          <div class="import-report" role="status">
            <p>
              {report.imported.length} imported · {report.alreadySaved.length} already saved · {report.fetched.length} fetched from arXiv ·{' '}
              {report.skipped.length} skipped
            </p>
            {report.skipped.length > 0 ? (
              <ul class="skipped">
                {report.skipped.map((s) => (
                  <li>
                    line {s.line}
                    {s.key ? ` (${s.key})` : ''}: {s.reason}
                  </li>
                ))}
              </ul>
            ) : null}
            <p>
              <a href="/library">Back to your library</a>
            </p>
          </div>
        ) : null}
        <form method="post" action="/library/import" enctype="multipart/form-data" class="stacked-form">
          <input type="hidden" name="_csrf" value={page.csrfToken} />
          <label>
            BibTeX file
            <input type="file" name="file" accept=".bib,text/x-bibtex,text/plain" />
          </label>
          <label>
            or paste entries
            <textarea name="bibtex" rows={8}></textarea>
          </label>
          <label>
            Tag every imported paper (optional)
            <input type="text" name="tag" autocomplete="off" />
          </label>
          <button type="submit">Import</button>
        </form>
        <p class="muted">
          arXiv papers are found by their <code>eprint</code>, <code>url</code> or arXiv <code>doi</code>; papers this site does not have
          yet are fetched from arXiv.
        </p>
      </section>
    </Layout>,
  );
}

export function publicTagPage({
  page,
  username,
  tag,
  entries,
}: {
  page: PageContext;
  username: string;
  tag: string;
  entries: readonly LibraryEntry[];
}) {
  const path = publicTagPath(username, tag);
  return html(
    <Layout
      title={`${tag} — ${username}`}
      page={page}
      feeds={[
        { title: `${tag} by ${username} (RSS)`, href: `${path}/feed.xml`, type: 'rss' },
        { title: `${tag} by ${username} (Atom)`, href: `${path}/feed.atom`, type: 'atom' },
      ]}
    >
      <section class="library public-tag">
        <h1>{tag}</h1>
        <p class="muted">
          A collection by <a href={`/u/${encodeURIComponent(username)}`}>{username}</a> · {entries.length} papers ·{' '}
          <a href={`${path}/feed.xml`}>RSS</a> · <a href={`${path}/feed.atom`}>Atom</a>
        </p>
        {entries.length === 0 ? (
          <p class="empty">No papers yet.</p>
        ) : (
          entries.map((entry) => <EntryCard entry={entry} page={page} owner={false} />)
        )}
      </section>
    </Layout>,
  );
}
