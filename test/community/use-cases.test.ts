import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app-deps.js';
import type { Actor } from '../../src/community/community-deps.js';
import { deleteComment, editComment, hideComment, postComment } from '../../src/community/comments.service.js';
import { banUser, setPaperHidden } from '../../src/community/moderation.js';
import { submitPaper } from '../../src/community/submissions.js';
import { votePaper } from '../../src/community/voting.js';
import { upsertFeedEntries } from '../../src/feed/feed.repository.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import type { WriteEvent } from '../../src/write-events.js';
import { testApp } from '../helpers/app.js';
import { startFakeArxiv } from '../helpers/fake-arxiv.js';
import { paperRecord } from '../helpers/fixtures.js';
import { actorAccount, refusalCode } from '../helpers/community.js';
import { describeEachStore } from '../helpers/stores.js';

const NOW = new Date('2025-03-03T12:00:00Z');

describeEachStore('community use-cases', (get) => {
  let deps: AppDeps;
  let arxiv: Awaited<ReturnType<typeof startFakeArxiv>>;
  let arxivApiUrl: string;
  const events: WriteEvent[] = [];
  let member: Actor;
  let banned: Actor;
  let admin: Actor;
  let bannedAdmin: Actor;
  let paperCounter = 0;

  const account = (username: string, options: { admin?: boolean; banned?: boolean } = {}) => actorAccount(deps, username, options);

  /** A fresh paper for one test, featured on a feed day unless told otherwise. */
  async function paper(options: { hidden?: boolean; featured?: boolean } = {}): Promise<string> {
    paperCounter += 1;
    const id = `2503.${String(10_000 + paperCounter)}`;
    const db = get().store.db;
    await upsertPapers(db, [paperRecord({ id, title: `Paper ${id}` })], NOW.toISOString());
    if (options.featured ?? true)
      await upsertFeedEntries(db, [{ day: '2025-03-01', paperId: id, upvotes: 3, comments: 0, source: 'test' }], NOW.toISOString());
    if (options.hidden) await db.updateTable('papers').set({ hidden: 1 }).where('id', '=', id).execute();
    return id;
  }

  const refusal = refusalCode;

  beforeAll(async () => {
    arxiv = await startFakeArxiv([
      {
        id: '2503.99001',
        title: 'Fetched on submission',
        abstract: 'A paper only arXiv knows.',
        authors: ['Ada Lovelace'],
        categories: ['cs.LG'],
        published: '2025-03-01T00:00:00Z',
      },
    ]);
    arxivApiUrl = arxiv.url;
    ({ deps } = await testApp(get(), { PAPERBOY_ARXIV_API_URL: arxiv.url }, { now: () => NOW }));
    deps.writes.subscribe((event) => events.push(event));
    member = await account('member');
    banned = await account('banned', { banned: true });
    admin = await account('moderator', { admin: true });
    bannedAdmin = await account('fallen', { admin: true, banned: true });
  });

  afterAll(async () => {
    await arxiv.close();
  });

  beforeEach(() => {
    events.length = 0;
  });

  describe('votePaper', () => {
    it('adds and removes a vote, announcing only changes', async () => {
      const id = await paper();
      const added = await votePaper(deps, member, { paperId: id, action: 'add' });
      expect(added).toMatchObject({ paperId: id, upvoted: true, changed: true });
      expect(events).toEqual([{ kind: 'vote', paperIds: [id], userIds: [member.id] }]);
      const again = await votePaper(deps, member, { paperId: id, action: 'add' });
      expect(again.changed).toBe(false);
      expect(events).toHaveLength(1);
      const removed = await votePaper(deps, member, { paperId: id, action: 'remove' });
      expect(removed).toMatchObject({ upvoted: false, changed: true, upvotes: added.upvotes - 1 });
      expect(events).toEqual([
        { kind: 'vote', paperIds: [id], userIds: [member.id] },
        { kind: 'vote', paperIds: [id], userIds: [member.id] },
      ]);
    });

    it('refuses a banned actor, a missing paper and a hidden paper, writing nothing', async () => {
      const id = await paper();
      const hidden = await paper({ hidden: true });
      expect(await refusal(votePaper(deps, banned, { paperId: id, action: 'add' }))).toBe('forbidden');
      expect(await refusal(votePaper(deps, member, { paperId: '2503.00000', action: 'add' }))).toBe('not_found');
      expect(await refusal(votePaper(deps, member, { paperId: hidden, action: 'add' }))).toBe('not_found');
      const votes = await get().store.db.selectFrom('votes').select('paper_id').where('paper_id', 'in', [id, hidden]).execute();
      expect(votes).toEqual([]);
      expect(events).toEqual([]);
    });
  });

  describe('comments', () => {
    it('posts, edits and deletes, announcing the paper each time', async () => {
      const id = await paper();
      const posted = await postComment(deps, member, { paperId: id, parentId: null, body: 'First!' });
      expect(posted.paperId).toBe(id);
      await editComment(deps, member, { commentId: posted.commentId, body: 'First, edited.' });
      await deleteComment(deps, member, { commentId: posted.commentId });
      expect(events).toEqual([
        { kind: 'comment', paperIds: [id] },
        { kind: 'comment', paperIds: [id] },
        { kind: 'comment', paperIds: [id] },
      ]);
      const row = await get()
        .store.db.selectFrom('comments')
        .select(['deleted', 'edited_at'])
        .where('id', '=', posted.commentId)
        .executeTakeFirstOrThrow();
      expect(Number(row.deleted)).toBe(1);
      expect(row.edited_at).toBe(NOW.toISOString());
    });

    it('stores comments without NUL, bidi overrides or other control characters, on post and on edit', async () => {
      const id = await paper();
      const posted = await postComment(deps, member, {
        paperId: id,
        parentId: null,
        body: 'evil\u0000 file\u202Etxt.exe\r\nnext line\u0007',
      });
      const stored = () =>
        get().store.db.selectFrom('comments').select('body').where('id', '=', posted.commentId).executeTakeFirstOrThrow();
      expect((await stored()).body).toBe('evil filetxt.exe\nnext line');
      await editComment(deps, member, { commentId: posted.commentId, body: '\u2066edited\u2069\u0000' });
      expect((await stored()).body).toBe('edited');
      expect(await refusal(postComment(deps, member, { paperId: id, parentId: null, body: '\u0000\u202E\u0007' }))).toBe('invalid');
    });

    it('refuses a banned actor, a missing paper and a hidden paper', async () => {
      const id = await paper();
      const hidden = await paper({ hidden: true });
      expect(await refusal(postComment(deps, banned, { paperId: id, parentId: null, body: 'hi' }))).toBe('forbidden');
      expect(await refusal(postComment(deps, member, { paperId: '2503.00000', parentId: null, body: 'hi' }))).toBe('not_found');
      expect(await refusal(postComment(deps, member, { paperId: hidden, parentId: null, body: 'hi' }))).toBe('not_found');
      expect(events).toEqual([]);
    });

    it('refuses edits and deletes once the paper is hidden, or by a banned author', async () => {
      const id = await paper();
      const posted = await postComment(deps, member, { paperId: id, parentId: null, body: 'Soon hidden.' });
      events.length = 0;
      expect(await refusal(editComment(deps, { ...member, banned: true }, { commentId: posted.commentId, body: 'x' }))).toBe('forbidden');
      await get().store.db.updateTable('papers').set({ hidden: 1 }).where('id', '=', id).execute();
      expect(await refusal(editComment(deps, member, { commentId: posted.commentId, body: 'x' }))).toBe('not_found');
      expect(await refusal(deleteComment(deps, member, { commentId: posted.commentId }))).toBe('not_found');
      expect(await refusal(deleteComment(deps, member, { commentId: 999_999 }))).toBe('not_found');
      expect(events).toEqual([]);
    });

    it('lets only unbanned admins hide a comment, announcing its paper', async () => {
      const id = await paper();
      const posted = await postComment(deps, member, { paperId: id, parentId: null, body: 'Spam' });
      events.length = 0;
      expect(await refusal(hideComment(deps, member, { commentId: posted.commentId, hidden: true }))).toBe('forbidden');
      expect(await refusal(hideComment(deps, bannedAdmin, { commentId: posted.commentId, hidden: true }))).toBe('forbidden');
      expect(await refusal(hideComment(deps, admin, { commentId: 999_999, hidden: true }))).toBe('not_found');
      expect(events).toEqual([]);
      await hideComment(deps, admin, { commentId: posted.commentId, hidden: true });
      expect(events).toEqual([{ kind: 'comment', paperIds: [id] }]);
    });
  });

  describe('moderation', () => {
    it('hides a paper and announces it; refuses members, banned admins and missing papers', async () => {
      const id = await paper();
      expect(await refusal(setPaperHidden(deps, member, { paperId: id, hidden: true }))).toBe('forbidden');
      expect(await refusal(setPaperHidden(deps, bannedAdmin, { paperId: id, hidden: true }))).toBe('forbidden');
      expect(await refusal(setPaperHidden(deps, admin, { paperId: '2503.00000', hidden: true }))).toBe('not_found');
      expect(events).toEqual([]);
      await setPaperHidden(deps, admin, { paperId: id, hidden: true });
      expect(events).toEqual([{ kind: 'paper-visibility', paperIds: [id] }]);
      const row = await get().store.db.selectFrom('papers').select('hidden').where('id', '=', id).executeTakeFirstOrThrow();
      expect(Number(row.hidden)).toBe(1);
    });

    it('bans a user and announces them; refuses self-bans, banned admins and unknown users', async () => {
      const target = await account('troll');
      expect(await refusal(banUser(deps, member, { username: 'troll', banned: true }))).toBe('forbidden');
      expect(await refusal(banUser(deps, bannedAdmin, { username: 'troll', banned: true }))).toBe('forbidden');
      expect(await refusal(banUser(deps, admin, { username: 'moderator', banned: true }))).toBe('invalid');
      expect(await refusal(banUser(deps, admin, { username: 'nobody', banned: true }))).toBe('not_found');
      expect(events).toEqual([]);
      const user = await banUser(deps, admin, { username: 'troll', banned: true });
      expect(user.banned).toBe(true);
      expect(events).toEqual([{ kind: 'user-ban', userIds: [target.id] }]);
    });
  });

  describe('submitPaper', () => {
    const submit = (actor: Actor, paperInput: string) => submitPaper({ ...deps, arxivApiUrl }, actor, { paper: paperInput });

    it('puts a known paper on the feed and one only arXiv knows, announcing each', async () => {
      const known = await paper({ featured: false });
      expect(await submit(member, known)).toMatchObject({ paperId: known, fetched: false, day: '2025-03-03' });
      expect(await submit(member, 'https://arxiv.org/abs/2503.99001v2')).toMatchObject({ paperId: '2503.99001', fetched: true });
      expect(events).toEqual([
        { kind: 'submission', paperIds: [known] },
        { kind: 'submission', paperIds: ['2503.99001'] },
      ]);
    });

    it('refuses a banned actor, a hidden paper, a paper arXiv does not have and one already featured', async () => {
      const fresh = await paper({ featured: false });
      const hidden = await paper({ hidden: true, featured: false });
      const featured = await paper();
      expect(await refusal(submit(banned, fresh))).toBe('forbidden');
      expect(await refusal(submit(member, hidden))).toBe('forbidden');
      expect(await refusal(submit(member, '2503.98765'))).toBe('invalid');
      expect(await refusal(submit(member, featured))).toBe('conflict');
      expect(events).toEqual([]);
    });
  });
});
