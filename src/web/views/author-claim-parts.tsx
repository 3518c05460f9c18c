import type { AuthorClaimStatus } from '../../authors/authors.table.js';
import type { PageContext } from '../viewer.js';

/** The reader an administrator confirmed as this author, next to the name as the paper lists it. */
export function ClaimedAuthor({ username }: { username: string | undefined }) {
  if (username === undefined) return null;
  return (
    <a class="claimed-author" href={`/u/${encodeURIComponent(username)}`} title={`Confirmed as this author: ${username}`}>
      ✓ {username}
    </a>
  );
}

/** "This is me": a signed-in reader claims a name on a paper; their pending or rejected claim shows instead. */
export function ClaimButton({
  paperId,
  author,
  state,
  page,
}: {
  paperId: string;
  author: string;
  state: AuthorClaimStatus | undefined;
  page: PageContext | null;
}) {
  if (!page?.viewer) return null;
  if (state === 'pending') return <span class="muted claim-state">· your claim awaits review</span>;
  if (state !== undefined) return null;
  return (
    <form method="post" action={`/papers/${paperId}/claim-author`} class="claim-form inline-form">
      <input type="hidden" name="_csrf" value={page.csrfToken} />
      <input type="hidden" name="author" value={author} />
      <button type="submit" class="link-button" aria-label={`Claim authorship: I am ${author}`}>
        This is me
      </button>
    </form>
  );
}
