import type { FieldErrors } from '../../accounts/accounts.service.js';
import type { PageContext } from '../viewer.js';
import { CsrfField, Field, FormError, NewPasswordField, Notice } from './account-forms.js';
import { html } from './components.js';
import { Layout } from './layout.js';

export function signupPage(page: PageContext, values: { username?: string; email?: string } = {}, errors?: FieldErrors) {
  return html(
    <Layout title="Sign up" page={page}>
      <section class="account-form">
        <h1>Create an account</h1>
        <p>Upvote papers, comment, submit papers and get digests of what you follow.</p>
        <FormError errors={errors} />
        <form method="post" action="/signup" novalidate>
          <CsrfField token={page.csrfToken} />
          <Field
            name="username"
            label="Username"
            value={values.username}
            autocomplete="username"
            minlength={3}
            maxlength={31}
            errors={errors}
            hint="Letters, digits, - and _. Shown next to your votes and comments."
          />
          <Field
            name="email"
            label="Email address"
            type="email"
            value={values.email}
            autocomplete="email"
            errors={errors}
            hint="Only used for password resets and digests you ask for."
          />
          <NewPasswordField label="Password" errors={errors} />
          <button type="submit">Sign up</button>
        </form>
        <p>
          Already have an account? <a href="/login">Log in</a>.
        </p>
      </section>
    </Layout>,
  );
}

export function loginPage(page: PageContext, values: { login?: string; next: string }, errors?: FieldErrors, notice?: string) {
  return html(
    <Layout title="Log in" page={page}>
      <section class="account-form">
        <h1>Log in</h1>
        {notice ? <Notice>{notice}</Notice> : null}
        <FormError errors={errors} />
        <form method="post" action="/login" novalidate>
          <CsrfField token={page.csrfToken} />
          <input type="hidden" name="next" value={values.next} />
          <div class="field">
            <label for="login">Username or email address</label>
            <input id="login" name="login" type="text" value={values.login ?? ''} autocomplete="username" required />
          </div>
          <div class="field">
            <label for="password">Password</label>
            <input id="password" name="password" type="password" autocomplete="current-password" required />
          </div>
          <button type="submit">Log in</button>
        </form>
        <p>
          <a href="/forgot">Forgot your password?</a> · <a href="/signup">Create an account</a>
        </p>
      </section>
    </Layout>,
  );
}

export function forgotPage(page: PageContext, sent: boolean, email = '', errors?: FieldErrors) {
  return html(
    <Layout title="Reset your password" page={page}>
      <section class="account-form">
        <h1>Reset your password</h1>
        {sent ? (
          <Notice>
            If an account uses that address, we have emailed it a link to choose a new password. The link works once, for one hour.
          </Notice>
        ) : (
          <>
            <p>Enter the email address of your account and we will send you a link to choose a new password.</p>
            <FormError errors={errors} />
            <form method="post" action="/forgot" novalidate>
              <CsrfField token={page.csrfToken} />
              <Field name="email" label="Email address" type="email" value={email} autocomplete="email" errors={errors} />
              <button type="submit">Send the link</button>
            </form>
          </>
        )}
      </section>
    </Layout>,
  );
}

export function resetPage(page: PageContext, token: string, valid: boolean, errors?: FieldErrors) {
  return html(
    <Layout title="Choose a new password" page={page}>
      <section class="account-form">
        <h1>Choose a new password</h1>
        {valid ? (
          <>
            <FormError errors={errors} />
            <form method="post" action={`/reset/${encodeURIComponent(token)}`} novalidate>
              <CsrfField token={page.csrfToken} />
              <NewPasswordField label="New password" errors={errors} />
              <button type="submit">Set the password</button>
            </form>
          </>
        ) : (
          <p class="form-error" role="alert">
            This reset link is invalid, expired or already used. <a href="/forgot">Ask for a new one</a>.
          </p>
        )}
      </section>
    </Layout>,
  );
}
