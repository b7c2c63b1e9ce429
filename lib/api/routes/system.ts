import 'server-only';
import { z } from 'zod';
import { ZStats } from '@/lib/schemas/api';
import { json } from '../http';
import { route } from '../router';
import { stats } from '@/lib/services/settings/stats';

const tags = ['System'];

/** What /api/health answers when storage is unreachable (also when the app could not even open). */
export const HEALTH_DOWN = { status: 'degraded', db: 'down' } as const;

export const systemRoutes = [
  route({
    method: 'GET',
    path: '/api/health',
    summary: 'Liveness and storage reachability (no auth; 503 when storage is down)',
    tags,
    auth: false,
    beforeSetup: true,
    response: z.object({ status: z.enum(['ok', 'degraded']), db: z.enum(['ok', 'down']) }),
    handler: async ({ app }) => ((await app.database.ping()) ? { status: 'ok', db: 'ok' } : json(HEALTH_DOWN, 503)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/stats',
    summary: 'Counts for the dashboard, within what the caller may read',
    tags,
    response: ZStats,
    handler: ({ app, principal }) => stats(app, principal),
  }),
];
