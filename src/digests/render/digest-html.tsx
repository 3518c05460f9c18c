import { abstractExcerpt, authorLine, paperUrl, type DigestContent, type DigestPaper } from './digest-paper.js';

/*
 * Mail clients strip <link> and most <style>: every rule that matters is inline, tables do the layout, and the
 * colours are mid-contrast so clients that invert colours for dark mode still render it well. The <style> block
 * only refines dark mode for clients that honour prefers-color-scheme.
 */
export const DARK_MODE_CSS =
  '@media (prefers-color-scheme: dark) {' +
  ' .pb-bg { background: #111418 !important; }' +
  ' .pb-card { background: #1b2027 !important; border-color: #2c333d !important; }' +
  ' .pb-text { color: #e6e9ee !important; }' +
  ' .pb-muted { color: #a9b1bc !important; }' +
  ' .pb-link { color: #8ab4ff !important; }' +
  ' }';

export const FONT = "font-family: -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif;";

/** One paper's card; `note` is a line under the title (For you: why the paper was picked). */
export function PaperRow({ paper, publicUrl, index, note }: { paper: DigestPaper; publicUrl: string; index: number; note?: string }) {
  return (
    <tr>
      <td class="pb-card" style="background: #ffffff; border: 1px solid #e3e6ea; border-radius: 8px; padding: 16px 18px;">
        <p class="pb-muted" style={`${FONT} margin: 0 0 4px; font-size: 12px; color: #5f6b7a;`}>
          #{index + 1} · ▲ {paper.upvotes} upvote{paper.upvotes === 1 ? '' : 's'}
        </p>
        <h2 style={`${FONT} margin: 0 0 6px; font-size: 17px; line-height: 1.35;`}>
          <a class="pb-link" href={paperUrl(publicUrl, paper.id)} style="color: #1a56db; text-decoration: none;">
            {paper.title}
          </a>
        </h2>
        {note ? (
          <p class="pb-text" style={`${FONT} margin: 0 0 6px; font-size: 13px; font-style: italic; color: #1f2933;`}>
            {note}
          </p>
        ) : null}
        {paper.authors.length > 0 ? (
          <p class="pb-muted" style={`${FONT} margin: 0 0 8px; font-size: 13px; color: #5f6b7a;`}>
            {authorLine(paper.authors)}
          </p>
        ) : null}
        <p class="pb-text" style={`${FONT} margin: 0 0 10px; font-size: 14px; line-height: 1.5; color: #1f2933;`}>
          {abstractExcerpt(paper.abstract)}
        </p>
        <p style={`${FONT} margin: 0; font-size: 13px;`}>
          <a class="pb-link" href={paperUrl(publicUrl, paper.id)} style="color: #1a56db;">
            Read on Paperboy
          </a>
          {paper.codeUrl ? (
            <>
              {' · '}
              <a class="pb-link" href={paper.codeUrl} style="color: #1a56db;">
                Code{paper.stars !== null ? ` ★ ${paper.stars.toLocaleString('en-US')}` : ''}
              </a>
            </>
          ) : null}
        </p>
      </td>
    </tr>
  );
}

/** The parts every digest shares: the document, its header line and heading, and the subscription footer. */
export function DigestDocument(props: {
  heading: string;
  frequency: string;
  /** What the mail is, after its frequency: "digest", "For-you digest". */
  kind: string;
  periodLabel: string;
  email: string;
  publicUrl: string;
  unsubscribeUrl: string;
  children: unknown;
  beforeFooter?: unknown;
}) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <meta name="supported-color-schemes" content="light dark" />
        <title>{props.heading}</title>
        <style>{DARK_MODE_CSS}</style>
      </head>
      <body class="pb-bg" style="margin: 0; padding: 0; background: #f3f5f8;">
        <table role="presentation" width="100%" cellpadding="0" cellspacing="0" class="pb-bg" style="background: #f3f5f8;">
          <tr>
            <td align="center" style="padding: 24px 12px;">
              <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width: 640px;">
                <tr>
                  <td style="padding: 0 4px 16px;">
                    <p class="pb-muted" style={`${FONT} margin: 0; font-size: 13px; color: #5f6b7a;`}>
                      Paperboy · {props.frequency === 'daily' ? 'Daily' : 'Weekly'} {props.kind} · {props.periodLabel}
                    </p>
                    <h1 class="pb-text" style={`${FONT} margin: 4px 0 0; font-size: 22px; color: #1f2933;`}>
                      {props.heading}
                    </h1>
                  </td>
                </tr>
                {props.children}
                <tr>
                  <td style="padding: 12px 4px;">
                    {props.beforeFooter}
                    <p class="pb-muted" style={`${FONT} margin: 0; font-size: 12px; line-height: 1.5; color: #5f6b7a;`}>
                      You receive this {props.frequency} {props.kind} at {props.email} because you subscribed on{' '}
                      <a class="pb-link" href={props.publicUrl} style="color: #1a56db;">
                        {props.publicUrl.replace(/^https?:\/\//, '')}
                      </a>
                      .{' '}
                      <a class="pb-link" href={props.unsubscribeUrl} style="color: #1a56db;">
                        Unsubscribe
                      </a>
                    </p>
                  </td>
                </tr>
              </table>
            </td>
          </tr>
        </table>
      </body>
    </html>
  );
}

export function digestHtml(content: DigestContent): string {
  const heading = content.topics ? `Papers on “${content.topics}”` : 'Trending papers';
  return (
    '<!doctype html>' +
    (
      <DigestDocument
        heading={heading}
        frequency={content.frequency}
        kind="digest"
        periodLabel={content.periodLabel}
        email={content.email}
        publicUrl={content.publicUrl}
        unsubscribeUrl={content.unsubscribeUrl}
      >
        {content.papers.map((paper, index) => (
          <>
            <PaperRow paper={paper} publicUrl={content.publicUrl} index={index} />
            <tr>
              <td style="height: 12px; line-height: 12px; font-size: 0;">&nbsp;</td>
            </tr>
          </>
        ))}
      </DigestDocument>
    ).toString()
  );
}
