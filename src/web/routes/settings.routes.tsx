import type { FieldErrors } from '../../accounts/accounts.service.js';
import { Hono, type Context } from 'hono';
import { validator } from 'hono-openapi';
import { z } from 'zod';
import { deleteAccount, exportAccountData } from '../../accounts/account-data.js';
import { parseScopes } from '../../accounts/api-scopes.js';
import type { User } from '../../accounts/user.js';
import { notificationEmailEnabled } from '../../notifications/notifications.service.js';
import { Refused } from '../../refused.js';
import { endSession, requireUser } from '../middleware/auth.js';
import type { AppEnv } from '../env.js';
import { formText, rejectInvalid } from '../request-params.js';
import { accountDeletedPage } from '../views/account-deleted-page.js';
import { settingsPage, type SettingsPageProps } from '../views/settings-page.js';
import { accountExportDownload } from '../account-export-download.js';
import { pageContext } from '../viewer.js';

const NOTICES: Record<string, string> = {
  'email-changed': 'Your email address has been changed.',
  'password-changed': 'Your password has been changed. Other sessions have been logged out.',
  'password-reset': 'Your password has been reset and you are logged in.',
  'token-revoked': 'The token has been revoked.',
  'notification-email-on': 'Unread notifications will be emailed to you, at most once an hour.',
  'notification-email-off': 'Notification emails are off.',
};

/* The account service checks the values and the page shows its errors inline; the schemas fix the fields' types. */
const noticeQuery = z.object({ notice: z.string().optional() });
const emailForm = z.object({ currentPassword: formText(), email: formText() });
const passwordForm = z.object({ currentPassword: formText(), password: formText() });
const tokenForm = z.object({ name: formText(), scope: z.string().default('read') });
const tokenPath = z.object({ id: z.coerce.number().int().positive() });
const deleteForm = z.object({ password: formText(), confirmation: formText() });

/** Which field of the deletion form a refusal belongs to. */
function deleteErrorsOf(refusal: Refused): FieldErrors {
  if (refusal.code === 'forbidden') return { password: refusal.message };
  if (refusal.code === 'invalid') return { confirmation: refusal.message };
  return { form: refusal.message };
}

function signedInUser(c: Context<AppEnv>): User {
  const user = c.get('user');
  if (!user) throw new Error('requireUser must run before settings routes');
  return user;
}

async function render(c: Context<AppEnv>, extra: Partial<SettingsPageProps> = {}, status: 200 | 422 = 200) {
  const user = extra.user ?? signedInUser(c);
  const tokens = await c.get('deps').accounts.listApiTokens(user.id);
  const notificationEmail = await notificationEmailEnabled(c.get('deps'), user);
  c.header('Cache-Control', 'no-store');
  return c.html(settingsPage({ page: pageContext(c), user, tokens, notificationEmail, ...extra }), status);
}

export const settingsRoutes = new Hono<AppEnv>()
  .use('/settings', requireUser)
  .use('/settings/*', requireUser)
  .get('/settings', validator('query', noticeQuery, rejectInvalid), (c) =>
    render(c, { notice: NOTICES[c.req.valid('query').notice ?? ''] }),
  )
  .post('/settings/email', validator('form', emailForm, rejectInvalid), async (c) => {
    const form = c.req.valid('form');
    const result = await c.get('deps').accounts.changeEmail(signedInUser(c).id, form.currentPassword, form.email);
    if (!result.ok) return render(c, { emailErrors: result.errors, emailValue: form.email }, 422);
    return c.redirect('/settings?notice=email-changed', 303);
  })
  .post('/settings/password', validator('form', passwordForm, rejectInvalid), async (c) => {
    const form = c.req.valid('form');
    const auth = c.get('auth');
    const keep = auth.method === 'session' ? auth.sessionId : undefined;
    const result = await c.get('deps').accounts.changePassword(signedInUser(c).id, form.currentPassword, form.password, keep);
    if (!result.ok) return render(c, { passwordErrors: result.errors }, 422);
    return c.redirect('/settings?notice=password-changed', 303);
  })
  .post('/settings/tokens', validator('form', tokenForm, rejectInvalid), async (c) => {
    const form = c.req.valid('form');
    const scopes = parseScopes([form.scope]);
    if (!scopes) return render(c, { tokenErrors: { scopes: 'Choose read only, or read and write.' } }, 422);
    const result = await c.get('deps').accounts.createApiToken(signedInUser(c).id, form.name, scopes);
    if (!result.ok) return render(c, { tokenErrors: result.errors }, 422);
    // Rendered directly rather than redirected: the token must not travel in a URL, and is shown only here.
    return render(c, { newToken: { name: result.value.info.name, token: result.value.token } });
  })
  .post('/settings/tokens/:id{[0-9]{1,12}}/revoke', validator('param', tokenPath, rejectInvalid), async (c) => {
    const revoked = await c.get('deps').accounts.revokeApiToken(signedInUser(c).id, c.req.valid('param').id);
    if (!revoked) return c.notFound();
    return c.redirect('/settings?notice=token-revoked', 303);
  })
  // A POST with the CSRF token rather than a GET: nothing can prefetch, embed or replay the download, and the
  // answer is never cacheable.
  .post('/settings/export', async (c) => accountExportDownload(c, await exportAccountData(c.get('deps'), signedInUser(c))))
  .post('/settings/delete', validator('form', deleteForm, rejectInvalid), async (c) => {
    const form = c.req.valid('form');
    try {
      await deleteAccount(c.get('deps'), signedInUser(c), form);
    } catch (error) {
      if (error instanceof Refused) return render(c, { deleteErrors: deleteErrorsOf(error) }, 422);
      throw error;
    }
    await endSession(c);
    return c.redirect('/account-deleted', 303);
  })
  .get('/account-deleted', (c) => {
    c.header('Cache-Control', 'no-store');
    return c.html(accountDeletedPage(pageContext(c)));
  });
