import { Hono } from 'hono';
import { describeRoute, validator } from 'hono-openapi';
import { z } from 'zod';
import { deleteAccount, exportAccountData } from '../../accounts/account-data.js';
import { API_SCOPES, normalizeScopes } from '../../accounts/api-scopes.js';
import { endSession } from '../middleware/auth.js';
import { accountExportDownload } from '../account-export-download.js';
import { requireUser } from '../middleware/auth.js';
import { Refused } from '../../refused.js';
import type { AppEnv } from '../env.js';
import { errorResponse, jsonResponse } from '../api-schemas.js';
import { InvalidParameter, rejectInvalid } from '../request-params.js';

const scopes = z.array(z.enum(API_SCOPES));
const MeSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  isAdmin: z.boolean(),
  createdAt: z.string(),
  authMethod: z.enum(['session', 'token']),
  scopes: scopes.optional().meta({ description: 'With a token: what it may do.' }),
});
const TokenInfoSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  scopes,
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
const TokensSchema = z.object({ tokens: z.array(TokenInfoSchema) });
const createTokenBody = z.object({
  name: z.string({ error: 'name is required' }),
  scopes: z
    .array(z.enum(API_SCOPES, { error: `scopes must be a list of ${API_SCOPES.join(', ')}` }))
    .min(1, { error: 'scopes must name at least one scope' })
    .optional()
    .meta({ description: 'Default ["read"]; "write" brings "read" with it.' }),
});
const tokenPath = z.object({ id: z.coerce.number({ error: 'id must be a token id' }).int().positive() });
const ExportSchema = z.object({
  format: z.literal('paperboy-account-export/1'),
  exportedAt: z.string(),
  account: z.record(z.string(), z.unknown()).meta({ description: 'username, email, is_admin, banned, created_at.' }),
  tables: z
    .record(z.string(), z.array(z.record(z.string(), z.unknown())))
    .meta({ description: "Every personal table by name with the caller's rows; never passwords or token secrets." }),
});
const deleteAccountBody = z.object({
  password: z.string({ error: 'password is required' }),
  confirmation: z.string({ error: 'confirmation (your username) is required' }),
});
const unauthorized = errorResponse('Not signed in and no API token.');

/**
 * The caller's own account over the API: who am I, and my tokens (revocable, e.g. by a script retiring itself).
 * Tokens are created only by a signed-in browser session (cookie plus X-CSRF-Token), never with a token.
 * requireUser guards every route here, so the user is always set.
 */
export const accountApiRoutes = new Hono<AppEnv>()
  .use('/api/me', requireUser)
  .use('/api/me/*', requireUser)
  .get(
    '/api/me',
    describeRoute({
      summary: "The caller's account",
      operationId: 'getMe',
      responses: { 200: jsonResponse(MeSchema, 'Who the credentials belong to.'), 401: unauthorized },
    }),
    (c) => {
      const user = c.get('user')!;
      const auth = c.get('auth');
      return c.json({
        id: user.id,
        username: user.username,
        isAdmin: user.isAdmin,
        createdAt: user.createdAt,
        authMethod: auth.method,
        ...(auth.method === 'token' ? { scopes: auth.scopes } : {}),
      });
    },
  )
  .get(
    '/api/me/export',
    describeRoute({
      summary: 'Everything the instance holds about the caller, as a JSON attachment',
      operationId: 'exportMyData',
      responses: { 200: jsonResponse(ExportSchema, 'The account and every personal table.'), 401: unauthorized },
    }),
    async (c) => accountExportDownload(c, await exportAccountData(c.get('deps'), c.get('user')!)),
  )
  .delete(
    '/api/me',
    describeRoute({
      summary: "Delete the caller's account (signed-in browser session only, with the password)",
      operationId: 'deleteMe',
      responses: {
        204: { description: 'Deleted; the session has ended.' },
        400: errorResponse('The confirmation is not the username.'),
        401: unauthorized,
        403: errorResponse('Asked with a token, without the CSRF header, or with a wrong password.'),
        409: errorResponse('The last administrator cannot delete their account.'),
      },
    }),
    validator('json', deleteAccountBody, rejectInvalid),
    async (c) => {
      if (c.get('auth').method !== 'session') {
        throw new Refused('forbidden', 'An API token cannot delete an account. Delete it on the settings page while signed in.');
      }
      await deleteAccount(c.get('deps'), c.get('user')!, c.req.valid('json'));
      await endSession(c);
      return c.body(null, 204);
    },
  )
  .get(
    '/api/me/tokens',
    describeRoute({
      summary: "The caller's API tokens (without their secrets)",
      operationId: 'listTokens',
      responses: { 200: jsonResponse(TokensSchema, 'Token names, scopes and dates.'), 401: unauthorized },
    }),
    async (c) => {
      const user = c.get('user')!;
      return c.json({ tokens: await c.get('deps').accounts.listApiTokens(user.id) });
    },
  )
  .post(
    '/api/me/tokens',
    describeRoute({
      summary: 'Create an API token (signed-in browser session only)',
      operationId: 'createToken',
      responses: {
        201: jsonResponse(TokenInfoSchema.extend({ token: z.string() }), 'The new token; its secret is shown only here.'),
        401: unauthorized,
        403: errorResponse('Asked with a token, or without the CSRF header.'),
      },
    }),
    validator('json', createTokenBody, rejectInvalid),
    async (c) => {
      const user = c.get('user')!;
      if (c.get('auth').method !== 'session') {
        throw new Refused('forbidden', 'An API token cannot create tokens. Create them on the settings page while signed in.');
      }
      const input = c.req.valid('json');
      const created = await c.get('deps').accounts.createApiToken(user.id, input.name, normalizeScopes(input.scopes ?? ['read']));
      if (!created.ok) throw new InvalidParameter('name', Object.values(created.errors).join(' '));
      return c.json({ token: created.value.token, ...created.value.info }, 201);
    },
  )
  .delete(
    '/api/me/tokens/:id',
    describeRoute({
      summary: "Revoke one of the caller's API tokens",
      operationId: 'revokeToken',
      responses: { 204: { description: 'Revoked.' }, 401: unauthorized, 404: errorResponse('No such token.') },
    }),
    validator('param', tokenPath, rejectInvalid),
    async (c) => {
      const user = c.get('user')!;
      if (!(await c.get('deps').accounts.revokeApiToken(user.id, c.req.valid('param').id))) {
        throw new Refused('not_found', 'You have no token with that id.');
      }
      return c.body(null, 204);
    },
  );
