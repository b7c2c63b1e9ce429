import 'server-only';
import { z } from 'zod';
import { ZBootstrapBody } from '@/lib/schemas/api';
import { route } from '../router';
import { bootstrap } from '@/lib/services/setup/bootstrap';
import { setupStatus } from '@/lib/services/setup/status';

const tags = ['Setup'];

export const setupRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/setup/status',
    summary: 'Whether first-run setup has happened',
    tags,
    auth: false,
    beforeSetup: true,
    response: z.object({ setupComplete: z.boolean(), version: z.string() }),
    handler: ({ app }) => setupStatus(app),
  }),
  route({
    method: 'POST',
    path: '/api/v1/setup/bootstrap',
    summary: 'Create the first platform admin (and optionally load an example catalog); returns a one-time API token',
    tags,
    auth: false,
    beforeSetup: true,
    body: ZBootstrapBody,
    successStatus: 201,
    errors: ['ALREADY_SETUP'],
    response: z.object({ user: z.object({ id: z.string(), email: z.string(), name: z.string() }), apiToken: z.string() }),
    handler: ({ app, body, change }) => bootstrap(app, body, { source: 'setup', ip: change.ip }),
  }),
];
