import 'server-only';
import { ZSdkSnapshot, ZSdkSnapshotQuery } from '@/lib/schemas/sdk';
import { sdkSnapshot } from '@/lib/services/sdk/snapshot';
import { JSON_HEADERS, Reply } from '../reply';
import { route } from '../router';

const tags = ['SDK'];

/** If-None-Match holds `tag` (or `*`); weak tags compare by their value. */
function matches(ifNoneMatch: string | null, tag: string): boolean {
  return !!ifNoneMatch && ifNoneMatch.split(',').some((t) => ['*', tag].includes(t.trim().replace(/^W\//, '')));
}

/** The SDK's snapshot of a context (lib/sdk downloads it once, then follows /stream). */
export const sdkRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/sdk/snapshot',
    summary: 'Everything the SDK evaluates locally for a context: resolved settings (no secrets), the flag rows on its scope path, the registry’s types; ETag, If-None-Match → 304',
    tags,
    query: ZSdkSnapshotQuery,
    response: ZSdkSnapshot,
    errors: ['SCOPE_NOT_FOUND'],
    handler: async ({ app, principal, query, req }) => {
      const { body, etag } = await sdkSnapshot(app, principal, query);
      if (matches(req.headers.get('if-none-match'), etag)) return new Reply(304, null, { etag, 'cache-control': 'no-store' });
      return new Reply(200, body, { ...JSON_HEADERS, etag });
    },
  }),
];
