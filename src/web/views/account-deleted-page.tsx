import type { PageContext } from '../viewer.js';
import { html } from './components.js';
import { Layout } from './layout.js';

export function accountDeletedPage(page: PageContext) {
  return html(
    <Layout title="Account deleted" page={page}>
      <section class="account-form">
        <h1>Your account has been deleted</h1>
        <p>
          Your account and everything personal in it are gone, and you have been logged out. Vote counts stay on the papers without your
          name; your comments show as deleted so replies keep their place.
        </p>
        <p>
          <a href="/">Back to the papers</a>
        </p>
      </section>
    </Layout>,
  );
}
