import type { Child } from 'hono/jsx';

export interface LayoutProps {
  readonly title: string;
  readonly children?: Child;
}

export function Layout({ title, children }: LayoutProps) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title === 'Paperboy' ? title : `${title} · Paperboy`}</title>
        <link rel="stylesheet" href="/static/app.css" />
      </head>
      <body>
        <header class="site-header">
          <a class="brand" href="/">
            Paperboy
          </a>
          <nav aria-label="Main">
            <a href="/">Daily</a>
          </nav>
        </header>
        <main id="main">{children}</main>
        <footer class="site-footer">
          <p>Paperboy — research papers, curated by the community. arXiv metadata is CC0.</p>
        </footer>
      </body>
    </html>
  );
}
