import type { OrganizationProfile } from '../../orgs/organization-profile.js';
import type { PageContext } from '../viewer.js';
import { authorPath, formatCount, html, imageUrl, PaperCard } from './components.js';
import { Layout } from './layout.js';
import { TrendFigure } from './trend-figure.js';

export interface OrganizationPageProps {
  readonly page: PageContext;
  readonly profile: OrganizationProfile;
  readonly voted: ReadonlySet<string>;
  readonly saved: ReadonlySet<string>;
}

function VotesOverTime({ profile }: { profile: OrganizationProfile }) {
  const { months } = profile;
  if (months.length === 0) return null;
  const displayName = profile.organization.fullname ?? profile.organization.name;
  return (
    <section aria-labelledby="org-votes-heading">
      <h2 id="org-votes-heading">Votes over time</h2>
      <TrendFigure
        series={[{ label: 'Upvotes', points: months.map((m) => ({ period: m.period, value: m.upvotes })) }]}
        title={`Upvotes of ${displayName}'s papers by month of publication`}
        description="For each month, the upvotes the organisation's papers published that month have now."
        idPrefix="org-votes"
        height={200}
        table={{
          caption: `${displayName}: papers and their upvotes by month of publication`,
          periods: months.map((m) => m.period),
          columns: [
            { header: 'Papers', cells: months.map((m) => m.papers.toLocaleString('en-US')) },
            { header: 'Upvotes', cells: months.map((m) => m.upvotes.toLocaleString('en-US')) },
          ],
        }}
      />
    </section>
  );
}

export function organizationPage({ page, profile, voted, saved }: OrganizationPageProps) {
  const { organization, papers, authors } = profile;
  const displayName = organization.fullname ?? organization.name;
  const avatar = imageUrl(organization.avatar);
  return html(
    <Layout title={displayName} page={page} description={`Papers attributed to ${displayName}`}>
      <section class="organization-profile">
        <h1>
          {avatar ? <img src={avatar} alt="" width="32" height="32" class="org-avatar" referrerpolicy="no-referrer" /> : null}
          {displayName}
        </h1>
        <p class="muted">
          {organization.fullname && organization.fullname !== organization.name ? <>{organization.name} · </> : null}
          {formatCount(profile.paperCount)} {profile.paperCount === 1 ? 'paper' : 'papers'} · {formatCount(profile.upvotes)}{' '}
          {profile.upvotes === 1 ? 'upvote' : 'upvotes'}
        </p>
        <VotesOverTime profile={profile} />
        {authors.length > 0 ? (
          <section aria-labelledby="org-authors-heading">
            <h2 id="org-authors-heading">Authors</h2>
            <p class="hint">Names as the papers list them; people who write their name differently appear more than once.</p>
            <ol class="org-authors">
              {authors.map((author) => (
                <li>
                  <a href={authorPath(author.name)}>{author.name}</a>{' '}
                  <span class="muted">
                    ({author.papers} {author.papers === 1 ? 'paper' : 'papers'})
                  </span>
                </li>
              ))}
            </ol>
          </section>
        ) : null}
        <section aria-labelledby="org-papers-heading">
          <h2 id="org-papers-heading">Papers, newest first</h2>
          {papers.length === 0 ? <p class="empty">No papers are listed under this organisation.</p> : null}
          {papers.map((item) => (
            <PaperCard item={item} page={page} voted={voted.has(item.paper.id)} saved={saved.has(item.paper.id)} headingLevel={3} />
          ))}
        </section>
      </section>
    </Layout>,
  );
}
