import { router } from '@/lib/api/routes';
import { json } from '@/lib/api/http';
import { HEALTH_DOWN } from '@/lib/api/routes/system';

export const dynamic = 'force-dynamic';

// The router answers 503 UNAVAILABLE when the app cannot even open (storage down at start-up);
// health reports that in its own shape, so probes need to understand one body only.
async function handle(req: Request): Promise<Response> {
  const res = await router.handle(req);
  return res.status === 503 ? json(HEALTH_DOWN, 503).toResponse() : res;
}
export { handle as GET, handle as HEAD };
