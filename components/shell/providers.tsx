'use client';

import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { useState, type ReactNode } from 'react';
import { Toaster } from 'sonner';
import { z } from 'zod';

// The page CSP forbids eval: zod must not even probe for it (Chromium reports the caught probe as a violation)
z.config({ jitless: true });
import { ApiError } from '@/lib/client/api';
import type { Theme } from '@/lib/theme';
import { ThemeProvider, useTheme } from './theme';

/** Client-side context for every page: data fetching (react-query), the theme and toasts. */
export function Providers({ theme, themeSaveAs, children }: { theme: Theme; themeSaveAs: 'preference' | 'cookie'; children: ReactNode }) {
  const [queryClient] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          // a 4xx will not change by asking again; network hiccups and 503s might
          queries: { staleTime: 10_000, retry: (count, err) => count < 2 && !(err instanceof ApiError && err.status >= 400 && err.status < 500) },
        },
      }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <ThemeProvider initial={theme} saveAs={themeSaveAs}>
        {children}
        <ThemedToaster />
      </ThemeProvider>
    </QueryClientProvider>
  );
}

function ThemedToaster() {
  const { theme } = useTheme();
  return <Toaster theme={theme} position="bottom-right" closeButton richColors />;
}
