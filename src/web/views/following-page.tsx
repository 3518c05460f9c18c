import type { Follow } from '../../signals/signals.repository.js';
import { MAX_FOLLOWS, type FollowKind } from '../../signals/signal-limits.js';
import type { PageContext } from '../viewer.js';
import { html } from './components.js';
import { Layout } from './layout.js';
import { FollowButton } from './signal-buttons.js';

const SECTIONS: readonly { kind: FollowKind; title: string; empty: string }[] = [
  { kind: 'author', title: 'Authors', empty: 'No authors yet: use "Follow" next to an author on a paper page.' },
  { kind: 'category', title: 'Categories', empty: 'No categories yet: search with cat:, then "Follow cat:…".' },
  { kind: 'query', title: 'Saved searches', empty: 'No saved searches yet: search, then "Follow this search".' },
];

function searchLink(follow: Follow): string {
  const query = follow.kind === 'author' ? `author:"${follow.value}"` : follow.kind === 'category' ? `cat:${follow.value}` : follow.value;
  return `/search?q=${encodeURIComponent(query)}`;
}

/** Everything the reader follows, with an unfollow button on each; only ever rendered for its owner. */
export function followingPage({ page, follows }: { page: PageContext; follows: readonly Follow[] }) {
  return html(
    <Layout title="Following" page={page}>
      <section class="following">
        <h1>Following</h1>
        <p class="muted">
          Private to you. {follows.length} of at most {MAX_FOLLOWS}.
        </p>
        {SECTIONS.map(({ kind, title, empty }) => {
          const ofKind = follows.filter((f) => f.kind === kind);
          return (
            <section class={`following-${kind}`}>
              <h2>{title}</h2>
              {ofKind.length === 0 ? (
                <p class="muted">{empty}</p>
              ) : (
                <ul>
                  {ofKind.map((f) => (
                    <li>
                      <a href={searchLink(f)}>{f.value}</a> <FollowButton kind={f.kind} value={f.value} followed={true} page={page} />
                    </li>
                  ))}
                </ul>
              )}
            </section>
          );
        })}
      </section>
    </Layout>,
  );
}
