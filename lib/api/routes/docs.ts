import 'server-only';
import { z } from 'zod';
import { json } from '../http';
import { route } from '../router';

export const docsRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/openapi.json',
    summary: 'This OpenAPI 3.1 document (human-readable at /docs)',
    tags: ['Docs'],
    auth: false,
    beforeSetup: true,
    storage: false,
    response: z.record(z.string(), z.unknown()).describe('An OpenAPI 3.1 document'),
    handler: async () => {
      // imported lazily: openapi.ts reads the route table that this module is part of
      const { openApiDocument } = await import('../openapi');
      return json(openApiDocument(), 200, { 'cache-control': 'public, max-age=300' });
    },
  }),
];
