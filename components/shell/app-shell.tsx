import Link from 'next/link';
import type { ReactNode } from 'react';
import type { NavItem } from '@/lib/auth/nav';
import { MobileNav, NavLinks } from './nav-links';
import { LiveBanner, LiveProvider, type MaintenanceBanner } from './live-updates';
import { SessionWatch } from './session-watch';
import { ThemeMenu } from './theme';
import { UserMenu } from './user-menu';

function Brand() {
  return (
    <Link href="/" className="rounded-md font-semibold tracking-tight focus-visible:outline-2 focus-visible:outline-indigo-600">
      Switchboard
    </Link>
  );
}

/**
 * The signed-in app: sections in a sidebar (a drawer below lg), a header with search (for those who read
 * settings) and the theme and account menus, and the page. Pages render their own PageHeader inside `children`.
 */
export function AppShell({
  nav,
  user,
  search,
  live,
  children,
}: {
  nav: NavItem[];
  user: { name: string; email: string };
  search?: ReactNode;
  /** Maintenance mode as the page was rendered, and whether this user works through it (LiveProvider). */
  live?: { maintenance: MaintenanceBanner; bypass: boolean };
  children: ReactNode;
}) {
  const shell = (
    <div className="min-h-dvh lg:grid lg:grid-cols-[15rem_minmax(0,1fr)]">
      <a href="#main" className="sr-only z-50 rounded-md bg-white px-3 py-2 text-sm font-medium focus:not-sr-only focus:fixed focus:top-2 focus:left-2 dark:bg-zinc-900">
        Skip to content
      </a>
      <aside className="hidden border-r border-zinc-200 bg-zinc-50 lg:block dark:border-zinc-800 dark:bg-zinc-900/40">
        <div className="sticky top-0 flex h-dvh flex-col gap-6 overflow-y-auto px-3 py-4">
          <div className="px-3">
            <Brand />
          </div>
          <nav aria-label="Main">
            <NavLinks items={nav} />
          </nav>
        </div>
      </aside>
      <div className="flex min-w-0 flex-col">
        <header className="sticky top-0 z-30 flex h-14 items-center gap-2 border-b border-zinc-200 bg-white/90 px-3 backdrop-blur sm:px-6 dark:border-zinc-800 dark:bg-zinc-950/90">
          <MobileNav items={nav} />
          <div className="lg:hidden">
            <Brand />
          </div>
          <div className="flex-1" />
          {search}
          <ThemeMenu />
          <UserMenu name={user.name} email={user.email} />
        </header>
        {live && <LiveBanner />}
        <main id="main" tabIndex={-1} className="mx-auto w-full max-w-6xl flex-1 px-4 py-6 outline-none sm:px-6 lg:px-8">
          {children}
        </main>
      </div>
      <SessionWatch />
    </div>
  );
  return live ? (
    <LiveProvider initial={live.maintenance} bypass={live.bypass} userName={user.name}>
      {shell}
    </LiveProvider>
  ) : (
    shell
  );
}
