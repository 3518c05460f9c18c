import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { AppDeps } from '../../src/app-deps.js';
import type { Actor } from '../../src/community/community-deps.js';
import { editComment, postComment } from '../../src/community/comments.service.js';
import { setPaperHidden } from '../../src/community/moderation.js';
import { snapshotFileUnit } from '../../src/ingest/arxiv-snapshot.js';
import { runImport } from '../../src/ingest/import-runner.js';
import { upsertPapersNotifyingFollowers } from '../../src/notifications/new-papers.js';
import { countUnread } from '../../src/notifications/notifications.repository.js';
import { markNotificationsRead, notificationsOf } from '../../src/notifications/notifications.service.js';
import { upsertPapers } from '../../src/papers/papers.repository.js';
import { follow } from '../../src/signals/signals.service.js';
import { testApp } from '../helpers/app.js';
import { actorAccount } from '../helpers/community.js';
import { paperRecord, snapshotLine } from '../helpers/fixtures.js';
import { describeEachStore, tempDir } from '../helpers/stores.js';

const NOW = '2025-03-03T12:00:00.000Z';

describeEachStore('notifications', (get) => {
  let deps: AppDeps;
  let app: Awaited<ReturnType<typeof testApp>>['app'];
  let counter = 0;

  beforeAll(async () => {
    ({ deps, app } = await testApp(get(), {}, { now: () => new Date(NOW) }));
  });

  function unique(prefix: string): string {
    counter += 1;
    return `${prefix}${counter}${Math.random().toString(36).slice(2, 6)}`;
  }

  async function reader(): Promise<Actor & { name: string }> {
    const name = unique('rd');
    return { ...(await actorAccount(deps, name)), name };
  }

  async function paper(authors: string[] = ['Ada Lovelace']): Promise<string> {
    counter += 1;
    const id = `2503.${String(10_000 + counter)}`;
    await upsertPapers(get().store.db, [paperRecord({ id, authors, publishedAt: '2025-03-01T00:00:00.000Z' })], NOW);
    return id;
  }

  const list = async (actor: Actor) => (await notificationsOf(deps, actor, { page: 1 })).items;

  it('notifies the author of a comment of a reply, not of their own replies', async () => {
    const [alice, bob] = [await reader(), await reader()];
    const paperId = await paper();
    const top = await postComment(deps, alice, { paperId, parentId: null, body: 'First thoughts' });
    await postComment(deps, alice, { paperId, parentId: top.commentId, body: 'Replying to myself' });
    expect(await list(alice)).toEqual([]);

    const reply = await postComment(deps, bob, { paperId, parentId: top.commentId, body: 'I disagree' });
    const items = await list(alice);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      kind: 'reply',
      paperId,
      commentId: reply.commentId,
      actor: bob.name,
      commentBody: 'I disagree',
      readAt: null,
    });
    expect(await list(bob)).toEqual([]);
  });

  it('leaves notifications about a paper moderators hid out of the list and the counts, until it is shown again', async () => {
    const [alice, bob] = [await reader(), await reader()];
    const admin = await actorAccount(deps, unique('ad'), { admin: true });
    const [kept, hidden] = [await paper(), await paper()];
    for (const paperId of [kept, hidden]) {
      const top = await postComment(deps, alice, { paperId, parentId: null, body: 'Question' });
      await postComment(deps, bob, { paperId, parentId: top.commentId, body: 'Answer' });
    }
    const seen = async () => {
      const page = await notificationsOf(deps, alice, { page: 1 });
      return { papers: page.items.map((n) => n.paperId), total: page.total, unread: page.unread };
    };
    expect(await seen()).toEqual({ papers: [hidden, kept], total: 2, unread: 2 });

    await setPaperHidden(deps, admin, { paperId: hidden, hidden: true });
    expect(await seen()).toEqual({ papers: [kept], total: 1, unread: 1 });
    expect(await countUnread(get().store.db, alice.id)).toBe(1);

    await setPaperHidden(deps, admin, { paperId: hidden, hidden: false });
    expect(await seen()).toEqual({ papers: [hidden, kept], total: 2, unread: 2 });
  });

  it('notifies mentioned readers who exist, never the author, never for code, once when also replied to', async () => {
    const [alice, bob, carol, dave] = [await reader(), await reader(), await reader(), await reader()];
    const paperId = await paper();
    const top = await postComment(deps, alice, { paperId, parentId: null, body: 'Question' });
    await postComment(deps, bob, {
      paperId,
      parentId: top.commentId,
      body: `@${alice.name} @${carol.name.toUpperCase()} and @${bob.name} and @nosuchreader9 but not \`@${dave.name}\`\n\`\`\`\n@${dave.name}\n\`\`\``,
    });
    expect((await list(alice)).map((n) => n.kind)).toEqual(['reply']);
    expect((await list(carol)).map((n) => n.kind)).toEqual(['mention']);
    expect(await list(bob)).toEqual([]);
    expect(await list(dave)).toEqual([]);
  });

  it('links the mentions of existing readers to their profiles on the paper page, as written, and nothing else', async () => {
    const [alice, carol, dave] = [await reader(), await reader(), await reader()];
    const paperId = await paper();
    await postComment(deps, alice, {
      paperId,
      parentId: null,
      body: `Ask @${carol.name.toUpperCase()} or @nosuchreader9, not \`@${dave.name}\` nor [@${dave.name}](https://example.org)`,
    });
    const page = await (await app.request(`/papers/${paperId}`)).text();
    const body = page.slice(page.indexOf('class="comment-body"'));
    expect(body).toContain(`<a href="/u/${carol.name}" class="mention">@${carol.name.toUpperCase()}</a>`);
    expect(body).toContain('or @nosuchreader9, not <code>');
    expect(body).not.toContain(`href="/u/${dave.name}"`);
    expect(body).toContain(`<code>@${dave.name}</code>`);
  });

  it('an edit that adds a mention notifies the newly mentioned only, once', async () => {
    const [alice, bob, carol] = [await reader(), await reader(), await reader()];
    const paperId = await paper();
    const comment = await postComment(deps, alice, { paperId, parentId: null, body: `Hi @${bob.name}` });
    await editComment(deps, alice, { commentId: comment.commentId, body: `Hi @${bob.name} and @${carol.name}` });
    await editComment(deps, alice, { commentId: comment.commentId, body: `Hi @${bob.name}, @${carol.name}!` });
    expect((await list(bob)).map((n) => n.kind)).toEqual(['mention']);
    expect((await list(carol)).map((n) => n.kind)).toEqual(['mention']);
  });

  it('notifies followers of a new paper from a real import, once, and not when the paper is merely updated', async () => {
    const [fan, other, both] = [await reader(), await reader(), await reader()];
    const author = unique('Author ');
    const coauthor = unique('Coauthor ');
    await follow(deps, fan, { kind: 'author', value: author });
    await follow(deps, both, { kind: 'author', value: author });
    await follow(deps, both, { kind: 'author', value: coauthor });
    await follow(deps, other, { kind: 'author', value: unique('Someone ') });

    counter += 1;
    const existingId = `2502.${String(20_000 + counter)}`;
    await upsertPapers(get().store.db, [paperRecord({ id: existingId, authors: ['Nobody'] })], NOW);
    const newId = `2502.${String(20_001 + counter)}`;
    counter += 1;
    const dir = tempDir('paperboy-notify-import-');
    const file = path.join(dir, 'snapshot.jsonl');
    const line = (id: string) =>
      snapshotLine({ id, authors: `${author} and ${coauthor}`, authors_parsed: [], update_date: '2025-03-02', title: `Paper ${id}` });
    fs.writeFileSync(file, `${line(newId)}\n${line(existingId)}\n`);
    const importOnce = () => runImport(get().store, [snapshotFileUnit(file)], { now: () => new Date(NOW) });

    const summary = await importOnce();
    expect(summary).toMatchObject({ inserted: 1, updated: 1 });
    for (const actor of [fan, both]) {
      const items = await list(actor);
      expect(items.map((n) => [n.kind, n.paperId])).toEqual([['followed-author', newId]]);
    }
    expect(await list(other)).toEqual([]);

    // The same papers again (an update now), and the same new paper through another path: nothing more.
    await importOnce();
    await upsertPapersNotifyingFollowers(
      get().store.db,
      get().store.capabilities.maxParameters,
      [paperRecord({ id: newId, authors: [author] })],
      NOW,
    );
    expect(await list(fan)).toHaveLength(1);
    expect(await list(both)).toHaveLength(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('does not notify of old papers reaching the database (a historic import)', async () => {
    const fan = await reader();
    const author = unique('Old Author ');
    await follow(deps, fan, { kind: 'author', value: author });
    counter += 1;
    const id = `1001.${String(10_000 + counter)}`;
    const record = paperRecord({ id, authors: [author], publishedAt: '2010-01-01T00:00:00.000Z' });
    await upsertPapersNotifyingFollowers(get().store.db, get().store.capabilities.maxParameters, [record], NOW);
    expect(await list(fan)).toEqual([]);
  });

  it('marks only the reader’s own notifications read, one or all, and counts unread', async () => {
    const [alice, bob, carol] = [await reader(), await reader(), await reader()];
    const paperId = await paper();
    const top = await postComment(deps, alice, { paperId, parentId: null, body: 'Hello' });
    const carolsTop = await postComment(deps, carol, { paperId, parentId: null, body: 'Hello too' });
    await postComment(deps, bob, { paperId, parentId: top.commentId, body: 'one' });
    await postComment(deps, bob, { paperId, parentId: top.commentId, body: 'two' });
    await postComment(deps, bob, { paperId, parentId: carolsTop.commentId, body: 'three' });
    expect(await countUnread(get().store.db, alice.id)).toBe(2);

    const [newest, oldest] = await list(alice);
    expect(newest!.commentBody).toBe('two');
    const carols = (await list(carol))[0]!;
    expect(await markNotificationsRead(deps, alice, { ids: [carols.id, oldest!.id] })).toEqual({ marked: 1, unread: 1 });
    expect(await countUnread(get().store.db, carol.id)).toBe(1);
    expect(await markNotificationsRead(deps, alice, { all: true })).toEqual({ marked: 1, unread: 0 });
    expect(await countUnread(get().store.db, carol.id)).toBe(1);
    expect((await list(alice)).every((n) => n.readAt === NOW)).toBe(true);
  });
});
