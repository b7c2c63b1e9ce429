import { router } from '@/lib/api/routes';

export const dynamic = 'force-dynamic';

// health answers in its own shape, storage down included (lib/api/routes/system.ts)
const handle = (req: Request) => router.handle(req);
export { handle as GET, handle as HEAD };
