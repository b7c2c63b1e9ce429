import NextAuth from 'next-auth';
import type { NextRequest } from 'next/server';
import { authOptions } from '@/lib/auth/next-auth';
import { getApp } from '@/lib/services/kernel/app';

export const dynamic = 'force-dynamic';

type Context = { params: Promise<{ nextauth: string[] }> };

// Options are built per request: the session lifetime is a setting that may change at run time.
async function handler(req: NextRequest, ctx: Context): Promise<Response> {
  return NextAuth(req as never, ctx as never, await authOptions(await getApp()));
}
export { handler as GET, handler as POST };
