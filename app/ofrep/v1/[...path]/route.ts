import { router } from '@/lib/api/routes';

// OpenFeature remote evaluation (OFREP) under `next dev`; the production server sends /ofrep straight to the router.
export const dynamic = 'force-dynamic';
const handle = (req: Request) => router.handle(req);
export { handle as GET, handle as POST, handle as PUT, handle as PATCH, handle as DELETE, handle as HEAD };
