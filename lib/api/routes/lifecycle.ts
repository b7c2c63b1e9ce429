import 'server-only';
import { z } from 'zod';
import { ZDriftQuery, ZDriftReport, ZRecordedDrift, ZRemediateBody, ZRemediated } from '@/lib/schemas/drift';
import { ZMigrationList } from '@/lib/schemas/migrations';
import { detectDrift } from '@/lib/services/drift/detect';
import { remediateDrift } from '@/lib/services/drift/remediate';
import { lastDriftReport } from '@/lib/services/drift/schedule';
import { listMigrations } from '@/lib/services/migrations/status';
import { route } from '../router';

/** Settings migrations and drift (API.md "Migrations, drift"). */

export const lifecycleRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/migrations',
    summary: 'Settings migrations: applied, pending and failed, with the SHA-256 of each file now and when applied (`npm run settings:migrate` applies them)',
    tags: ['Migrations'],
    query: z.strictObject({}),
    response: ZMigrationList,
    handler: ({ app, principal }) => listMigrations(app, principal),
  }),
  route({
    method: 'GET',
    path: '/api/v1/drift',
    summary:
      'Stored values that differ from what the audit log (or an applied migration) last recorded, values recorded but gone, and values of unknown keys or scopes, at a scope and below; secrets as "********"',
    tags: ['Drift'],
    query: ZDriftQuery,
    response: ZDriftReport,
    errors: ['SCOPE_NOT_FOUND'],
    handler: ({ app, principal, query }) => detectDrift(app, principal, query),
  }),
  route({
    method: 'GET',
    path: '/api/v1/drift/last',
    summary: 'The last report the daily drift check recorded (null before the first)',
    tags: ['Drift'],
    query: z.strictObject({}),
    response: ZRecordedDrift,
    handler: ({ app, principal }) => lastDriftReport(app, principal),
  }),
  route({
    method: 'POST',
    path: '/api/v1/drift/remediate',
    summary: 'Restore the drifted values the drift table marks auto-remediable (all, or the keys named) to what was recorded; audited as auto_remediation, one change set',
    tags: ['Drift'],
    body: ZRemediateBody,
    response: ZRemediated,
    errors: ['SCOPE_NOT_FOUND', 'IMPORT_INVALID'],
    handler: ({ app, principal, body, change }) => remediateDrift(app, principal, body, change),
  }),
];
