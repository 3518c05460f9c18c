import { Hono } from 'hono';
import { describeRoute, validator } from 'hono-openapi';
import { z } from 'zod';
import { votedPaperIds } from '../../community/votes.repository.js';
import { savedPaperIds } from '../../library/library.repository.js';
import { organizationProfile } from '../../orgs/organization-profile.js';
import { PAPER_LIMITS } from '../../papers/paper-limits.js';
import { renderPage } from '../anonymous-page.js';
import { PaperSchema, errorResponse, jsonResponse } from '../api-schemas.js';
import { apiPaper } from '../api-shapes.js';
import type { AppEnv } from '../env.js';
import { rejectInvalid } from '../request-params.js';
import { organizationPage } from '../views/organization-page.js';

const orgParams = z.object({
  name: z
    .string()
    .max(PAPER_LIMITS.organization, { error: `name can be at most ${PAPER_LIMITS.organization} characters` })
    .meta({ description: "The organisation's handle as the source gave it (Hugging Face's organization.name)." }),
});

const OrganizationProfileSchema = z
  .object({
    name: z.string(),
    fullname: z.string().nullable(),
    avatar: z.string().nullable(),
    numPapers: z.number().int().meta({ description: 'Visible papers attributed to the organisation.' }),
    upvotes: z.number().int().meta({ description: 'Upvotes of those papers, imported plus local.' }),
    papers: z.array(PaperSchema).meta({ description: 'The newest 30, newest first.' }),
    authors: z
      .array(z.object({ name: z.string(), papers: z.number().int() }))
      .meta({ description: 'The 20 names, as written, on most of its papers.' }),
    votes: z
      .array(z.object({ period: z.string().meta({ examples: ['2026-08'] }), papers: z.number().int(), upvotes: z.number().int() }))
      .meta({ description: 'Its papers and their upvotes by month of publication, every month from the first to the last.' }),
  })
  .meta({ ref: 'OrganizationProfile' });

export const orgsRoutes = new Hono<AppEnv>()
  .get(
    '/api/orgs/:name',
    describeRoute({
      summary: "An organisation's papers, authors and votes over time",
      description: 'Organisations are those the sources attribute papers to (Hugging Face daily papers give one), keyed by handle.',
      operationId: 'getOrganization',
      responses: {
        200: jsonResponse(OrganizationProfileSchema, 'The organisation.'),
        404: errorResponse('No source named such an organisation.'),
      },
    }),
    validator('param', orgParams, rejectInvalid),
    async (c) => {
      const profile = await organizationProfile(c.get('deps'), c.req.valid('param').name);
      const { organization } = profile;
      return c.json({
        name: organization.name,
        fullname: organization.fullname,
        avatar: organization.avatar,
        numPapers: profile.paperCount,
        upvotes: profile.upvotes,
        papers: profile.papers.map(apiPaper),
        authors: profile.authors,
        votes: profile.months,
      });
    },
  )
  .get('/orgs/:name', validator('param', orgParams, rejectInvalid), async (c) => {
    const { name } = c.req.valid('param');
    const body = await renderPage(c, async (page) => {
      const profile = await organizationProfile(c.get('deps'), name);
      const ids = profile.papers.map((item) => item.paper.id);
      const db = c.get('deps').store.db;
      const [voted, saved] = page.viewer
        ? await Promise.all([votedPaperIds(db, page.viewer.id, ids), savedPaperIds(db, page.viewer.id, ids)])
        : [new Set<string>(), new Set<string>()];
      return organizationPage({ page, profile, voted, saved });
    });
    return c.html(body!);
  });
