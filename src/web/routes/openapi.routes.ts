import { Hono } from 'hono';
import type { AppEnv } from '../env.js';
import { openApiDocument } from '../openapi.js';

export const openApiRoutes = new Hono<AppEnv>().get('/api/openapi.json', (c) => c.json(openApiDocument(c.get('config').publicUrl)));
