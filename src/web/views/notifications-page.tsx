import { notificationExcerpt, notificationHeadline, notificationPath } from '../../notifications/describe.js';
import type { NotificationPage } from '../../notifications/notifications.service.js';
import type { PageContext } from '../viewer.js';
import { CsrfField } from './account-forms.js';
import { html } from './components.js';
import { Layout } from './layout.js';

function pageLink(page: number): string {
  return page <= 1 ? '/notifications' : `/notifications?page=${page}`;
}

/** The reader's notifications, newest first, each linking to its comment or paper; rendered only for its owner. */
export function notificationsPage({ page, list }: { page: PageContext; list: NotificationPage }) {
  const here = pageLink(list.page);
  return html(
    <Layout title="Notifications" page={page}>
      <section class="notifications">
        <h1>Notifications</h1>
        <p class="muted">
          {list.unread === 0 ? 'Nothing unread.' : `${list.unread >= 100 ? '99+' : list.unread} unread.`} Email for notifications:{' '}
          <a href="/settings#notifications-title">settings</a>.
        </p>
        {list.unread > 0 ? (
          <form method="post" action="/notifications/read" class="inline-form">
            <CsrfField token={page.csrfToken} />
            <input type="hidden" name="all" value="1" />
            <input type="hidden" name="next" value={here} />
            <button type="submit">Mark all read</button>
          </form>
        ) : null}
        {list.items.length === 0 ? (
          <p class="muted">
            No notifications yet. You hear here of replies to your comments, mentions (@{page.viewer?.username ?? 'you'}) and new papers by
            authors you <a href="/following">follow</a>.
          </p>
        ) : (
          <ol class="notification-list">
            {list.items.map((item) => {
              const excerpt = notificationExcerpt(item);
              return (
                <li class={item.readAt === null ? 'notification unread' : 'notification'} id={`notification-${item.id}`}>
                  <a href={notificationPath(item)}>{notificationHeadline(item)}</a>
                  {excerpt ? <p class="muted">{excerpt}</p> : null}
                  <p class="muted">
                    <time datetime={item.createdAt}>{item.createdAt.slice(0, 16).replace('T', ' ')} UTC</time>
                    {item.readAt === null ? (
                      <>
                        {' · '}
                        <form method="post" action="/notifications/read" class="inline-form">
                          <CsrfField token={page.csrfToken} />
                          <input type="hidden" name="id" value={String(item.id)} />
                          <input type="hidden" name="next" value={here} />
                          <button type="submit" class="link-button">
                            Mark read
                          </button>
                        </form>
                      </>
                    ) : null}
                  </p>
                </li>
              );
            })}
          </ol>
        )}
        <nav class="pagination" aria-label="Pages">
          {list.page > 1 ? (
            <a rel="prev" href={pageLink(list.page - 1)}>
              ← Newer
            </a>
          ) : null}{' '}
          {list.hasMore ? (
            <a rel="next" href={pageLink(list.page + 1)}>
              Older →
            </a>
          ) : null}
        </nav>
      </section>
    </Layout>,
  );
}

/** The settings page's section for notification emails (off by default). */
export function NotificationEmailSettings({ page, enabled }: { page: PageContext; enabled: boolean }) {
  return (
    <section class="settings-section" aria-labelledby="notifications-title">
      <h2 id="notifications-title">Notification emails</h2>
      <p>
        {enabled
          ? 'On: unread notifications are emailed to you, at most once an hour, each only once.'
          : 'Off: notifications only show on the site.'}{' '}
        <a href="/notifications">Your notifications</a>
      </p>
      <form method="post" action="/settings/notifications">
        <CsrfField token={page.csrfToken} />
        <input type="hidden" name="email" value={enabled ? 'off' : 'on'} />
        <button type="submit">{enabled ? 'Stop notification emails' : 'Email me my notifications (at most hourly)'}</button>
      </form>
    </section>
  );
}

/** The one-click unsubscribe page: a button that posts (mail scanners follow links; only a POST unsubscribes). */
export function notificationUnsubscribePage({ page, token, done }: { page: PageContext; token: string; done: boolean }) {
  return html(
    <Layout title="Notification emails" page={page}>
      <section class="settings">
        <h1>Notification emails</h1>
        {done ? (
          <p>You will get no more notification emails. Notifications still show on the site; turn the emails back on in your settings.</p>
        ) : (
          <form method="post" action={`/notifications/unsubscribe?token=${encodeURIComponent(token)}`}>
            <p>Stop the emails about your notifications?</p>
            <button type="submit">Stop notification emails</button>
          </form>
        )}
      </section>
    </Layout>,
  );
}
