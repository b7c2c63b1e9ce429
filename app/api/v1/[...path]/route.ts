import { router } from '@/lib/api/routes';

// One thin entry for the whole API: the router owns matching, auth, parsing and error mapping.
export const dynamic = 'force-dynamic';
const handle = (req: Request) => router.handle(req);
export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE, handle as HEAD };
