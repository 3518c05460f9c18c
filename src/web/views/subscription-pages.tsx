import type { Subscription } from '../../digests/subscription.js';
import { MAX_PAPERS, MIN_PAPERS } from '../../digests/subscription.js';
import type { PageContext } from '../viewer.js';
import { html } from './components.js';
import { Layout } from './layout.js';

function CsrfInput({ page }: { page: PageContext }) {
  return <input type="hidden" name="_csrf" value={page.csrfToken} />;
}

/** A short page with a heading, a message and optional content: every step of the subscription flow. */
export function messagePage(page: PageContext, title: string, message: string, extra?: unknown) {
  return html(
    <Layout title={title} page={page}>
      <section class="subscription-page">
        <h1>{title}</h1>
        <p>{message}</p>
        {extra ?? null}
      </section>
    </Layout>,
  );
}

export function checkInboxPage(page: PageContext, email: string) {
  return messagePage(
    page,
    'Check your inbox',
    `If ${email} is not subscribed yet, we have sent it a confirmation link. Nothing else is sent until the subscription is confirmed.`,
  );
}

export function confirmPage(page: PageContext, token: string, subscription: Subscription) {
  return messagePage(
    page,
    'Confirm your subscription',
    `Send the ${subscription.frequency} digest${subscription.topics ? ` on “${subscription.topics}”` : ' of trending papers'} to ${subscription.email}?`,
    <form method="post" action={`/confirm/${encodeURIComponent(token)}`}>
      <CsrfInput page={page} />
      <button type="submit">Confirm subscription</button>
    </form>,
  );
}

export function unsubscribePage(page: PageContext, token: string, email: string) {
  return messagePage(
    page,
    'Unsubscribe',
    `Stop sending Paperboy digests to ${email}?`,
    <form method="post" action={`/unsubscribe?token=${encodeURIComponent(token)}`}>
      <button type="submit">Unsubscribe</button>
    </form>,
  );
}

export interface SubscriptionSettingsProps {
  readonly page: PageContext;
  readonly email: string;
  readonly subscription: Subscription | null;
  readonly notice?: string;
  readonly error?: string;
}

export function subscriptionSettingsPage({ page, email, subscription, notice, error }: SubscriptionSettingsProps) {
  const active = subscription && (subscription.status === 'confirmed' || subscription.status === 'paused');
  return html(
    <Layout title="Email digest" page={page}>
      <section class="subscription-settings">
        <h1>Email digest</h1>
        {notice ? (
          <p class="notice" role="status">
            {notice}
          </p>
        ) : null}
        {error ? (
          <p class="form-error" role="alert">
            {error}
          </p>
        ) : null}
        {!active ? (
          <>
            <p>
              {subscription?.status === 'pending'
                ? `A confirmation link was sent to ${subscription.email}; the digest starts once it is confirmed.`
                : `You are not subscribed. Subscribe ${email} to the digest:`}
            </p>
            <form method="post" action="/subscribe">
              <CsrfInput page={page} />
              <input type="hidden" name="email" value={email} />
              <label for="sub-frequency">How often</label>
              <select id="sub-frequency" name="frequency">
                <option value="daily">Daily (weekdays)</option>
                <option value="weekly">Weekly (Mondays)</option>
              </select>
              <button type="submit">Subscribe</button>
            </form>
          </>
        ) : (
          <>
            <p>
              Digests go to <strong>{subscription.email}</strong>
              {subscription.status === 'paused' ? ' — paused.' : '.'}
            </p>
            <form method="post" action="/settings/subscription" class="subscription-form">
              <CsrfInput page={page} />
              <div class="field">
                <label for="sub-frequency">How often</label>
                <select id="sub-frequency" name="frequency">
                  <option value="daily" selected={subscription.frequency === 'daily'}>
                    Daily (weekdays)
                  </option>
                  <option value="weekly" selected={subscription.frequency === 'weekly'}>
                    Weekly (Mondays)
                  </option>
                </select>
              </div>
              <div class="field">
                <label for="sub-kinds">Which digest</label>
                <select id="sub-kinds" name="digest_kinds" aria-describedby="sub-kinds-hint">
                  <option value="trending" selected={subscription.digestKinds === 'trending'}>
                    Trending papers
                  </option>
                  <option value="foryou" selected={subscription.digestKinds === 'foryou'}>
                    For you
                  </option>
                  <option value="both" selected={subscription.digestKinds === 'both'}>
                    Both
                  </option>
                </select>
                <p class="field-hint" id="sub-kinds-hint">
                  For you: the period's papers ranked for you, with the reasons, and new papers by authors you follow.
                </p>
              </div>
              <div class="field">
                <label for="sub-topics">Topic filter (optional)</label>
                <input
                  id="sub-topics"
                  name="topics"
                  type="text"
                  maxlength={500}
                  value={subscription.topics ?? ''}
                  aria-describedby="sub-topics-hint"
                />
                <p class="field-hint" id="sub-topics-hint">
                  A saved search, e.g. <code>cat:cs.RO "vision-language-action"</code>. Empty: the top trending papers.
                </p>
              </div>
              <div class="field">
                <label for="sub-max">Papers per digest</label>
                <input
                  id="sub-max"
                  name="max_papers"
                  type="number"
                  min={MIN_PAPERS}
                  max={MAX_PAPERS}
                  value={String(subscription.maxPapers)}
                  required
                />
              </div>
              <div class="field">
                <label>
                  <input type="checkbox" name="paused" value="1" checked={subscription.status === 'paused'} /> Pause the digest
                </label>
              </div>
              <button type="submit">Save</button>
            </form>
            <form method="post" action="/settings/subscription/unsubscribe" class="inline-form">
              <CsrfInput page={page} />
              <button type="submit" class="danger">
                Unsubscribe
              </button>
            </form>
          </>
        )}
      </section>
    </Layout>,
  );
}
