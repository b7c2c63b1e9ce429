import 'server-only';
import { z } from 'zod';
import { ZStats } from '@/lib/schemas/api';
import { storageHealth } from '@/lib/services/kernel/startup';
import { json } from '../http';
import { route } from '../router';
import { stats } from '@/lib/services/settings/stats';

const tags = ['System'];

/** What /api/health answers when storage is unreachable (also when the app could not even open). */
export const HEALTH_DOWN = { status: 'degraded', db: 'down' } as const;

const ZHealth = z.object({
  status: z.enum(['ok', 'degraded']),
  db: z.enum(['ok', 'down']),
  reason: z.enum(['unreachable', 'timeout', 'auth', 'missing', 'starting', 'shutdown', 'error']).optional().describe('why storage is down'),
});

export const systemRoutes = [
  route({
    method: 'GET',
    path: '/api/health',
    summary: 'Liveness and storage reachability (no auth; 503 with the reason class when storage is down)',
    tags,
    auth: false,
    beforeSetup: true,
    // answers even when the app could not open its database
    storage: false,
    response: ZHealth,
    handler: async ({ app }) => {
      const { reason } = await storageHealth(app ?? undefined);
      return reason ? json({ ...HEALTH_DOWN, reason }, 503) : { status: 'ok', db: 'ok' };
    },
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
