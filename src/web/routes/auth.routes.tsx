import { Hono, type Context } from 'hono';
import { validator } from 'hono-openapi';
import { z } from 'zod';
import { endSession, startSession } from '../middleware/auth.js';
import { RATE_LIMITS } from '../../security/rate-limit-store.js';
import { enforceRateLimit, rateLimit } from '../middleware/rate-limit.js';
import { isKnownLoginDevice, rememberLoginDevice } from '../middleware/login-device.js';
import { normalizeEmail } from '../../accounts/validation.js';
import type { AppEnv } from '../env.js';
import { formText, rejectInvalid } from '../request-params.js';
import { forgotPage, loginPage, resetPage, signupPage } from '../views/account-pages.js';
import { pageContext, safeNext } from '../viewer.js';

/* The account service checks the values and the pages show its errors inline; the schemas fix the fields' types. */
const signupForm = z.object({ username: formText(), email: formText(), password: formText() });
const loginForm = z.object({ login: formText(), password: formText(), next: z.string().optional() });
const nextQuery = z.object({ next: z.string().optional() });
const forgotForm = z.object({ email: formText() });
const resetForm = z.object({ password: formText() });

/** Account pages hold credentials in forms and links: never cache them. */
function noStore(c: Context<AppEnv>): void {
  c.header('Cache-Control', 'no-store');
}

export const accountRoutes = new Hono<AppEnv>()
  .get('/signup', (c) => {
    if (c.get('user')) return c.redirect('/', 303);
    noStore(c);
    return c.html(signupPage(pageContext(c)));
  })
  .post('/signup', rateLimit('signup', RATE_LIMITS.signup), validator('form', signupForm, rejectInvalid), async (c) => {
    noStore(c);
    const form = c.req.valid('form');
    const values = { username: form.username, email: form.email };
    const result = await c.get('deps').accounts.signUp({ ...values, password: form.password });
    if (!result.ok) return c.html(signupPage(pageContext(c), values, result.errors), 422);
    await startSession(c, result.value.id);
    rememberLoginDevice(c, result.value.id);
    return c.redirect('/', 303);
  })
  .get('/login', validator('query', nextQuery, rejectInvalid), (c) => {
    const next = safeNext(c.req.valid('query').next);
    if (c.get('user')) return c.redirect(next, 303);
    noStore(c);
    return c.html(loginPage(pageContext(c), { next }));
  })
  .post('/login', rateLimit('login', RATE_LIMITS.login), validator('form', loginForm, rejectInvalid), async (c) => {
    noStore(c);
    const form = c.req.valid('form');
    const next = safeNext(form.next);
    const login = form.login;
    const { accounts } = c.get('deps');
    const account = await accounts.loginAccountKey(login);
    if (account.userId === null || !isKnownLoginDevice(c, account.userId)) {
      const limited = await enforceRateLimit(c, 'login-account', RATE_LIMITS.loginAccount, account.key);
      if (limited) return limited;
    }
    const result = await accounts.authenticate(login, form.password);
    if (!result.ok) return c.html(loginPage(pageContext(c), { login, next }, result.errors), 401);
    await startSession(c, result.value.id);
    rememberLoginDevice(c, result.value.id);
    return c.redirect(next, 303);
  })
  .post('/logout', async (c) => {
    await endSession(c);
    return c.redirect('/', 303);
  })
  .get('/forgot', (c) => {
    noStore(c);
    return c.html(forgotPage(pageContext(c), false));
  })
  .post('/forgot', rateLimit('password-reset', RATE_LIMITS.passwordReset), validator('form', forgotForm, rejectInvalid), async (c) => {
    noStore(c);
    const email = c.req.valid('form').email.trim();
    if (email === '') return c.html(forgotPage(pageContext(c), false, email, { email: 'Please enter your email address.' }), 422);
    const limited = await enforceRateLimit(c, 'password-reset-address', RATE_LIMITS.passwordResetAddress, normalizeEmail(email));
    if (limited) return limited;
    // Returns at once whether or not the address has an account; the mail is sent (or its failure logged) after.
    await c.get('deps').accounts.requestPasswordReset(email);
    return c.html(forgotPage(pageContext(c), true));
  })
  .get('/reset/:token', async (c) => {
    noStore(c);
    const token = c.req.param('token');
    const valid = await c.get('deps').accounts.resetTokenIsValid(token);
    return c.html(resetPage(pageContext(c), token, valid), valid ? 200 : 410);
  })
  .post('/reset/:token', rateLimit('password-reset', RATE_LIMITS.passwordReset), validator('form', resetForm, rejectInvalid), async (c) => {
    noStore(c);
    const token = c.req.param('token');
    const result = await c.get('deps').accounts.resetPassword(token, c.req.valid('form').password);
    if (!result.ok) {
      const valid = result.errors.form === undefined;
      return c.html(resetPage(pageContext(c), token, valid, result.errors), valid ? 422 : 410);
    }
    await startSession(c, result.value.id);
    rememberLoginDevice(c, result.value.id);
    return c.redirect('/settings?notice=password-reset', 303);
  });
