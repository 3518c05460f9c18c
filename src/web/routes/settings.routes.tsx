import { Hono, type Context } from 'hono';
import { parseScopes } from '../../accounts/api-scopes.js';
import type { User } from '../../accounts/user.js';
import { requireUser } from '../middleware/auth.js';
import type { AppEnv } from '../env.js';
import { formFields } from './form-fields.js';
import { settingsPage, type SettingsPageProps } from '../views/settings-page.js';
import { pageContext } from '../viewer.js';

const NOTICES: Record<string, string> = {
  'email-changed': 'Your email address has been changed.',
  'password-changed': 'Your password has been changed. Other sessions have been logged out.',
  'password-reset': 'Your password has been reset and you are logged in.',
  'token-revoked': 'The token has been revoked.',
};

function signedInUser(c: Context<AppEnv>): User {
  const user = c.get('user');
  if (!user) throw new Error('requireUser must run before settings routes');
  return user;
}

async function render(c: Context<AppEnv>, extra: Partial<SettingsPageProps> = {}, status: 200 | 422 = 200) {
  const user = extra.user ?? signedInUser(c);
  const tokens = await c.get('deps').accounts.listApiTokens(user.id);
  c.header('Cache-Control', 'no-store');
  return c.html(settingsPage({ page: pageContext(c), user, tokens, ...extra }), status);
}

export const settingsRoutes = new Hono<AppEnv>()
  .use('/settings', requireUser)
  .use('/settings/*', requireUser)
  .get('/settings', (c) => render(c, { notice: NOTICES[c.req.query('notice') ?? ''] }))
  .post('/settings/email', async (c) => {
    const form = await formFields(c);
    const result = await c.get('deps').accounts.changeEmail(signedInUser(c).id, form.currentPassword ?? '', form.email ?? '');
    if (!result.ok) return render(c, { emailErrors: result.errors, emailValue: form.email ?? '' }, 422);
    return c.redirect('/settings?notice=email-changed', 303);
  })
  .post('/settings/password', async (c) => {
    const form = await formFields(c);
    const auth = c.get('auth');
    const keep = auth.method === 'session' ? auth.sessionId : undefined;
    const result = await c.get('deps').accounts.changePassword(signedInUser(c).id, form.currentPassword ?? '', form.password ?? '', keep);
    if (!result.ok) return render(c, { passwordErrors: result.errors }, 422);
    return c.redirect('/settings?notice=password-changed', 303);
  })
  .post('/settings/tokens', async (c) => {
    const form = await formFields(c);
    const scopes = parseScopes([form.scope ?? 'read']);
    if (!scopes) return render(c, { tokenErrors: { scopes: 'Choose read only, or read and write.' } }, 422);
    const result = await c.get('deps').accounts.createApiToken(signedInUser(c).id, form.name ?? '', scopes);
    if (!result.ok) return render(c, { tokenErrors: result.errors }, 422);
    // Rendered directly rather than redirected: the token must not travel in a URL, and is shown only here.
    return render(c, { newToken: { name: result.value.info.name, token: result.value.token } });
  })
  .post('/settings/tokens/:id/revoke', async (c) => {
    const id = Number(c.req.param('id'));
    if (!Number.isSafeInteger(id) || id <= 0) return c.notFound();
    const revoked = await c.get('deps').accounts.revokeApiToken(signedInUser(c).id, id);
    if (!revoked) return c.notFound();
    return c.redirect('/settings?notice=token-revoked', 303);
  });
