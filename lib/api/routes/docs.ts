import 'server-only';
import { z } from 'zod';
import { json } from '../http';
import { openApiDocumentFor } from '../openapi';
import { route, type AnyRoute } from '../router';

/** The docs route documents the whole table it belongs to; it is handed that table (not importing it keeps the graph acyclic). */
export const docsRoutes = (allRoutes: () => AnyRoute[]) => [
  route({
    method: 'GET',
    path: '/api/v1/openapi.json',
    summary: 'This OpenAPI 3.1 document (human-readable at /docs)',
    tags: ['Docs'],
    auth: false,
    beforeSetup: true,
    storage: false,
    response: z.record(z.string(), z.unknown()).describe('An OpenAPI 3.1 document'),
    handler: async () => json(openApiDocumentFor(allRoutes()), 200, { 'cache-control': 'public, max-age=300' }),
  }),
];
