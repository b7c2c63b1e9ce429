import { z } from 'zod';

/**
 * The OpenFeature Remote Evaluation Protocol's bodies (open-feature/protocol, service/openapi.yaml) as
 * Switchboard speaks them; the route parses with them, OpenAPI documents them and the SDK reads them.
 */

/**
 * `{ context: { targetingKey, tenantId?, eventId?, projectId?, scope?, role?, …anything else } }`: the
 * targeting key is the user id, the others select scope and role; other attributes are ignored.
 */
export const ZOfrepRequest = z.object({
  context: z
    .object({
      targetingKey: z.string().optional().describe('the user id'),
      tenantId: z.string().optional(),
      eventId: z.string().optional(),
      projectId: z.string().optional(),
      scope: z.string().optional(),
      role: z.string().optional(),
    })
    .catchall(z.unknown()),
});
export type TOfrepRequest = z.infer<typeof ZOfrepRequest>;

export const ZOfrepMetadata = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
  .describe('`reason`: the native reason; `scope`: where the deciding row is stored');
export const ZOfrepSuccess = z.object({ key: z.string(), value: z.unknown().optional(), reason: z.string(), variant: z.string().optional(), metadata: ZOfrepMetadata });
export type TOfrepSuccess = z.infer<typeof ZOfrepSuccess>;
export const ZOfrepFailure = z.object({ key: z.string(), errorCode: z.string(), errorDetails: z.string() });
export type TOfrepFailure = z.infer<typeof ZOfrepFailure>;
/** A failure of the whole bulk request names no flag. */
export const ZOfrepBulkFailure = ZOfrepFailure.omit({ key: true });
/** ADR-0008: where to hear that evaluations may have changed (`endpoint.requestUri` on the OFREP base URL's origin). */
export const ZOfrepEventStream = z.object({ type: z.literal('sse'), endpoint: z.object({ requestUri: z.string() }), inactivityDelaySec: z.number().int().optional() });
export const ZOfrepBulkAnswer = z.object({ flags: z.array(z.union([ZOfrepSuccess, ZOfrepFailure])), eventStreams: z.array(ZOfrepEventStream).optional() });
/** What a provider sends back on a re-fetch an event triggered (ADR-0008): the configuration the event named. */
export const ZOfrepBulkQuery = z.strictObject({
  flagConfigEtag: z.string().max(200).optional(),
  flagConfigLastModified: z
    .string()
    .max(40)
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      const n = /^\d+$/.test(v) ? Number(v) : Math.floor(Date.parse(v) / 1000);
      if (!Number.isFinite(n)) ctx.addIssue({ code: 'custom', message: 'must be Unix seconds or an ISO 8601 time' });
      return n;
    }),
});
export const ZOfrepEventsQuery = z.strictObject({ ticket: z.string().min(1).max(4000).describe('the ticket from a bulk evaluation answer (short-lived, read-only)') });
export const ZOfrepRefetch = z.object({ type: z.literal('refetchEvaluation'), etag: z.string(), lastModified: z.number().int() });
