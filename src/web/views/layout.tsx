import type { Child } from 'hono/jsx';
import type { PageContext } from '../viewer.js';

export interface LayoutProps {
  readonly title: string;
  readonly page?: PageContext;
  /** Alternate RSS/Atom feeds for this page. */
  readonly feeds?: readonly { readonly title: string; readonly href: string; readonly type: 'rss' | 'atom' }[];
  readonly description?: string;
  /** The search box's current query. */
  readonly query?: string;
  readonly children?: Child;
}

const ANONYMOUS: PageContext = { viewer: null, csrfToken: '', path: '/' };

function UserMenu({ page }: { page: PageContext }) {
  const { viewer } = page;
  if (!viewer) {
    return (
      <div class="user-menu">
        <a href={`/login?next=${encodeURIComponent(page.path)}`}>Log in</a>
        <a class="button" href="/signup">
          Sign up
        </a>
      </div>
    );
  }
  return (
    <div class="user-menu">
      <a href="/submit">Submit</a>
      <a href="/for-you">For you</a>
      <a href="/library">Library</a>
      <a href="/following">Following</a>
      <NotificationsLink unread={page.unreadNotifications ?? 0} />
      {viewer.isAdmin ? <a href="/admin">Admin</a> : null}
      <a href={`/u/${encodeURIComponent(viewer.username)}`} class="username">
        {viewer.username}
      </a>
      <a href="/settings">Settings</a>
      <form method="post" action="/logout" class="inline-form">
        <input type="hidden" name="_csrf" value={page.csrfToken} />
        <button type="submit" class="link-button">
          Log out
        </button>
      </form>
    </div>
  );
}

function NotificationsLink({ unread }: { unread: number }) {
  if (unread === 0) return <a href="/notifications">Notifications</a>;
  const label = unread >= 100 ? '99+' : String(unread);
  return (
    <a href="/notifications" class="notifications-link">
      Notifications{' '}
      <span class="badge" aria-label={`${label} unread`}>
        {label}
      </span>
    </a>
  );
}

export function SubscribeBox({ page }: { page: PageContext }) {
  return (
    <section class="subscribe" aria-labelledby="subscribe-title">
      <h2 id="subscribe-title">Get trending papers in your email inbox</h2>
      <form method="post" action="/subscribe" class="subscribe-form">
        <input type="hidden" name="_csrf" value={page.csrfToken} />
        <label for="subscribe-email" class="visually-hidden">
          Email address
        </label>
        <input id="subscribe-email" type="email" name="email" required placeholder="you@example.org" autocomplete="email" />
        <label for="subscribe-frequency" class="visually-hidden">
          How often
        </label>
        <select id="subscribe-frequency" name="frequency">
          <option value="daily">Daily</option>
          <option value="weekly" selected>
            Weekly
          </option>
        </select>
        <button type="submit">Subscribe</button>
      </form>
    </section>
  );
}

export function Layout({ title, page = ANONYMOUS, feeds = [], description, query, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{title === 'Paperboy' ? title : `${title} · Paperboy`}</title>
        {description ? <meta name="description" content={description} /> : null}
        <link rel="stylesheet" href="/static/app.css" />
        {feeds.map((feed) => (
          <link
            rel="alternate"
            type={feed.type === 'rss' ? 'application/rss+xml' : 'application/atom+xml'}
            title={feed.title}
            href={feed.href}
          />
        ))}
        <script src="/static/theme.js"></script>
        <script src="/static/app.js" defer></script>
      </head>
      <body>
        <a class="skip-link" href="#main">
          Skip to content
        </a>
        <header class="site-header">
          <a class="brand" href="/">
            Paperboy
          </a>
          <nav aria-label="Main" class="main-nav">
            <a href="/">Daily</a>
            <a href="/trending">Trending</a>
            <a href="/papers/week">Weekly</a>
            <a href="/papers/month">Monthly</a>
          </nav>
          <form method="get" action="/search" role="search" class="header-search">
            <label for="header-q" class="visually-hidden">
              Search papers
            </label>
            <input id="header-q" type="search" name="q" placeholder="Search papers" value={query ?? ''} />
          </form>
          <UserMenu page={page} />
          <button type="button" class="theme-toggle" data-theme-toggle hidden aria-label="Switch between light and dark theme">
            <span aria-hidden="true">◐</span>
          </button>
        </header>
        <main id="main">{children}</main>
        <footer class="site-footer">
          <SubscribeBox page={page} />
          <p>
            Paperboy — research papers, curated by the community. arXiv metadata is CC0. <a href="/feeds/daily.xml">RSS</a> ·{' '}
            <a href="/feeds/daily.atom">Atom</a> · <a href="/api/openapi.json">API</a>
          </p>
        </footer>
      </body>
    </html>
  );
}
