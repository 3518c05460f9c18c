import { DARK_MODE_CSS, FONT, PaperRow } from './digest-html.js';
import type { DigestPaper } from './digest-paper.js';
import { FOLLOWED_SECTION, followedNote, type ForYouDigestView } from './foryou-digest.js';

const SPACER = (
  <tr>
    <td style="height: 12px; line-height: 12px; font-size: 0;">&nbsp;</td>
  </tr>
);

function Section({ title, papers, publicUrl }: { title: string; papers: { paper: DigestPaper; note: string }[]; publicUrl: string }) {
  return (
    <>
      <tr>
        <td style="padding: 8px 4px 10px;">
          <h2 class="pb-text" style={`${FONT} margin: 0; font-size: 18px; color: #1f2933;`}>
            {title}
          </h2>
        </td>
      </tr>
      {papers.map(({ paper, note }, index) => (
        <>
          <PaperRow paper={paper} publicUrl={publicUrl} index={index} note={note} />
          {SPACER}
        </>
      ))}
    </>
  );
}

/** The HTML part of a For-you digest; every value is escaped by JSX. */
export function forYouDigestHtml(view: ForYouDigestView): string {
  const followed = view.followed.map(({ paper, authors }) => ({ paper, note: followedNote(authors) }));
  const recommended = view.recommended.map(({ paper, reason }) => ({ paper, note: reason }));
  return (
    '<!doctype html>' +
    (
      <html lang="en">
        <head>
          <meta charset="utf-8" />
          <meta name="viewport" content="width=device-width, initial-scale=1" />
          <meta name="color-scheme" content="light dark" />
          <meta name="supported-color-schemes" content="light dark" />
          <title>Papers for you</title>
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
                        Paperboy · {view.frequency === 'daily' ? 'Daily' : 'Weekly'} For-you digest · {view.periodLabel}
                      </p>
                      <h1 class="pb-text" style={`${FONT} margin: 4px 0 0; font-size: 22px; color: #1f2933;`}>
                        Papers for you
                      </h1>
                    </td>
                  </tr>
                  {followed.length > 0 ? <Section title={FOLLOWED_SECTION} papers={followed} publicUrl={view.publicUrl} /> : null}
                  {recommended.length > 0 ? <Section title="Recommended for you" papers={recommended} publicUrl={view.publicUrl} /> : null}
                  <tr>
                    <td style="padding: 12px 4px;">
                      <p class="pb-text" style={`${FONT} margin: 0 0 10px; font-size: 14px; color: #1f2933;`}>
                        Tell us which papers you want more or less of on{' '}
                        <a class="pb-link" href={view.forYouUrl} style="color: #1a56db;">
                          your For-you page
                        </a>
                        .
                      </p>
                      <p class="pb-muted" style={`${FONT} margin: 0; font-size: 12px; line-height: 1.5; color: #5f6b7a;`}>
                        You receive this {view.frequency} For-you digest at {view.email} because you subscribed on{' '}
                        <a class="pb-link" href={view.publicUrl} style="color: #1a56db;">
                          {view.publicUrl.replace(/^https?:\/\//, '')}
                        </a>
                        .{' '}
                        <a class="pb-link" href={view.unsubscribeUrl} style="color: #1a56db;">
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
    ).toString()
  );
}
