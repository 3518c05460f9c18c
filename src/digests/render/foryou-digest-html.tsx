import { DigestDocument, FONT, PaperRow } from './digest-html.js';
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
      <DigestDocument
        heading="Papers for you"
        frequency={view.frequency}
        kind="For-you digest"
        periodLabel={view.periodLabel}
        email={view.email}
        publicUrl={view.publicUrl}
        unsubscribeUrl={view.unsubscribeUrl}
        beforeFooter={
          <p class="pb-text" style={`${FONT} margin: 0 0 10px; font-size: 14px; color: #1f2933;`}>
            Tell us which papers you want more or less of on{' '}
            <a class="pb-link" href={view.forYouUrl} style="color: #1a56db;">
              your For-you page
            </a>
            .
          </p>
        }
      >
        {followed.length > 0 ? <Section title={FOLLOWED_SECTION} papers={followed} publicUrl={view.publicUrl} /> : null}
        {recommended.length > 0 ? <Section title="Recommended for you" papers={recommended} publicUrl={view.publicUrl} /> : null}
      </DigestDocument>
    ).toString()
  );
}
