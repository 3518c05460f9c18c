import type { Store } from '../db/database.js';
import { Refused } from '../refused.js';
import type { WriteAnnouncer } from '../write-events.js';
import { tokenUserId, verifyNotificationEmailToken } from './email-token.js';
import { countNotifications, countUnread, listNotifications, markRead, type NotificationItem } from './notifications.repository.js';

/** What the notification use-cases need from the app's dependencies. */
export interface NotificationDeps {
  readonly store: Store;
  readonly now: () => Date;
  readonly writes: WriteAnnouncer;
  readonly secret: string;
}

/** The signed-in reader: only their id matters, every notification use-case acts on the reader's own rows. */
export interface NotificationReader {
  readonly id: number;
}

export const NOTIFICATIONS_PER_PAGE = 30;
/** Pages beyond this are read as this one (an offset stays a safe integer). */
const MAX_PAGE = 1_000_000;
/** Most notifications one "mark read" request names. */
export const MAX_MARK_READ_IDS = 200;

export interface NotificationPage {
  readonly items: readonly NotificationItem[];
  readonly page: number;
  readonly perPage: number;
  readonly total: number;
  readonly hasMore: boolean;
  /** Unread notifications, counted up to UNREAD_COUNT_CAP. */
  readonly unread: number;
}

/** One page of the reader's notifications, newest first. */
export async function notificationsOf(
  deps: NotificationDeps,
  reader: NotificationReader,
  input: { page: number; unreadOnly?: boolean },
): Promise<NotificationPage> {
  const page = Math.min(MAX_PAGE, Math.max(1, input.page));
  const db = deps.store.db;
  const [rows, total, unread] = await Promise.all([
    listNotifications(db, reader.id, {
      offset: (page - 1) * NOTIFICATIONS_PER_PAGE,
      limit: NOTIFICATIONS_PER_PAGE + 1,
      unreadOnly: input.unreadOnly,
    }),
    countNotifications(db, reader.id),
    countUnread(db, reader.id),
  ]);
  return {
    items: rows.slice(0, NOTIFICATIONS_PER_PAGE),
    page,
    perPage: NOTIFICATIONS_PER_PAGE,
    total,
    hasMore: rows.length > NOTIFICATIONS_PER_PAGE,
    unread,
  };
}

/** Marks some of the reader's notifications read, or all of them; ids of other readers' notifications change nothing. */
export async function markNotificationsRead(
  deps: NotificationDeps,
  reader: NotificationReader,
  input: { ids: readonly number[] } | { all: true },
): Promise<{ marked: number; unread: number }> {
  if ('ids' in input && input.ids.length > MAX_MARK_READ_IDS) {
    throw new Refused('invalid', `At most ${MAX_MARK_READ_IDS} notifications can be marked read at once.`);
  }
  const marked = await markRead(deps.store.db, reader.id, 'all' in input ? 'all' : input.ids, deps.now().toISOString());
  if (marked > 0) deps.writes.announce({ kind: 'notification', userIds: [reader.id] });
  return { marked, unread: await countUnread(deps.store.db, reader.id) };
}

export async function notificationEmailEnabled(deps: Pick<NotificationDeps, 'store'>, reader: NotificationReader): Promise<boolean> {
  const row = await deps.store.db
    .selectFrom('notification_settings')
    .select('email_enabled')
    .where('user_id', '=', reader.id)
    .executeTakeFirst();
  return row?.email_enabled === 1;
}

/** Turns the batched notification email on or off (off by default). */
export async function setNotificationEmail(deps: NotificationDeps, reader: NotificationReader, input: { enabled: boolean }): Promise<void> {
  const now = deps.now().toISOString();
  await deps.store.db
    .insertInto('notification_settings')
    .values({ user_id: reader.id, email_enabled: input.enabled ? 1 : 0, updated_at: now })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ email_enabled: input.enabled ? 1 : 0, updated_at: now }))
    .execute();
  deps.writes.announce({ kind: 'notification', userIds: [reader.id] });
}

/**
 * Turns notification emails off from a signed link (the email's one-click unsubscribe): no session needed, the
 * token is the authority. Idempotent; a token that was not made for the account's current address is refused.
 */
export async function unsubscribeFromNotificationEmails(deps: NotificationDeps, input: { token: string }): Promise<{ username: string }> {
  const invalid = new Refused(
    'invalid',
    'This unsubscribe link is not valid (any more). You can turn notification emails off on the settings page.',
  );
  const userId = tokenUserId(input.token);
  if (userId === null) throw invalid;
  const user = await deps.store.db.selectFrom('users').select(['id', 'username', 'email']).where('id', '=', userId).executeTakeFirst();
  if (!user || !verifyNotificationEmailToken(deps.secret, input.token, user.id, user.email)) throw invalid;
  await setNotificationEmail(deps, { id: user.id }, { enabled: false });
  return { username: user.username };
}
