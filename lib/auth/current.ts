import 'server-only';
import { cookies, headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { getApp } from '@/lib/services/kernel/app';
import { getRegistry } from '@/lib/services/registry/read';
import { getPreference } from '@/lib/services/preferences/read';
import { isSetupComplete } from '@/lib/services/setup/status';
import { parseTheme, THEME_COOKIE, THEME_PREFERENCE, type Theme } from '@/lib/theme';
import { PATH_HEADER } from './headers';
import { mayVisit } from './nav';
import type { Principal } from './policy';
import { principalFromCookies } from './session';

/** The signed-in principal of this request (once per request), or null. For server components. */
export const currentPrincipal = cache(async (): Promise<Principal | null> => {
  const jar = await cookies();
  return principalFromCookies(await getApp(), new Map(jar.getAll().map((c) => [c.name, c.value])));
});

/** The principal, or a redirect: to /setup before first-run setup, to /signin without a live session. */
export async function requirePrincipal(): Promise<Principal> {
  if (!(await isSetupComplete(await getApp()))) redirect('/setup');
  const principal = await currentPrincipal();
  if (!principal) {
    const path = (await headers()).get(PATH_HEADER) ?? '/';
    redirect(`/signin?callbackUrl=${encodeURIComponent(path)}`);
  }
  return principal;
}

/**
 * For every page in the signed-in app: the principal, after checking the page is theirs to see (404
 * otherwise, as for a page that does not exist). `href` is the page's nav entry, e.g. '/users'.
 */
export async function requirePage(href: string): Promise<Principal> {
  const principal = await requirePrincipal();
  if (!mayVisit(principal, href)) notFound();
  return principal;
}

/**
 * The theme to render with, and where a change is saved: the user's `ui.theme` preference when the
 * registry defines it, else a cookie. Never fails: storage trouble just means the cookie's (or system) theme.
 */
export async function currentTheme(): Promise<{ theme: Theme; saveAs: 'preference' | 'cookie' }> {
  const fallback = parseTheme((await cookies()).get(THEME_COOKIE)?.value) ?? 'system';
  try {
    const principal = await currentPrincipal();
    const app = await getApp();
    if (!principal || !(await getRegistry(app)).byKey.get(THEME_PREFERENCE)?.allowedLevels.includes('user')) return { theme: fallback, saveAs: 'cookie' };
    const { value } = await getPreference(app, principal, THEME_PREFERENCE, {});
    return { theme: parseTheme(value) ?? fallback, saveAs: 'preference' };
  } catch {
    return { theme: fallback, saveAs: 'cookie' };
  }
}
