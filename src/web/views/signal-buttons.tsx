import type { FollowKind, RatingValue } from '../../signals/signal-limits.js';
import type { PageContext } from '../viewer.js';

/**
 * "More like this" / "Less like this": real forms (they work without JavaScript) for signed-in readers only, so
 * anonymous pages stay the same for everyone. Pressing the current choice again clears it.
 */
export function RatingButtons({ paperId, rating, page }: { paperId: string; rating: RatingValue | null; page: PageContext | null }) {
  if (!page?.viewer) return null;
  const choice = (value: RatingValue, label: string) => {
    const pressed = rating === value;
    return (
      <form method="post" action="/ratings" class="rating-form inline-form">
        <input type="hidden" name="_csrf" value={page.csrfToken} />
        <input type="hidden" name="paper" value={paperId} />
        <input type="hidden" name="value" value={pressed ? '0' : String(value)} />
        <input type="hidden" name="next" value={page.path} />
        <button type="submit" class={pressed ? 'rating rated link-button' : 'rating link-button'} aria-pressed={pressed ? 'true' : 'false'}>
          {pressed ? `✓ ${label}` : label}
        </button>
      </form>
    );
  };
  return (
    <div class="rating-buttons" role="group" aria-label="Your rating (private)">
      {choice(1, 'More like this')}
      {choice(-1, 'Less like this')}
    </div>
  );
}

/** Follow / unfollow an author, a category or a search: a form for signed-in readers only. */
export function FollowButton({
  kind,
  value,
  followed,
  page,
  label,
}: {
  kind: FollowKind;
  value: string;
  followed: boolean;
  page: PageContext | null;
  /** What the button says when not followed yet; "Follow" by default. */
  label?: string;
}) {
  if (!page?.viewer) return null;
  return (
    <form method="post" action={followed ? '/following/remove' : '/following/add'} class="follow-form inline-form">
      <input type="hidden" name="_csrf" value={page.csrfToken} />
      <input type="hidden" name="kind" value={kind} />
      <input type="hidden" name="value" value={value} />
      <input type="hidden" name="next" value={page.path} />
      <button
        type="submit"
        class={followed ? 'follow followed link-button' : 'follow link-button'}
        aria-pressed={followed ? 'true' : 'false'}
      >
        {followed ? '✓ Following' : (label ?? 'Follow')}
      </button>
    </form>
  );
}
