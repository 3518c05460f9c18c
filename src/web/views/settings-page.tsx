import type { ApiTokenInfo, FieldErrors } from '../../accounts/accounts.service.js';
import type { ApiScope } from '../../accounts/api-scopes.js';
import type { User } from '../../accounts/user.js';
import type { PageContext } from '../viewer.js';
import { CsrfField, Field, FormError, NewPasswordField, Notice } from './account-forms.js';
import { html } from './components.js';
import { Layout } from './layout.js';
import { NotificationEmailSettings } from './notifications-page.js';

export interface SettingsPageProps {
  readonly page: PageContext;
  readonly user: User;
  readonly tokens: readonly ApiTokenInfo[];
  readonly notice?: string;
  /** A token just created: its only appearance. */
  readonly newToken?: { readonly name: string; readonly token: string };
  readonly emailErrors?: FieldErrors;
  readonly passwordErrors?: FieldErrors;
  readonly tokenErrors?: FieldErrors;
  readonly deleteErrors?: FieldErrors;
  readonly emailValue?: string;
  /** Whether unread notifications are emailed (off by default). */
  readonly notificationEmail?: boolean;
}

function accessLabel(scopes: readonly ApiScope[]): string {
  return scopes.includes('write') ? 'read and write' : 'read only';
}

function day(iso: string | null): string {
  return iso ? iso.slice(0, 10) : 'never';
}

export function settingsPage(props: SettingsPageProps) {
  const { page, user, tokens, notice, newToken } = props;
  return html(
    <Layout title="Settings" page={page}>
      <section class="settings">
        <h1>Settings</h1>
        <p>
          Signed in as <strong>{user.username}</strong>
          {user.isAdmin ? ' (administrator)' : ''}.
        </p>
        {notice ? <Notice>{notice}</Notice> : null}
        <p>
          <a href="/settings/subscription">Email digest subscription</a> ·{' '}
          <a href={`/u/${encodeURIComponent(user.username)}`}>Your public profile</a>
        </p>

        <section class="settings-section" aria-labelledby="email-title">
          <h2 id="email-title">Email address</h2>
          <FormError errors={props.emailErrors} />
          <form method="post" action="/settings/email" novalidate>
            <CsrfField token={page.csrfToken} />
            <Field
              idPrefix="email-"
              name="email"
              label="Email address"
              type="email"
              value={props.emailValue ?? user.email}
              autocomplete="email"
              errors={props.emailErrors}
            />
            <Field
              idPrefix="email-"
              name="currentPassword"
              label="Current password"
              type="password"
              autocomplete="current-password"
              errors={props.emailErrors}
            />
            <button type="submit">Change email</button>
          </form>
        </section>

        <section class="settings-section" aria-labelledby="password-title">
          <h2 id="password-title">Password</h2>
          <FormError errors={props.passwordErrors} />
          <form method="post" action="/settings/password" novalidate>
            <CsrfField token={page.csrfToken} />
            <Field
              idPrefix="pw-"
              name="currentPassword"
              label="Current password"
              type="password"
              autocomplete="current-password"
              errors={props.passwordErrors}
            />
            <NewPasswordField
              idPrefix="pw-"
              label="New password"
              errors={props.passwordErrors}
              hint="Changing it logs you out everywhere else."
            />
            <button type="submit">Change password</button>
          </form>
        </section>

        <section class="settings-section" aria-labelledby="tokens-title">
          <h2 id="tokens-title">API tokens</h2>
          <p>
            Personal tokens let scripts act as you through the <a href="/api/openapi.json">API</a>: send{' '}
            <code>Authorization: Bearer &lt;token&gt;</code>. Tokens work only under <code>/api/</code> and cannot create other tokens.
          </p>
          {newToken ? (
            <div class="new-token" role="status">
              <p>
                Your new token <strong>{newToken.name}</strong>. Copy it now: it is shown only this once.
              </p>
              <label for="new-token-value">Token</label>
              <input id="new-token-value" type="text" readonly value={newToken.token} class="token-value" />
            </div>
          ) : null}
          {tokens.length === 0 ? (
            <p>You have no API tokens.</p>
          ) : (
            <table class="token-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Access</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((token) => (
                  <tr>
                    <td>{token.name}</td>
                    <td>{accessLabel(token.scopes)}</td>
                    <td>{day(token.createdAt)}</td>
                    <td>{day(token.lastUsedAt)}</td>
                    <td>
                      <form method="post" action={`/settings/tokens/${token.id}/revoke`} class="inline-form">
                        <CsrfField token={page.csrfToken} />
                        <button type="submit" aria-label={`Revoke token ${token.name}`}>
                          Revoke
                        </button>
                      </form>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <FormError errors={props.tokenErrors} />
          <form method="post" action="/settings/tokens" novalidate>
            <CsrfField token={page.csrfToken} />
            <Field
              idPrefix="token-"
              name="name"
              label="New token name"
              maxlength={60}
              errors={props.tokenErrors}
              hint="For example the script or machine that will use it."
            />
            <fieldset class="token-scope">
              <legend>Access</legend>
              {props.tokenErrors?.scopes ? (
                <p class="field-error" role="alert">
                  {props.tokenErrors.scopes}
                </p>
              ) : null}
              <label>
                <input type="radio" name="scope" value="read" checked /> Read only (GET requests)
              </label>
              <label>
                <input type="radio" name="scope" value="write" /> Read and write (votes, subscriptions, revoking tokens)
              </label>
            </fieldset>
            <button type="submit">Create token</button>
          </form>
        </section>

        <NotificationEmailSettings page={page} enabled={props.notificationEmail ?? false} />

        <section class="settings-section" aria-labelledby="data-title">
          <h2 id="data-title">Your data</h2>
          <p>
            Your library, notes and tags are private unless you make a tag public; nobody else sees your votes' list, your subscriptions or
            your tokens. Download everything Paperboy holds about you as one JSON file (also <code>GET /api/me/export</code>).
          </p>
          <form method="post" action="/settings/export">
            <CsrfField token={page.csrfToken} />
            <button type="submit">Download my data</button>
          </form>
        </section>

        <section class="settings-section" aria-labelledby="delete-title">
          <h2 id="delete-title">Delete my account</h2>
          <p>
            This removes your account, sessions, tokens, library, votes, subscriptions and pending digests at once. Vote counts on papers
            stay; your comments become "[deleted]" so replies keep their place; papers you submitted stay on the feed without your name. It
            cannot be undone.
          </p>
          <FormError errors={props.deleteErrors} />
          <form method="post" action="/settings/delete" novalidate>
            <CsrfField token={page.csrfToken} />
            <Field
              idPrefix="delete-"
              name="password"
              label="Your password"
              type="password"
              autocomplete="current-password"
              errors={props.deleteErrors}
            />
            <Field
              idPrefix="delete-"
              name="confirmation"
              label={`Type your username (${user.username}) to confirm`}
              autocomplete="off"
              errors={props.deleteErrors}
            />
            <button type="submit">Delete my account</button>
          </form>
        </section>
      </section>
    </Layout>,
  );
}
