import type { User } from '../../accounts/user.js';
import { canEdit, type CommentNode, type PaperThread } from '../../community/comments.service.js';
import { linkMentions, type KnownMentions } from '../../community/mentions.js';
import { renderMarkdown } from '../../community/markdown.js';
import type { PageContext } from '../viewer.js';
import { formatDay } from './components.js';

function CsrfField({ page }: { page: PageContext }) {
  return <input type="hidden" name="_csrf" value={page.csrfToken} />;
}

export function CommentForm({
  page,
  paperId,
  parentId,
  label,
}: {
  page: PageContext;
  paperId: string;
  parentId: number | null;
  label: string;
}) {
  const id = `comment-body-${parentId ?? 'new'}`;
  return (
    <form method="post" action={`/papers/${paperId}/comments`} class="comment-form">
      <CsrfField page={page} />
      {parentId !== null ? <input type="hidden" name="parent_id" value={String(parentId)} /> : null}
      <label for={id}>{label}</label>
      <textarea id={id} name="body" rows={parentId === null ? 4 : 3} required maxlength={10000}></textarea>
      <p class="hint">Markdown: **bold**, *italic*, `code`, [links](https://…), lists and &gt; quotes.</p>
      <button type="submit">{parentId === null ? 'Post comment' : 'Reply'}</button>
    </form>
  );
}

function Comment({
  node,
  page,
  now,
  depth,
  mentions,
}: {
  node: CommentNode;
  page: PageContext;
  now: Date;
  depth: number;
  mentions: KnownMentions;
}) {
  const { comment } = node;
  const viewer: User | null = page.viewer;
  const removed = comment.deleted || (comment.hidden && !viewer?.isAdmin);
  const editable = canEdit(comment, viewer ? { id: viewer.id, isAdmin: viewer.isAdmin, banned: viewer.banned } : null, now);
  return (
    <li class="comment" id={`comment-${comment.id}`}>
      <article aria-label={removed ? 'Removed comment' : `Comment by ${comment.username}`}>
        {removed ? (
          <p class="removed">{comment.deleted ? '[deleted by its author]' : '[hidden by a moderator]'}</p>
        ) : (
          <>
            <header class="comment-meta">
              <a href={`/u/${encodeURIComponent(comment.username)}`} class="comment-author">
                {comment.username}
              </a>
              <a href={`#comment-${comment.id}`}>
                <time datetime={comment.createdAt}>{formatDay(comment.createdAt)}</time>
              </a>
              {comment.editedAt ? <span class="edited">(edited)</span> : null}
              {comment.hidden ? <span class="badge">hidden</span> : null}
            </header>
            <div class="comment-body">{linkMentions(renderMarkdown(comment.body), mentions)}</div>
            {viewer ? (
              <div class="comment-actions">
                {depth < 8 && !viewer.banned ? (
                  <details>
                    <summary>Reply</summary>
                    <CommentForm page={page} paperId={comment.paperId} parentId={comment.id} label={`Reply to ${comment.username}`} />
                  </details>
                ) : null}
                {editable ? (
                  <>
                    <details>
                      <summary>Edit</summary>
                      <form method="post" action={`/comments/${comment.id}/edit`} class="comment-form">
                        <CsrfField page={page} />
                        <label for={`edit-${comment.id}`}>Edit your comment</label>
                        <textarea id={`edit-${comment.id}`} name="body" rows={3} required maxlength={10000}>
                          {comment.body}
                        </textarea>
                        <button type="submit">Save</button>
                      </form>
                    </details>
                    <form method="post" action={`/comments/${comment.id}/delete`} class="inline-form">
                      <CsrfField page={page} />
                      <button type="submit" class="link-button">
                        Delete
                      </button>
                    </form>
                  </>
                ) : null}
                {viewer.isAdmin ? (
                  <form method="post" action={`/comments/${comment.id}/hide`} class="inline-form">
                    <CsrfField page={page} />
                    <input type="hidden" name="hidden" value={comment.hidden ? '0' : '1'} />
                    <button type="submit" class="link-button">
                      {comment.hidden ? 'Unhide' : 'Hide'}
                    </button>
                  </form>
                ) : null}
              </div>
            ) : null}
          </>
        )}
      </article>
      {node.replies.length > 0 ? (
        <ol class="replies">
          {node.replies.map((reply) => (
            <Comment node={reply} page={page} now={now} depth={depth + 1} mentions={mentions} />
          ))}
        </ol>
      ) : null}
    </li>
  );
}

/** Comments a reader sees: neither deleted nor hidden. */
export function visibleCount(thread: readonly CommentNode[]): number {
  return thread.reduce((n, node) => n + (node.comment.deleted || node.comment.hidden ? 0 : 1) + visibleCount(node.replies), 0);
}

export function CommentThread({
  thread,
  page,
  now,
  paperId,
  imported,
}: {
  thread: PaperThread;
  page: PageContext;
  now: Date;
  paperId: string;
  imported: number;
}) {
  return (
    <section class="comments" id="comments" aria-labelledby="comments-title">
      <h2 id="comments-title">
        Comments <span class="muted">({visibleCount(thread.nodes)})</span>
      </h2>
      {imported > 0 ? (
        <p class="hint">
          {imported} more {imported === 1 ? 'comment' : 'comments'} on{' '}
          <a href={`https://huggingface.co/papers/${paperId}`} rel="noopener">
            Hugging Face Papers
          </a>
          .
        </p>
      ) : null}
      {page.viewer ? (
        page.viewer.banned ? (
          <p class="hint">Your account is banned from commenting.</p>
        ) : (
          <CommentForm page={page} paperId={paperId} parentId={null} label="Add a comment" />
        )
      ) : (
        <p>
          <a href={`/login?next=${encodeURIComponent(`/papers/${paperId}#comments`)}`}>Log in</a> to comment.
        </p>
      )}
      {thread.nodes.length === 0 ? (
        <p class="empty">No comments yet.</p>
      ) : (
        <ol class="thread">
          {thread.nodes.map((node) => (
            <Comment node={node} page={page} now={now} depth={0} mentions={thread.mentions} />
          ))}
        </ol>
      )}
    </section>
  );
}
