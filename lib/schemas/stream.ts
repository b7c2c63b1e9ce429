import { z } from 'zod';
import { ZScopeId, ZSettingKey } from './common';

/** Live changes (API.md "Live changes"): what `GET /api/v1/stream` takes and what each event's `data` carries. */

/** `<instance>-<sequence>`: the instance part lets another instance (or a restarted one) tell an id is not its own. */
export const STREAM_EVENT_ID = /^[0-9a-f]{8}-\d{1,15}$/;

export const ZStreamQuery = z.strictObject({
  keys: z
    .string()
    .max(10_000)
    .optional()
    .describe('comma-separated setting / flag keys; only their changes are sent')
    .transform((s, ctx) => {
      if (s === undefined) return undefined;
      const keys = s.split(',').map((k) => k.trim()).filter(Boolean);
      for (const k of keys) if (!ZSettingKey.safeParse(k).success) ctx.addIssue({ code: 'custom', message: `"${k}" is not a setting key`, path: ['keys'] });
      return keys;
    }),
  prefix: z.string().max(200).regex(/^[a-zA-Z0-9_.-]+$/, 'must be the start of a dotted key, e.g. "catering."').optional(),
  scope: ZScopeId.optional().describe("the subscriber's scope: only changes on its path are sent, with values resolved there"),
  userId: z.string().min(1).max(64).optional().describe('`me` (or your id): your own preferences count in the resolved values'),
  lastEventId: z.string().max(40).optional().describe('resume after this event id (the `Last-Event-ID` header wins)'),
});
export type TStreamQuery = z.infer<typeof ZStreamQuery>;

export const STREAM_EVENT_TYPES = ['setting.changed', 'flag.changed', 'maintenance', 'reset'] as const;
export type TStreamEventType = (typeof STREAM_EVENT_TYPES)[number];

export const ZFlagState = z.strictObject({ enabled: z.boolean(), reason: z.string(), variant: z.string().optional(), value: z.unknown().optional() });

/** The `data` of `setting.changed`, `flag.changed` and `maintenance`. */
export const ZStreamChange = z.strictObject({
  key: z.string(),
  scopeId: z.string(),
  version: z.number().int(),
  at: z.string().describe('when this instance learnt of the change (ISO 8601)'),
  by: z.string().optional().describe('setting / flag: the display name of who made the change, when known'),
  value: z.unknown().optional().describe('setting: the value resolved for your context (absent for secrets and what you may not read); flag: its evaluation there'),
  enabled: z.boolean().optional().describe('maintenance only'),
  message: z.string().optional().describe('maintenance only'),
});
export type TStreamChange = z.infer<typeof ZStreamChange>;

/** The `data` of `reset`: refetch what you hold, changes may have been missed. */
export const ZStreamReset = z.strictObject({ reason: z.enum(['gap', 'unknown-id', 'storage-recovered', 'registry-changed']), at: z.string() });
export type TStreamReset = z.infer<typeof ZStreamReset>;
