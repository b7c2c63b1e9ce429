'use client';

import { usePathname } from 'next/navigation';
import { useEffect, useRef } from 'react';
import { signInAgain } from '@/lib/client/navigate';

const EVERY_MS = 60_000;

/**
 * Keeps the session's "last activity" current while someone uses the app, and notices when it has ended.
 * At most once a minute, on navigation, clicks and keys, it asks next-auth for the session: that refreshes
 * the cookie (the jwt callback stamps the activity) or, for a session idle too long, clears it.
 */
export function SessionWatch() {
  const pathname = usePathname();
  const last = useRef(0);

  useEffect(() => {
    async function check() {
      if (Date.now() - last.current < EVERY_MS) return;
      last.current = Date.now();
      const session = await fetch('/api/auth/session', { cache: 'no-store' })
        .then((r) => r.json())
        .catch(() => undefined); // offline: try again later
      if (session && !session.user) signInAgain();
    }
    void check();
    const events = ['pointerdown', 'keydown'] as const;
    for (const e of events) window.addEventListener(e, check, { passive: true });
    return () => {
      for (const e of events) window.removeEventListener(e, check);
    };
  }, [pathname]);

  return null;
}
