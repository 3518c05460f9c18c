import type { PageContext } from '../viewer.js';

/**
 * Save to / remove from the library: a real form (works without JavaScript), for signed-in readers only, so
 * anonymous pages stay the same for everyone and can be cached.
 */
export function SaveButton({ paperId, saved, page }: { paperId: string; saved: boolean; page: PageContext | null }) {
  if (!page?.viewer) return null;
  return (
    <form method="post" action={saved ? '/library/remove' : '/library/save'} class="save-form inline-form" data-save-form>
      <input type="hidden" name="_csrf" value={page.csrfToken} />
      <input type="hidden" name="paper" value={paperId} />
      <input type="hidden" name="next" value={page.path} />
      <button type="submit" class={saved ? 'save saved link-button' : 'save link-button'} aria-pressed={saved ? 'true' : 'false'}>
        {saved ? '★ Saved' : '☆ Save'}
      </button>
    </form>
  );
}
