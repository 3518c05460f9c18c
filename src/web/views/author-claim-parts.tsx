import type { ApprovedAuthor } from '../../authors/author-claims.repository.js';
import type { AuthorClaimStatus } from '../../authors/authors.table.js';
import type { PageContext } from '../viewer.js';

/** The signed-in reader's own claim of one name on a paper. */
export interface ViewerClaim {
  readonly id: number;
  readonly status: AuthorClaimStatus;
}

/** Takes a claim back: its reader withdraws it, or an administrator revokes it. */
function WithdrawClaim({ claimId, label, page }: { claimId: number; label: string; page: PageContext }) {
  return (
    <form method="post" action={`/author-claims/${claimId}/withdraw`} class="claim-form inline-form">
      <input type="hidden" name="_csrf" value={page.csrfToken} />
      <button type="submit" class="link-button">
        {label}
      </button>
    </form>
  );
}

/**
 * The reader an administrator confirmed as this author, next to the name as the paper lists it; that reader may
 * withdraw the claim, and an administrator revoke it.
 */
export function ClaimedAuthor({ approved, page }: { approved: ApprovedAuthor | undefined; page: PageContext | null }) {
  if (approved === undefined) return null;
  const viewer = page?.viewer;
  const own = viewer !== undefined && viewer !== null && viewer.username === approved.username;
  return (
    <>
      <a
        class="claimed-author"
        href={`/u/${encodeURIComponent(approved.username)}`}
        title={`Confirmed as this author: ${approved.username}`}
      >
        ✓ {approved.username}
      </a>
      {page && viewer && !viewer.banned && (own || viewer.isAdmin) ? (
        <WithdrawClaim claimId={approved.claimId} label={own ? 'Withdraw my claim' : 'Revoke claim'} page={page} />
      ) : null}
    </>
  );
}

/** "This is me": a signed-in reader claims a name on a paper; their pending claim shows instead, with a way back. */
export function ClaimButton({
  paperId,
  author,
  claim,
  page,
}: {
  paperId: string;
  author: string;
  claim: ViewerClaim | undefined;
  page: PageContext | null;
}) {
  if (!page?.viewer) return null;
  if (claim?.status === 'pending') {
    return (
      <>
        <span class="muted claim-state">· your claim awaits review</span>
        <WithdrawClaim claimId={claim.id} label="Withdraw" page={page} />
      </>
    );
  }
  if (claim !== undefined) return null;
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
