import { Layout } from './layout.js';

export function errorPage(status: number, title: string, message: string) {
  return (
    '<!doctype html>' +
    (
      <Layout title={title}>
        <section class="error">
          <h1>
            {status} — {title}
          </h1>
          <p>{message}</p>
          <p>
            <a href="/">Back to today's papers</a>
          </p>
        </section>
      </Layout>
    ).toString()
  );
}
