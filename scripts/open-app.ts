import { getApp } from '@/lib/services/kernel/app';

/** Opens the app the way the server does (env → PostgreSQL or embedded PGlite, migrations applied). */
export const openApp = getApp;

export const CLI_CONTEXT = { actor: { id: null, name: 'cli', role: 'operator' }, source: 'catalog' as const, ip: null };
