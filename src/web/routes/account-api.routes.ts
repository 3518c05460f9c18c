import { Hono } from 'hono';
import { describeRoute, validator } from 'hono-openapi';
import { z } from 'zod';
import { requireUser } from '../middleware/auth.js';
import { Refused } from '../../refused.js';
import type { AppEnv } from '../env.js';
import { errorResponse, jsonResponse } from '../api-schemas.js';
import { rejectInvalid } from '../request-params.js';

const MeSchema = z.object({
  id: z.number().int(),
  username: z.string(),
  isAdmin: z.boolean(),
  createdAt: z.string(),
  authMethod: z.enum(['session', 'token']),
});
const TokensSchema = z.object({
  tokens: z.array(z.object({ id: z.number().int(), name: z.string(), createdAt: z.string(), lastUsedAt: z.string().nullable() })),
});
const tokenPath = z.object({ id: z.coerce.number({ error: 'id must be a token id' }).int().positive() });
const unauthorized = errorResponse('Not signed in and no API token.');

/**
 * The caller's own account over the API: who am I, and my tokens (revocable, e.g. by a script retiring itself).
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
      return c.json({
        id: user.id,
        username: user.username,
        isAdmin: user.isAdmin,
        createdAt: user.createdAt,
        authMethod: c.get('auth').method,
      });
    },
  )
  .get(
    '/api/me/tokens',
    describeRoute({
      summary: "The caller's API tokens (without their secrets)",
      operationId: 'listTokens',
      responses: { 200: jsonResponse(TokensSchema, 'Token names and dates.'), 401: unauthorized },
    }),
    async (c) => {
      const user = c.get('user')!;
      return c.json({ tokens: await c.get('deps').accounts.listApiTokens(user.id) });
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
